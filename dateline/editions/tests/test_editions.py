"""Editions as readers and crawlers meet them: each at its own address, in
its own language and direction, linked to the others both ways."""

import json
import re
from urllib.parse import unquote, urlsplit

import pytest
from defusedxml import ElementTree as ET
from django.conf import settings
from wagtail.models import Page

from dateline.articles.models import ArticlePage, SectionPage

HTML_TAG = re.compile(r"<html\b[^>]*>")
HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
LINK = re.compile(r'href="([^"#?]+)"')


def html_tag(response):
    return HTML_TAG.search(response.content.decode()).group(0)


def hreflangs(response):
    """{hreflang: path} of a page's alternates, as a crawler reads them."""
    return {lang: unquote(urlsplit(url).path) for lang, url in HREFLANG.findall(response.content.decode())}


def edition_pages(home):
    """Every live page of an edition, by its address, and its corrections page."""
    pages = [unquote(page.url) for page in Page.objects.live().descendant_of(home, inclusive=True).specific()]
    return [*pages, f"{unquote(home.url)}corrections/"]


@pytest.fixture
def editions(demo_site):
    return demo_site.editions


def test_the_demo_has_an_english_arabic_and_farsi_edition(client, editions):
    assert sorted(editions) == ["ar", "en", "fa"]
    assert editions[settings.LANGUAGE_CODE].url == "/"
    assert unquote(editions["ar"].url) == "/ar/"
    assert unquote(editions["fa"].url) == "/fa/"


@pytest.mark.parametrize(
    ("language", "direction"),
    [("en", "ltr"), ("ar", "rtl"), ("fa", "rtl")],
)
def test_every_page_of_an_edition_says_its_language_and_direction(client, editions, language, direction):
    pages = edition_pages(editions[language])
    prefix = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    pages += [f"{prefix}search/?q=x", f"{prefix}no-such-page/", f"{prefix}tags/no-such-tag/"]
    assert len(pages) > 15
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert html_tag(response) == f'<html lang="{language}" dir="{direction}">', path


def test_the_seed_article_is_in_each_language_and_links_to_its_translations(client, demo_site):
    article = demo_site.article
    versions = {version.locale.language_code: version for version in article.get_translations(inclusive=True)}
    assert sorted(versions) == ["ar", "en", "fa"]
    assert "دير الزور" in versions["ar"].title
    for language, version in versions.items():
        html = client.get(version.url).content.decode()
        read_in = re.search(r'<p class="story__translations">(.*?)</p>', html, re.S).group(1)
        linked = {lang: unquote(href) for href, lang in re.findall(r'href="([^"]+)" hreflang="([^"]+)"', read_in)}
        assert linked == {other: unquote(v.url) for other, v in versions.items() if other != language}


def test_hreflang_alternates_are_reciprocal_across_every_edition(client, editions):
    """Each page lists itself and every translation, and each of those lists
    exactly the same set back, with one x-default (search engines ignore a
    set that is not reciprocal)."""
    seen = {}
    for home in editions.values():
        for path in edition_pages(home):
            response = client.get(path)
            assert response.status_code == 200, path
            seen[path] = hreflangs(response)
    with_alternates = {path: links for path, links in seen.items() if links}
    # The homes and their corrections pages, sections, staff pages, the seed
    # article and live story, and the information pages.
    assert len(with_alternates) >= 3 * 16
    assert {"/corrections/", "/ar/corrections/", "/fa/corrections/"} <= set(with_alternates)
    for path, links in with_alternates.items():
        assert path in links.values(), f"{path} does not list itself"
        assert set(links) >= {"x-default"}
        assert links["x-default"] == links.get(settings.LANGUAGE_CODE), path
        for language, other in links.items():
            assert seen.get(other) == links, f"{path} lists {other} ({language}), which does not list it back the same"


def test_a_page_without_translations_names_no_alternates(client, demo_site):
    section = demo_site.sections["Middle East"]
    story = ArticlePage(title="Only in English", slug="only-in-english", body=[])
    section.add_child(instance=story)
    story.save_revision().publish()
    assert hreflangs(client.get(story.url)) == {}


def test_an_edition_has_its_own_sections_in_its_menu(client, editions):
    for home in editions.values():
        html = client.get(home.url).content.decode()
        menu = re.search(r'<nav class="section-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
        titles = re.findall(r">([^<>]+)</a>", menu)
        assert titles == [section.title for section in SectionPage.objects.child_of(home).live().order_by("path")]


def test_the_edition_menu_links_each_edition_in_its_own_language(client, editions):
    html = client.get(editions["fa"].url).content.decode()
    menu = re.search(r'<nav class="edition-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'<a href="([^"]+)" lang="([^"]+)" dir="([^"]+)"', menu) == [
        ("/", "en", "ltr"),
        ("/ar/", "ar", "rtl"),
        ("/fa/", "fa", "rtl"),
    ]
    assert 'aria-current="true">فارسی</a>' in menu


def test_an_edition_without_a_home_page_is_not_found(client, editions):
    editions["fa"].unpublish()
    for path in ("/fa/", "/fa/search/?q=x", "/fa/feeds/rss/", "/fa/news-sitemap.xml"):
        assert client.get(path).status_code == 404, path
    html = client.get("/").content.decode()
    assert 'href="/fa/"' not in html
    assert "/fa/sitemap.xml" not in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize("language", ["en", "ar", "fa"])
def test_each_edition_has_feeds_in_its_language_of_its_own_stories(client, editions, language):
    home = editions[language]
    prefix = unquote(home.url)
    own = {ArticlePage.objects.descendant_of(home).get(livestorypage__isnull=True).title}

    rss = ET.fromstring(client.get(f"{prefix}feeds/rss/").content)
    assert rss.findtext("channel/language") == language
    assert own <= {item.findtext("title") for item in rss.iter("item")}
    assert len(list(rss.iter("item"))) == ArticlePage.objects.descendant_of(home).live().count()

    atom = ET.fromstring(client.get(f"{prefix}feeds/atom/").content)
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == language

    feed = json.loads(client.get(f"{prefix}feeds/json/").content)
    assert feed["language"] == language
    assert own <= {item["title"] for item in feed["items"]}


@pytest.mark.parametrize("language", ["en", "ar", "fa"])
def test_each_edition_has_sitemaps_of_its_own_addresses(client, editions, language):
    home = editions[language]
    prefix = unquote(home.url)
    index = ET.fromstring(client.get(f"{prefix}sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    files = [unquote(urlsplit(loc.text).path) for loc in index.findall("s:sitemap/s:loc", ns)]
    assert files and all(path.startswith(f"{prefix}sitemap-") for path in files)
    listed = set()
    for path in files:
        urlset = ET.fromstring(client.get(path).content)
        listed |= {unquote(urlsplit(loc.text).path) for loc in urlset.findall("s:url/s:loc", ns)}
    stories = [unquote(story.url) for story in ArticlePage.objects.descendant_of(home).live()]
    sections = [unquote(section.url) for section in SectionPage.objects.child_of(home).live()]
    assert listed >= {prefix, *sections, *stories}
    others = [other for code, other in editions.items() if code != language]
    assert not listed & {path for other in others for path in edition_pages(other)}

    news = client.get(f"{prefix}news-sitemap.xml").content.decode()
    assert f"<news:language>{language}</news:language>" in news


def test_robots_txt_names_every_editions_sitemaps(client, editions):
    robots = client.get("/robots.txt").content.decode()
    for prefix in ("/", "/ar/", "/fa/"):
        assert f"{prefix}sitemap.xml" in robots
        assert f"{prefix}news-sitemap.xml" in robots
        assert f"Disallow: {prefix}search/" in robots


def test_json_ld_names_the_editions_language(client, demo_site):
    for language, home in demo_site.editions.items():
        version = demo_site.article.get_translation(home.locale)
        html = client.get(version.url).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        described = [json.loads(block) for block in blocks]
        article = next(item for item in described if item["@type"].endswith("Article"))
        assert article["inLanguage"] == language


def test_search_finds_only_the_editions_own_stories(client, demo_site):
    def found(path):
        html = client.get(path).content.decode()
        return {unquote(href) for href in re.findall(r'<a href="([^"]+)"', html)}

    arabic = demo_site.article.get_translation(demo_site.editions["ar"].locale)
    in_english, in_arabic = found("/search/?q=Deir"), found("/ar/search/?q=دير")
    assert demo_site.article.url in in_english
    assert unquote(arabic.url) in in_arabic
    assert demo_site.article.url not in in_arabic
    assert unquote(arabic.url) not in in_english


def test_a_policy_link_leads_to_the_editions_own_policy_page(client, demo_site):
    arabic = demo_site.article.get_translation(demo_site.editions["ar"].locale)
    html = client.get(arabic.url).content.decode()
    sourcing = re.search(r'<p class="story__sourcing">(.*?)</p>', html, re.S).group(1)
    assert unquote(re.search(r'href="([^"]+)"', sourcing).group(1)).startswith("/ar/")
    footer = re.search(r'<nav class="site-footer__policies".*?</nav>', html, re.S).group(0)
    assert all(unquote(href).startswith("/ar/") for href in LINK.findall(footer))


def test_a_story_taken_down_in_an_edition_answers_410_in_its_language(client, demo_site):
    arabic = demo_site.article.get_translation(demo_site.editions["ar"].locale)
    address = arabic.url
    arabic.unpublish()
    response = client.get(address)
    assert response.status_code == 410
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    # The other editions' versions stay up.
    assert client.get(demo_site.article.url).status_code == 200
