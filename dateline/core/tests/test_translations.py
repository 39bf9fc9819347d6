"""The catalogues that put the reader's interface in Arabic and Persian
(dateline/locale): every message translated with all its plural forms and
the same placeholders, the compiled .mo files (what runs) saying what the
.po files (what translators edit) say, and the .po files holding every
message the code has."""

import gettext
import re
import shutil
from collections import Counter
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

pytestmark = pytest.mark.once  # reads files and runs gettext's tools: no database

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PACKAGE_DIR = LOCALE_DIR.parent
DJANGO_LOCALE_DIR = Path(django.__file__).parent / "conf" / "locale"
SOURCE_LANGUAGE = "en"  # the code's own strings
LANGUAGES = ["ar", "fa"]

# %(name)s and %s, {name} (python-brace-format), and HTML tags a translation must keep.
PRINTF = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
BRACES = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")

# Letters of the other script: Persian writes ی and ک, Arabic ي and ك.
FOREIGN_LETTERS = {"fa": "\u064a\u0643\u0649", "ar": "\u06cc\u06a9"}


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def catalogue(language):
    path = po_path(language)
    assert path.exists(), f"{path} is missing: cd dateline && django-admin makemessages -l {language}"
    return polib.pofile(str(path))


def nplurals(po):
    return int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))


def placeholders(text, entry):
    found = PRINTF.findall(text.replace("%%", "")) + TAG.findall(text)
    if "python-brace-format" in entry.flags:
        found += BRACES.findall(text)
    return Counter(found)


def name(entry):
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(entry):
    """(plural form or None, its translation) for each text of an entry."""
    if entry.msgid_plural:
        return sorted(entry.msgstr_plural.items())
    return [(None, entry.msgstr)]


def served(entry, count):
    """The entry's translation as Django looks it up for the active language."""
    if entry.msgid_plural and entry.msgctxt:
        return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
    if entry.msgid_plural:
        return translation.ngettext(entry.msgid, entry.msgid_plural, count)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_every_edition_but_the_source_language_has_a_catalogue():
    editions = {code for code, _name in settings.LANGUAGES} - {SOURCE_LANGUAGE}
    assert editions <= set(LANGUAGES), f"no catalogue test for {sorted(editions - set(LANGUAGES))}"
    for language in LANGUAGES:
        assert po_path(language).exists() and po_path(language).with_suffix(".mo").exists(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_are_djangos_own_for_the_language(language):
    ours = catalogue(language)
    djangos = polib.pofile(str(DJANGO_LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    assert ours.metadata["Language"] == language
    assert " ".join(ours.metadata["Plural-Forms"].split()) == " ".join(djangos.metadata["Plural-Forms"].split())
    assert not ours.metadata_is_fuzzy, "a fuzzy header is left out of the .mo, and its plural forms with it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_every_plural_form_with_its_placeholders(language):
    po = catalogue(language)
    forms = nplurals(po)
    problems = []
    for entry in po:
        if entry.obsolete:
            problems.append(f"obsolete (run makemessages --no-obsolete): {name(entry)}")
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {name(entry)}")
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(forms)):
            problems.append(f"plural forms {sorted(entry.msgstr_plural)}, not 0 to {forms - 1}: {name(entry)}")
        # A plural form keeps the singular's placeholders or the plural's.
        wanted = [placeholders(source, entry) for source in (entry.msgid, entry.msgid_plural) if source]
        for form, text in translations(entry):
            label = name(entry) if form is None else f"{name(entry)} [form {form}]"
            if not text.strip():
                problems.append(f"untranslated: {label}")
                continue
            got = placeholders(text, entry)
            if got not in wanted:
                problems.append(f"placeholders {sorted(got.elements())}, not {sorted(wanted[-1].elements())}: {label}")
            if foreign := sorted(set(text) & set(FOREIGN_LETTERS[language])):
                problems.append(f"letters of another script {foreign}: {label}")
    assert not problems, f"{po_path(language)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_the_po_file_says(language):
    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid, entry.msgid_plural): (
                tuple(text for _form, text in sorted(entry.msgstr_plural.items()))
                if entry.msgid_plural
                else entry.msgstr
            )
            for entry in entries
            if not entry.obsolete and "fuzzy" not in entry.flags
        }

    mo_path = po_path(language).with_suffix(".mo")
    written, compiled = messages(catalogue(language)), messages(polib.mofile(str(mo_path)))
    stale = {
        key: (compiled.get(key), written.get(key))
        for key in written.keys() | compiled.keys()
        if written.get(key) != compiled.get(key)
    }
    assert not stale, f"{mo_path} differs from its .po (run django-admin compilemessages in dateline/):\n" + "\n".join(
        f"{key[1]!r}: compiled {was!r}, written {now!r}" for key, (was, now) in stale.items()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_django_serves_each_translation_in_the_form_its_count_needs(language):
    """Through Django's own lookup: the project's catalogue comes before
    Django's and Wagtail's, and each plural form answers its counts."""
    po = catalogue(language)
    plural = gettext.c2py(po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip(";"))
    count_for = {}
    for n in range(200):
        count_for.setdefault(plural(n), n)
    wrong = []
    with translation.override(language):
        for entry in po:
            for form, text in translations(entry):
                count = count_for[form] if form is not None else None
                if (answer := served(entry, count)) != text:
                    wrong.append(f"{name(entry)!r} (count {count}): {answer!r}, not {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_catalogues_hold_every_message_the_code_has(tmp_path, settings, monkeypatch):
    """makemessages, run on a copy of the code, finds nothing the .po files lack."""
    for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: GNU gettext is needed to check the catalogues (scripts/_install.sh)")
    copy = tmp_path / "dateline"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)

    def keys(po):
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in po if not entry.obsolete}

    unlisted, gone = {}, {}
    for language in LANGUAGES:
        current = keys(polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po")))
        kept = keys(catalogue(language))
        unlisted[language] = sorted(msgid for _ctxt, msgid, _plural in current - kept)
        gone[language] = sorted(msgid for _ctxt, msgid, _plural in kept - current)
    command = "cd dateline && django-admin makemessages -l ar -l fa --no-obsolete, translate, compilemessages"
    assert not any(unlisted.values()), f"messages in the code but not in the catalogues ({command}): {unlisted}"
    assert not any(gone.values()), f"messages in the catalogues the code no longer has ({command}): {gone}"
