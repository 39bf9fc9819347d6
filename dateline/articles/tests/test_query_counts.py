"""Hot pages make a fixed number of queries, however large the archive.

Each page is counted twice, after a warm-up request (as on a running site,
so Wagtail's cached site root paths are in place): rendered from scratch,
as after a change to the site's settings, and again with the rendered parts
and lookups the page cache keeps. Both are pinned: a change that adds a
query shows up here.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from dateline.articles.tests.count_queries import queries_for
from dateline.articles.tests.factories import ArticlePageFactory

# (from scratch, with parts kept). From scratch, every page reads the
# site's three kept settings (branding, editorial policies, breaking news);
# a story also reads its corrections and updates, and so do the feeds and
# the API, which keep no parts; a section's first page asks which live
# stories lead it (dateline/live/happening_now.py); and every page finds
# its edition's home page (dateline/editions/lookups.py). Pages at their
# own address list their translations (hreflang), kept as the sections are.
PAGES = {
    "article": (19, 2),
    "home": (9, 0),
    "section": (13, 2),
    "section page 2": (11, 2),
    "tag": (10, 1),
    "author": (12, 2),
    "feed": (12, 4),
    "sitemap page": (4, 2),
    "news sitemap": (4, 1),
    "search": (11, 3),
    "api list": (11, 7),
    "api story": (9, 5),
}
# A search with more than search.results.FEW matches (every synthetic story)
# is walked newest first, not counted and sorted: one query fewer.
MANY_MATCHES_SEARCH = (10, 2)


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


def measure(client, address):
    status, *counts = queries_for(client, address)
    assert status == 200, address
    return tuple(counts)


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
    measured = {name: measure(client, address) for name, address in addresses(small_archive).items()}
    assert measured == PAGES


def test_query_counts_do_not_grow_with_the_archive(client, small_archive):
    before = {name: measure(client, address) for name, address in addresses(small_archive).items()}
    call_command("generate_articles", 400, stdout=StringIO())
    after = {name: measure(client, address) for name, address in addresses(small_archive).items()}
    assert after == before


def _seed_story(site):
    article_id, article_path = site.sql(
        "SELECT id, url_path FROM wagtailcore_page WHERE slug LIKE ? ORDER BY id LIMIT 1", ("syrian-army%",)
    )[0]
    return article_id, "/" + article_path.split("/", 2)[2]


def test_query_counts_are_the_same_at_100000_articles(large_archive):
    """The pinned counts, measured again on a site with 100,000 more stories
    (in a process of its own, on that site's database)."""
    article_id, article_url = _seed_story(large_archive)
    addresses = {
        "article": article_url,
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
        name: [200, *queries] for name, queries in {**PAGES, "search": MANY_MATCHES_SEARCH}.items()
    }
    assert large_archive.sql("SELECT COUNT(*) FROM articles_articlepage")[0][0] > 100_000


THOUSAND_COMMENTS = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
import django
django.setup()
from django.utils import timezone
from dateline.comments.models import Comment
roots = Comment.objects.bulk_create(
    Comment(article_id={article}, name=f"Reader {{n}}", email=f"r{{n}}@example.org", body=f"Comment {{n}}.",
            status=Comment.Status.APPROVED, submitted_at=timezone.now())
    for n in range(500)
)
Comment.objects.bulk_create(
    Comment(article_id={article}, parent=root, thread_root=root, depth=1, name="Reply", email="reply@example.org",
            body="A reply.", status=Comment.Status.APPROVED, submitted_at=timezone.now())
    for root in roots
)
"""


def test_a_story_with_1000_comments_costs_the_same_queries(large_archive_copy):
    """At 100,000 stories, on a copy of the site: the seed story with 1,000
    approved comments (500 threads of two), first and last page of threads."""
    article_id, article_url = _seed_story(large_archive_copy)
    large_archive_copy.run_python("-c", THOUSAND_COMMENTS.format(article=article_id))
    last_page = f"{article_url}comments/page/10/"
    measured = json.loads(
        large_archive_copy.run_python("-m", "dateline.articles.tests.count_queries", article_url, last_page).stdout
    )
    assert measured == {article_url: [200, *PAGES["article"]], last_page: [200, *PAGES["article"]]}
    assert large_archive_copy.sql("SELECT COUNT(*) FROM comments_comment WHERE article_id = ?", (article_id,)) == [
        (1000,)
    ]
