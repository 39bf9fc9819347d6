"""The Arabic and Farsi editions speak their language throughout: no
English word left in the interface of a public page, the comment form
and what it answers, the feeds' titles or the error pages.

The demo's content is translated too, so any Latin word a reader can see
or hear (text, alt, aria-label, title, placeholder) is an interface string
that was not translated. The site's name and feed formats' names are the exceptions."""

import re
from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from dateline.testing.fixtures.sites import public_pages

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
# The site's name, and the names of feed formats, which Arabic and Persian
# sites write in Latin letters too.
NAMES = {"Dateline", "RSS", "Atom", "JSON", "Feed"}
SPOKEN_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder", "aria-description"}
UNSEEN = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ReadableText(HTMLParser):
    """What a reader sees or a screen reader says in the page's language:
    text and spoken attributes, less what is marked as another language
    (the edition menu's "English", lang="en")."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.open = []  # (tag, language) of each open element
        self.page_language = None

    def language(self):
        return next((language for _, language in reversed(self.open) if language), None)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag != "html" and tag not in VOID:
            self.open.append((tag, attributes.get("lang")))
        if tag == "html":
            self.page_language = attributes.get("lang")
        if self.language() not in (None, self.page_language):
            return
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.found.append(value)
        if tag in ("input", "button") and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.found.append(attributes["value"])

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(tag in UNSEEN for tag, _ in self.open) or self.language() not in (None, self.page_language):
            return
        if data.strip():
            self.found.append(data.strip())


def english_words(html):
    parser = ReadableText()
    parser.feed(html)
    # An e-mail address or a web address is written in Latin letters in any language.
    texts = [ADDRESS.sub("", text) for text in parser.found]
    return sorted({word for text in texts for word in LATIN_WORD.findall(text)} - NAMES)


def other_edition_pages(site):
    return {name: address for name, address in public_pages(site).items() if name.endswith(("-ar", "-fa"))}


def test_public_pages_of_the_arabic_and_farsi_editions_have_no_english_left(client, full_site):
    pages = other_edition_pages(full_site)
    assert len(pages) >= 14
    found = {}
    for name, address in pages.items():
        response = client.get(address)
        assert response.status_code in (200, 404), name
        if words := english_words(response.content.decode()):
            found[name] = words
    assert found == {}


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_the_comment_form_answers_in_the_editions_language(client, demo_site, language):
    article = demo_site.article.get_translation(demo_site.editions[language].locale)
    # A post with nothing filled in: the form comes back with its errors.
    response = client.post(
        f"/{language}/comments/post/{article.pk}/", {"body": "", "name": "", "email": "not an address"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<html lang="{language}" dir="rtl">' in html
    assert html.count('class="field__error"') >= 2, "the form's errors are shown"
    assert english_words(html) == []


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_feed_titles_are_in_the_editions_language(client, demo_site, language):
    home = demo_site.editions[language]
    section = demo_site.sections["Middle East"].get_translation(home.locale)
    for address in (
        f"/{language}/feeds/rss/",
        f"/{language}/feeds/corrections/rss/",
        f"/{language}/feeds/sections/{section.slug}/rss/",
    ):
        channel = ElementTree.fromstring(client.get(address).content).find("channel")
        words = set(LATIN_WORD.findall(f"{channel.findtext('title')} {channel.findtext('description')}")) - NAMES
        assert words == set(), address


@pytest.mark.parametrize("language", ["ar", "fa"])
@pytest.mark.parametrize("template", ["400.html", "404.html", "410.html", "500.html", "503.html"])
def test_error_pages_are_in_the_editions_language(demo_site, language, template):
    request = RequestFactory().get(f"/{language}/")
    with translation.override(language):
        html = render_to_string(template, {"request": request}, request=request)
    assert english_words(html) == []
