"""Names in another script than the page are isolated, and stay escaped."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from dateline.core.bidi import bdi, isolated, with_bdi

pytestmark = pytest.mark.once  # no database


def test_a_name_is_escaped_inside_its_bdi():
    assert bdi("<b>محمد</b>") == "<bdi>&lt;b&gt;محمد&lt;/b&gt;</bdi>"


def test_a_translated_message_keeps_its_placeholders_and_escapes_both_parts():
    label = with_bdi("“%(word)s” & more <alone>", word="<script>")
    assert label == "“<bdi>&lt;script&gt;</bdi>” &amp; more &lt;alone&gt;"
    assert str(Template("{{ label }}").render(Context({"label": label}))) == label  # not escaped twice


def test_plain_text_is_isolated_between_unicode_marks():
    assert isolated("سلام 3") == "\u2068سلام 3\u2069"
    assert isolated("") == ""


def test_a_name_put_into_a_translated_sentence_is_isolated_there():
    template = Template(
        "{% load i18n dateline_tags %}"
        "{% blocktranslate with name=author|bdi %}Stories by {{ name }}{% endblocktranslate %}"
    )
    assert template.render(Context({"author": "Zoë <محمد>"})) == "Stories by <bdi>Zoë &lt;محمد&gt;</bdi>"


def test_a_pull_quote_and_its_speaker_each_run_in_their_own_direction():
    html = render_to_string("blocks/quote.html", {"value": {"quote": "لن نغادر", "attribution": "Rania Haddad"}})
    assert '<blockquote dir="auto"><p>لن نغادر</p></blockquote>' in html
    assert '<figcaption dir="auto">Rania Haddad</figcaption>' in html
