"""A search box in the header of every page: a plain GET form that works
without JavaScript, by keyboard, in either direction, on stored pages."""

import re
from html import unescape

import pytest
from django.utils import translation
from django.utils.translation import gettext

from dateline.testing.browser import tab_to
from dateline.testing.fixtures.sites import public_pages

HEADER_FORM = re.compile(
    r'<form class="site-search" role="search" method="get" action="(/(?:[a-z]{2}/)?)search/"[^>]*>(.*?)</form>', re.S
)


def header_search(html, edition="/"):
    """The header's search form, which searches the page's own edition."""
    forms = HEADER_FORM.findall(html)
    assert len(forms) == 1, "one search box in the header"
    assert forms[0][0] == edition, "the search box searches the page's edition"
    return forms[0][1]


def test_every_public_page_has_the_same_labelled_search_box(client, full_site):
    for name, address in public_pages(full_site).items():
        response = client.get(address)
        language = name.rsplit("-", 1)[1] if name.endswith(("-ar", "-fa")) else None
        form = header_search(response.content.decode(), f"/{language}/" if language else "/")
        field = re.search(r'<input id="([^"]+)"[^>]* type="search" name="q" value="([^"]*)"', form)
        assert field, name
        with translation.override(language or "en"):
            label = gettext("Search stories")
        assert f'<label class="visually-hidden" for="{field.group(1)}">{label}</label>' in form, name
        assert 'dir="auto"' in form, name
        if not name.startswith("search"):
            assert field.group(2) == "", f"{name}: nothing of a reader's in a page the cache shares"


def test_the_search_page_keeps_the_query_in_both_boxes(client, demo_site):
    html = client.get("/search/", {"q": "Deir <Ezzur>"}).content.decode()
    assert 'value="Deir &lt;Ezzur&gt;"' in header_search(html)
    assert html.count('value="Deir &lt;Ezzur&gt;"') == 2
    assert unescape(re.search(r'<h3 class="card__headline"><a [^>]*>(.*?)</a>', html).group(1)).startswith("Syrian")


def test_a_stored_page_never_carries_a_readers_query(front, demo_site):
    front.get("/")
    front.get("/search/?q=private+words")
    answer = front.get("/")
    assert answer.cache == "hit"
    assert b"private words" not in answer.body
    assert header_search(answer.body.decode())


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_reader_searches_from_the_header_by_keyboard(new_browser_context, demo_site, javascript):
    page = new_browser_context(java_script_enabled=javascript).new_page()
    page.goto(demo_site.article.url)
    tab_to(page, "el.id === 'site-search-q'")
    page.keyboard.type("ezzur")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=ezzur")
    assert page.locator("#site-search-q").input_value() == "ezzur"
    assert page.locator(".card__headline").first.inner_text().startswith("Syrian Army")
    # Arabic typed into the box runs right to left, whatever the page's direction.
    page.locator("#site-search-q").fill("دير الزور")
    assert page.evaluate("getComputedStyle(document.querySelector('#site-search-q')).direction") == "rtl"
