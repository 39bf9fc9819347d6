"""An index of headlines alone, so that search finds the stories whose
headline holds every word without reading the body index.

Wagtail's index keeps a story's title and body in one full-text table, and
on SQLite a word's list of stories covers every column: asking which
headlines hold "lorem ipsum" read the lists of both words through the
bodies of 95,000 stories (10 ms at 100,000). This index holds only
`ArticlePage.headline_key`, the headline folded as queries are
(dateline.core.folding), so a word's list is as long as the headlines that
hold it.

- SQLite: an FTS5 table over the article table's headline column (FTS5's
  "external content"), kept by triggers, so every write of a story, the
  admin's, a bulk insert's or an import's, reaches it in the same
  transaction.
- PostgreSQL: a GIN index on the headline's tsvector ('simple': folded
  words as they are, no stemming, no stop words).

`install` creates what is missing. A migration calls it, and so does every
`migrate` (post_migrate): SQLite drops a table's triggers whenever a
migration rebuilds the table, which any later change to ArticlePage may do.
"""

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

TABLE = "search_headline"

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_headline USING fts5("
    "headline_key, content='articles_articlepage', content_rowid='page_ptr_id')",
    """CREATE TRIGGER IF NOT EXISTS search_headline_insert AFTER INSERT ON articles_articlepage BEGIN
        INSERT INTO search_headline(rowid, headline_key) VALUES (new.page_ptr_id, new.headline_key);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_headline_delete AFTER DELETE ON articles_articlepage BEGIN
        INSERT INTO search_headline(search_headline, rowid, headline_key)
            VALUES ('delete', old.page_ptr_id, old.headline_key);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_headline_update AFTER UPDATE OF headline_key ON articles_articlepage BEGIN
        INSERT INTO search_headline(search_headline, rowid, headline_key)
            VALUES ('delete', old.page_ptr_id, old.headline_key);
        INSERT INTO search_headline(rowid, headline_key) VALUES (new.page_ptr_id, new.headline_key);
    END""",
]
SQLITE_TRIGGERS = {"search_headline_insert", "search_headline_delete", "search_headline_update"}

POSTGRES_VECTOR = "to_tsvector('simple'::regconfig, {column})"
POSTGRES_INSTALL = [
    f"CREATE INDEX IF NOT EXISTS {TABLE} ON articles_articlepage "
    f"USING gin (({POSTGRES_VECTOR.format(column='headline_key')}))",
]


def install(connection):
    """Create the headline index where it is missing; on SQLite, fill it
    again if its triggers were missing (a story saved meanwhile is not in it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES_INSTALL:
                cursor.execute(statement)
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles_articlepage'")
        complete = {name for (name,) in cursor.fetchall()} >= SQLITE_TRIGGERS
        for statement in SQLITE_INSTALL:
            cursor.execute(statement)
        if not complete:
            cursor.execute("INSERT INTO search_headline(search_headline) VALUES ('rebuild')")


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {TABLE}")
            return
        for trigger in sorted(SQLITE_TRIGGERS):
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def fts5_every_word(words):
    """An FTS5 query for every one of `words`, each quoted: the words are
    folded letters and digits (text.terms), and nothing a reader types is
    read as FTS5 syntax."""
    return " AND ".join('"{}"'.format(word.replace('"', '""')) for word in words)


class HeadlineIndex:
    """Stories whose headline holds every one of `words` (folded), as the index has them."""

    def __init__(self, words, vendor):
        self.postgres = vendor == "postgresql"
        if self.postgres:
            # plainto_tsquery parses the words as to_tsvector parsed the headline, and ANDs them.
            self.params = (" ".join(words),)
        else:
            self.params = (fts5_every_word(words),)

    def _postgres_match(self, column):
        return POSTGRES_VECTOR.format(column=column) + " @@ plainto_tsquery('simple'::regconfig, %s)"

    def holds(self):
        """A filter for a walk down the stories newest first: the headline
        holds every word. On SQLite the list of matches is built once and
        each story walked is looked up in it (the unary + keeps the planner
        from driving the query from the list instead). None on PostgreSQL,
        which would parse each headline walked again, or turn the list into
        a join and sort every match: there the walk's own test of the
        headline's words does."""
        if self.postgres:
            return None
        sql = '+"wagtailcore_page"."id" IN (SELECT rowid FROM search_headline WHERE search_headline MATCH %s)'
        return RawSQL(sql, self.params, output_field=BooleanField())  # noqa: S611 (words are parameters)

    def ids(self):
        """The stories' ids, as a subquery the planner may start from (when they are few)."""
        if self.postgres:
            sql = "SELECT page_ptr_id FROM articles_articlepage WHERE " + self._postgres_match("headline_key")  # noqa: S608
        else:
            sql = "SELECT rowid FROM search_headline WHERE search_headline MATCH %s"
        return RawSQL(sql, self.params)  # noqa: S611 (words are parameters)

    def count_sql(self, up_to):
        """SQL and parameters counting the stories, stopping at `up_to`."""
        ids = self.ids()
        return f"SELECT count(*) FROM ({ids.sql} LIMIT %s) AS headline", [*ids.params, up_to]  # noqa: S608 (our SQL)
