"""Hot pages make a fixed number of queries, however large the archive.

Counts are taken in steady state (a warm-up request first, as on a running
site, so Wagtail's cached site root paths are in place) and pinned: a change
that adds a query shows up here.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.articles.tests.factories import ArticlePageFactory

PAGES = {
    "article": 17,
    "home": 9,
    "section": 11,
    "section page 2": 11,
    "tag": 12,
    "author": 13,
    "feed": 11,
    "sitemap page": 3,
    "news sitemap": 3,
    "search": 7,
    "api list": 9,
    "api story": 7,
}


def addresses(demo_site):
    return {
        "article": demo_site.article.url,
        "home": "/",
        "section": "/middle-east/",
        "section page 2": "/middle-east/page/2/",
        "tag": "/tags/deir-ezzur/",
        "author": "/authors/staff/",
        "feed": "/feeds/atom/",
        "sitemap page": "/sitemap-articles.xml",
        "news sitemap": "/news-sitemap.xml",
        "search": "/search/?q=story",
        "api list": "/api/v1/articles",
        "api story": f"/api/v1/articles/{demo_site.article.pk}",
    }


def queries_for(client, address):
    client.get(address)  # warm-up, as on a running site
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(context.captured_queries)


@pytest.fixture
def small_archive(demo_site):
    """Just enough for every listing to have a second page."""
    section = demo_site.sections["Middle East"]
    for n in range(21):
        story = ArticlePageFactory(parent=section, title=f"Story {n}", authors=[demo_site.staff])
        story.tags.add("Deir Ezzur")
        story.save()
    return demo_site


def test_query_counts_are_pinned(client, small_archive):
    measured = {name: queries_for(client, address) for name, address in addresses(small_archive).items()}
    assert measured == PAGES


def test_query_counts_do_not_grow_with_the_archive(client, small_archive):
    before = {name: queries_for(client, address) for name, address in addresses(small_archive).items()}
    call_command("generate_articles", 400, stdout=StringIO())
    after = {name: queries_for(client, address) for name, address in addresses(small_archive).items()}
    assert after == before


def test_query_counts_are_the_same_at_100000_articles(large_archive):
    """The pinned counts, measured again on a site with 100,000 more stories
    (in a process of its own, on that site's database)."""
    article_id, article_path = large_archive.sql(
        "SELECT id, url_path FROM wagtailcore_page WHERE slug LIKE ? ORDER BY id LIMIT 1", ("syrian-army%",)
    )[0]
    addresses = {
        "article": "/" + article_path.split("/", 2)[2],
        "home": "/",
        "section": "/world-news/",
        "section page 2": "/world-news/page/500/",
        "tag": "/tags/synthetic-tag-1/",
        "author": "/authors/synthetic-author-1/",
        "feed": "/feeds/atom/",
        "sitemap page": "/sitemap-articles.xml?p=2",
        "news sitemap": "/news-sitemap.xml",
        "search": "/search/?q=synthetic",
        "api list": "/api/v1/articles?page=50",
        "api story": f"/api/v1/articles/{article_id}",
    }
    measured = json.loads(
        large_archive.run_python("-m", "dateline.articles.tests.count_queries", *addresses.values()).stdout
    )
    assert {name: measured[address] for name, address in addresses.items()} == {
        name: [200, queries] for name, queries in PAGES.items()
    }
    assert large_archive.sql("SELECT COUNT(*) FROM articles_articlepage")[0][0] > 100_000
