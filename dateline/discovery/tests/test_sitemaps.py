"""Sitemaps, the Google News sitemap and robots.txt."""

from datetime import timedelta

import pytest
import time_machine
from defusedxml import ElementTree
from django.utils import timezone

from dateline.articles.tests.factories import ArticlePageFactory
from dateline.discovery.sitemaps import ArticleSitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BASE = "http://127.0.0.1:8000"


def xml(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root, kind="url"):
    return [element.findtext(f"{SITEMAP}loc") for element in root.findall(f"{SITEMAP}{kind}")]


def test_the_index_lists_every_sitemap_with_lastmod(client, full_site):
    index = xml(client, "/sitemap.xml")
    entries = index.findall(f"{SITEMAP}sitemap")
    assert {entry.findtext(f"{SITEMAP}loc") for entry in entries} == {
        f"{BASE}/sitemap-{name}.xml" for name in ("home", "sections", "articles", "authors", "tags", "pages")
    }
    articles = next(e for e in entries if e.findtext(f"{SITEMAP}loc").endswith("-articles.xml"))
    assert articles.findtext(f"{SITEMAP}lastmod").startswith(str(timezone.now().year))


def test_sitemaps_hold_every_public_page_with_lastmod(client, full_site):
    articles = xml(client, "/sitemap-articles.xml")
    addresses = locations(articles)
    assert f"{BASE}{full_site.article.url}" in addresses
    assert f"{BASE}{full_site.feature.url}" in addresses
    assert all(url.findtext(f"{SITEMAP}lastmod") for url in articles.findall(f"{SITEMAP}url"))
    assert f"{BASE}/middle-east/" in locations(xml(client, "/sitemap-sections.xml"))
    assert f"{BASE}/tags/deir-ezzur/" in locations(xml(client, "/sitemap-tags.xml"))
    assert f"{BASE}{full_site.reporter.url}" in locations(xml(client, "/sitemap-authors.xml"))
    assert locations(xml(client, "/sitemap-home.xml")) == [f"{BASE}/"]


def test_large_sitemaps_are_split_into_pages(client, demo_site, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)  # 5,000 in production (the protocol allows 50,000)
    for n in range(4):
        ArticlePageFactory(parent=demo_site.sections["Others"], title=f"Filler {n}")
    index = locations(xml(client, "/sitemap.xml"), kind="sitemap")
    article_files = [loc for loc in index if "-articles.xml" in loc]
    assert article_files == [f"{BASE}/sitemap-articles.xml"] + [
        f"{BASE}/sitemap-articles.xml?p={page}" for page in (2, 3)
    ]
    seen = []
    for page in (1, 2, 3):
        seen += locations(xml(client, f"/sitemap-articles.xml?p={page}"))
    assert len(seen) == len(set(seen)) == 6  # the seed story, the demo's live story and four fillers
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_taken_down_story_leaves_the_sitemaps_at_once(client, full_site):
    address = f"{BASE}{full_site.article.url}"
    full_site.article.unpublish()
    assert address not in locations(xml(client, "/sitemap-articles.xml"))
    assert address not in locations(xml(client, "/news-sitemap.xml"))


@pytest.fixture
def news(demo_site):
    """Stories first published at known times before `now`."""
    now = timezone.now()
    section = demo_site.sections["World News"]
    ages = {"just now": timedelta(minutes=5), "yesterday": timedelta(hours=30), "nearly two days": timedelta(hours=47)}
    ages |= {"three days": timedelta(days=3), "a week": timedelta(days=7)}
    stories = {
        label: ArticlePageFactory(parent=section, title=f"Story from {label}", first_published_at=now - age)
        for label, age in ages.items()
    }
    demo_site.article.first_published_at = now - timedelta(days=30)
    demo_site.article.save(update_fields=["first_published_at"])
    return now, stories


def news_titles(client):
    root = xml(client, "/news-sitemap.xml")
    return [url.findtext(f"{NEWS}news/{NEWS}title") for url in root.findall(f"{SITEMAP}url")]


def test_the_news_sitemap_holds_exactly_the_last_two_days(client, news):
    now, stories = news
    with time_machine.travel(now, tick=False):
        assert news_titles(client) == ["Story from just now", "Story from yesterday", "Story from nearly two days"]
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        assert news_titles(client) == ["Story from just now", "Story from yesterday"]
    with time_machine.travel(now + timedelta(days=2), tick=False):
        assert news_titles(client) == []


def test_news_entries_name_the_publication(client, news):
    root = xml(client, "/news-sitemap.xml")
    url = root.find(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc").startswith(f"{BASE}/world-news/")
    assert url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == "Dateline"
    assert url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language") == "en"
    published = url.findtext(f"{NEWS}news/{NEWS}publication_date")
    assert published.endswith("+00:00") or published.endswith("Z")


def test_a_cache_may_keep_the_news_sitemap_only_until_its_oldest_story_expires(client, news):
    now, _ = news
    with time_machine.travel(now, tick=False):
        assert client.get("/news-sitemap.xml")["Cache-Control"] == "max-age=300"
    # "nearly two days" (47 hours old at `now`) leaves the window 59 minutes on.
    with time_machine.travel(now + timedelta(minutes=59), tick=False):
        assert client.get("/news-sitemap.xml")["Cache-Control"] == "max-age=60"


def test_the_news_sitemap_is_capped_at_a_thousand(client, demo_site, monkeypatch):
    monkeypatch.setattr("dateline.discovery.views.NEWS_LIMIT", 3)
    for n in range(5):
        ArticlePageFactory(parent=demo_site.sections["Others"], title=f"Breaking {n}")
    assert len(news_titles(client)) == 3


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_admin_and_search(client, demo_site):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert f"Sitemap: {BASE}/news-sitemap.xml" in lines
    assert client.get("/sitemap.xml").status_code == 200
    assert client.post("/robots.txt").status_code == 405
