"""The demo's Arabic and Farsi editions: the English demo translated, page
by page, as an editor would with Wagtail's "Translate" action.

Each page is copied into the edition's locale (Page.copy_for_translation,
which keeps the translation key that links the versions), given its
translated words from editions/<language>.json, and published. Like the
rest of the demo, it adds only what is missing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from wagtail.models import Locale

from dateline.articles.models import ArticleByline, ArticlePage, AuthorIndexPage
from dateline.core.models import StandardPage
from dateline.demo.live_story import LIVE_STORY
from dateline.demo.policies import POLICY_PAGES
from dateline.live.models import LiveStoryPage, LiveUpdate

EDITIONS_DIR = Path(__file__).parent / "editions"


def edition_texts():
    """{language code: translated texts} for each edition the settings name."""
    texts = {}
    for path in sorted(EDITIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        language = data["language"]
        if language != settings.LANGUAGE_CODE and language in dict(settings.LANGUAGES):
            texts[language] = data
    return texts


def _translate(page, locale, report, prepare=None, **fields):
    """The page's translation in `locale`, made and published if missing:
    given `fields`, and whatever `prepare(translation)` sets (its byline),
    in one revision. Returns (translation, made): an existing one is left
    as the editors keep it."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific, False
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    if prepare is not None:
        prepare(translation)
    translation.save_revision().publish()
    report.note(translation)
    return translation, True


def ensure_editions(*, home, sections, staff, seed, report):
    """Every configured edition with a text file: its home, sections,
    authors, the seed article, the live story and the information pages."""
    for language, text in edition_texts().items():
        locale, _ = Locale.objects.get_or_create(language_code=language)
        _ensure_edition(home, sections, staff, seed, text, locale, report)


def _ensure_edition(home, sections, staff, seed, text, locale, report):
    site = text["site"]
    edition_home, _ = _translate(
        home, locale, report, title=site["home_title"], tagline=site["tagline"], footer_text=site["footer_text"]
    )
    translated_sections = {}
    for title, section in sections.items():
        words = text["sections"][title]
        translated_sections[title], _ = _translate(
            section, locale, report, title=words["title"], slug=words["slug"], introduction=words["introduction"]
        )
    authors = AuthorIndexPage.objects.child_of(home).first()
    _translate(authors, locale, report, title=text["authors_index"]["title"], slug=text["authors_index"]["slug"])
    words = text["staff_author"]
    edition_staff, _ = _translate(
        staff, locale, report, title=words["title"], slug=words["slug"], job_title=words["job_title"], bio=words["bio"]
    )
    _ensure_article(seed, text, translated_sections, edition_staff, locale, report)
    _ensure_live_story(text, edition_staff, locale, report)
    for page in StandardPage.objects.child_of(home):
        words = _standard_page_words(page, text)
        if words is not None:
            _translate(page, locale, report, title=words["title"], slug=words["slug"], body=words["body"])
    return edition_home


def _bylined(author):
    """The copied byline names the English staff page: the edition's own instead."""

    def prepare(story):
        story.bylines.clear()
        story.bylines.add(ArticleByline(author=author))

    return prepare


def _ensure_article(seed, text, sections, staff, locale, report):
    english = ArticlePage.objects.filter(slug=seed["article"]["slug"]).exclude(locale=locale).first()
    if english is None:
        return
    words = text["article"]

    def filed(story):
        story.also_in.set([sections[title] for title in seed["article"]["also_in"]])
        _bylined(staff)(story)

    _translate(
        english,
        locale,
        report,
        prepare=filed,
        title=words["headline"],
        slug=words["slug"],
        dateline=words["dateline"],
        body=[("paragraph", "".join(f"<p>{escape(paragraph)}</p>" for paragraph in words["paragraphs"]))],
    )


def _ensure_live_story(text, staff, locale, report):
    english = LiveStoryPage.objects.filter(slug=LIVE_STORY["slug"]).exclude(locale=locale).first()
    if english is None:
        return
    words = text["live_story"]
    story, made = _translate(
        english,
        locale,
        report,
        prepare=_bylined(staff),
        title=words["title"],
        slug=words["slug"],
        standfirst=words["standfirst"],
        dateline=words.get("dateline", english.dateline),
        body=[("paragraph", f"<p>{escape(words['summary'])}</p>")] if words.get("summary") else english.body,
    )
    if not made:
        return
    # Updates are rows of their own, not part of the page: each translated
    # update is posted at the time its English one was.
    for update, translated in zip(english.updates.order_by("posted_at"), words["updates"], strict=True):
        LiveUpdate.objects.create(
            story=story,
            posted_at=update.posted_at,
            headline=translated["headline"],
            body=[("paragraph", translated["body"])],
            author=staff,
            pinned=update.pinned,
        )


def _standard_page_words(page, text):
    if page.slug == "privacy":
        return text["privacy_page"]
    for name, english in POLICY_PAGES.items():
        if page.slug == english["slug"]:
            words = text["policy_pages"][name]
            return {**words, "body": text["sample_notice"] + words["body"]}
    return None
