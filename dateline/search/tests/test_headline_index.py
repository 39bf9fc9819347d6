"""The index of headlines alone (search/headlines.py) follows every change
to a story's headline, and comes back whole after a migration drops it."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dateline.articles.models import ArticlePage
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.core.folding import headline_key, terms
from dateline.search import headlines
from dateline.search.apps import reinstall_headline_index
from dateline.search.headlines import HeadlineIndex


def headline_matches(query):
    with connection.cursor() as cursor:
        ids = HeadlineIndex(terms(query), connection.vendor).ids()
        cursor.execute(ids.sql, ids.params)
        return {story_id for (story_id,) in cursor.fetchall()}


def test_the_index_follows_a_headline_through_edits_and_deletion(demo_site):
    story = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Convoy reaches Deir ez-Zor")
    assert story.pk in headline_matches("convoy")
    assert story.pk in headline_matches("deir zor")

    story.title = "Aid trucks reach Deir ez-Zor"
    story.save_revision().publish()
    assert story.pk not in headline_matches("convoy")
    assert story.pk in headline_matches("aid trucks")

    story.delete()
    assert story.pk not in headline_matches("aid trucks")


def test_the_index_folds_as_queries_do(demo_site):
    story = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="الجيشُ السوريّ في إدلب")
    assert story.pk in headline_matches("الجيش السوري")
    assert story.pk in headline_matches("ادلب")


def test_migrate_brings_back_an_index_a_migration_dropped(demo_site):
    before = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Convoy before the rebuild")
    # What SQLite does to triggers when a migration rebuilds the article table.
    headlines.uninstall(connection)
    during = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Convoy during the rebuild")

    if connection.vendor == "postgresql":
        # The test's transaction holds deferred foreign-key checks, which
        # PostgreSQL will not build an index under; migrate has none pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    reinstall_headline_index(using=connection.alias)

    after = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Convoy after the rebuild")
    assert {before.pk, during.pk, after.pk} <= headline_matches("convoy")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [headlines.TABLE])
            assert cursor.fetchone() is not None
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_headline%%'")
            assert {name for (name,) in cursor.fetchall()} == headlines.SQLITE_TRIGGERS


def test_the_refolding_migration_brings_stale_keys_up_to_date(demo_site):
    """articles/migrations/0004 folds stored headlines again, writing only
    the keys that change, and the index follows."""
    title = "گفته می\u200cشود قیمت\u200cها ۴۵ درصد بالا رفت"
    story = ArticlePageFactory(parent=demo_site.sections["Middle East"], title=title)
    # As the folding before Persian digits and ZWNJ compounds stored it.
    ArticlePage.objects.filter(pk=story.pk).update(headline_key=" گفته مي شود قيمت ها ۴۵ درصد بالا رفت ")
    assert story.pk not in headline_matches("45") | headline_matches("قیمتها")

    migration = importlib.import_module("dateline.articles.migrations.0004_refold_headline_keys")
    migration.refold(apps, SimpleNamespace(connection=connection))
    assert ArticlePage.objects.get(pk=story.pk).headline_key == headline_key(title)
    assert story.pk in headline_matches("45") & headline_matches("قیمتها") & headline_matches("می شود")

    with CaptureQueriesContext(connection) as queries:
        migration.refold(apps, SimpleNamespace(connection=connection))
    assert not [query for query in queries if query["sql"].startswith("UPDATE")]
