"""Search results in their order (headline matches first, then the rest, each
newest first) without sorting every match.

Wagtail's database search backends put every matching id in a list and sort
them all: at 100,000 stories a word in most stories took 500 ms on SQLite,
and on PostgreSQL every search took about a second, because the backend
matches the title and body vectors joined together, which no index covers.
Here the index is asked directly, on the column that holds the folded text
(`ArticlePage.search_text`, the headline included):

- Whether there are more than a few matches, the index answers at once.
- When they are few, their ids are fetched and sorted: quick for few.
- When they are many, they are dense: walking the stories newest first
  down the publication-time index, asking the index whether each one
  matches, fills a page of twenty after a few dozen stories.

A large result (more than FEW entries in the index) lists its first
MAX_RESULTS stories and is not counted exactly. Neither
Django nor Wagtail has an ordered, early-stopping full-text query, hence
this module; it reads the tables of Wagtail's search index (modelsearch's
IndexEntry), and the suite checks it on both databases.
"""

from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Case, CharField, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from dateline.articles.models import ArticlePage

# Up to this many matches in the index, fetching and sorting them is quick.
FEW = 2000
# A large result lists this many stories at most: readers refine a search
# long before page 50.
MAX_RESULTS = 1000


def _in_headline(words):
    in_headline = Q()
    for word in words:
        in_headline &= Q(headline_key__contains=f" {word}")
    return in_headline


class SQLiteIndex:
    """Wagtail's SQLite index: entries, and their FTS5 table (rowid = entry id)."""

    COUNT_SQL = (
        "SELECT count(*) FROM (SELECT 1 FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        " WHERE entry.content_type_id = %s AND wagtailsearch_indexentry_fts MATCH %s LIMIT %s)"
    )
    IDS_SQL = (
        "SELECT CAST(entry.object_id AS INTEGER) FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        " WHERE entry.content_type_id = %s AND wagtailsearch_indexentry_fts MATCH %s"
    )
    MATCHES_SQL = (
        "EXISTS (SELECT 1 FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        ' WHERE entry.content_type_id = %s AND entry.object_id = CAST("wagtailcore_page"."id" AS TEXT)'
        " AND wagtailsearch_indexentry_fts MATCH %s)"
    )

    def __init__(self, words, content_type):
        self.words = words
        self.content_type = content_type

    def _query(self, column):
        # The words are folded letters and digits (dateline.search.text.terms), quoted all the same.
        quoted = " AND ".join('"{}"'.format(word.replace('"', '""')) for word in self.words)
        return f"{{{column}}} : ({quoted})"

    def count(self, column="body", *, up_to):
        with connection.cursor() as cursor:
            cursor.execute(self.COUNT_SQL, [self.content_type, self._query(column), up_to])
            return cursor.fetchone()[0]

    # Parameters, not text, carry the words: nothing a reader types enters the SQL.
    def ids(self, column="body"):
        return RawSQL(self.IDS_SQL, (self.content_type, self._query(column)))  # noqa: S611

    def matches(self):
        return RawSQL(self.MATCHES_SQL, (self.content_type, self._query("body")), output_field=BooleanField())  # noqa: S611


class PostgresIndex:
    """Wagtail's PostgreSQL index: an entry's title and body as tsvectors, each with a GIN index."""

    def __init__(self, words, content_type):
        from django.contrib.postgres.search import SearchQuery
        from modelsearch.backends.database.postgres.query import Lexeme  # the backend's own quoting
        from wagtail.search.backends import get_search_backend
        from wagtail.search.models import IndexEntry

        lexemes = Lexeme(words[0])
        for word in words[1:]:
            lexemes &= Lexeme(word)
        # The configuration the backend indexed with, so that words stem alike.
        self.query = SearchQuery(lexemes, search_type="raw", config=get_search_backend().config)
        self.entries = IndexEntry.objects.filter(content_type_id=content_type)

    def count(self, column="body", *, up_to):
        return self.entries.filter(**{column: self.query})[:up_to].count()

    def ids(self, column="body"):
        return self.entries.filter(**{column: self.query}).values_list(Cast("object_id", IntegerField()), flat=True)

    def matches(self):
        return Exists(self.entries.filter(object_id=Cast(OuterRef("pk"), CharField()), body=self.query))


class RankedSearch:
    """Published stories matching every word, those whose headline holds every
    word first, each group newest first. Counted and sliced like a
    queryset, for Django's Paginator.

    Why not a relevance score: on SQLite, Wagtail's BM25 weighs a short
    headline above a headline that matches, and PostgreSQL's ts_rank would
    rank differently again. Headline, then recency, is what a news reader
    expects, and the same on both databases."""

    def __init__(self, words, *, section=None, since=None, until=None):
        self.words = words
        self.section = section
        self.since = since
        self.until = until
        content_type = ContentType.objects.get_for_model(ArticlePage).pk
        index_class = PostgresIndex if connection.vendor == "postgresql" else SQLiteIndex
        self.index = index_class(words, content_type)

    @cached_property
    def exact(self):
        """Whether the matches are few: counted exactly, and sorted. When
        they are many, count() is MAX_RESULTS, the most that are listed.
        Counting every match costs what sorting them does (200 ms for a
        common word at 100,000 stories on PostgreSQL), so the index is only
        asked whether there are more than FEW."""
        return self.index.count(up_to=FEW + 1) <= FEW

    def count(self):
        return self._few().count() if self.exact else MAX_RESULTS

    @property
    def few_at_most(self):
        return FEW

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Search results are read a page at a time, by slicing.")
        start, stop = window.start or 0, window.stop
        if self.exact:
            return list(self._few()[start:stop])
        return self._walked(start, min(stop, MAX_RESULTS))

    def _published(self):
        stories = ArticlePage.objects.published().first_published_between(self.since, self.until)
        return stories.in_section(self.section) if self.section is not None else stories

    def _few(self):
        """Every match, fetched by id and sorted: headline matches first."""
        headline_first = Case(
            When(_in_headline(self.words), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        stories = self._published().filter(pk__in=self.index.ids())
        return stories.order_by(headline_first.asc(), F("first_published_at").desc(), F("pk").desc())

    # Many matches: walk the stories newest first, asking the index story by story.

    def _matching(self):
        return self._published().filter(self.index.matches()).order_by("-first_published_at", "-pk")

    @cached_property
    def _few_headlines(self):
        """The matches whose headline holds every word, newest first, as ids,
        when the index's headline column says they are few; None when many.

        That column holds headlines as written, not folded (dateline.search.text),
        so it may miss a headline whose letters fold differently: such a
        story then comes with the rest, never lost."""
        titles = self.index.count("title", up_to=FEW + 1)
        if titles > FEW:
            return None
        if not titles:
            return []
        stories = self._published().filter(_in_headline(self.words), pk__in=self.index.ids("title"))
        return list(stories.order_by("-first_published_at", "-pk").values_list("pk", flat=True))

    def _walked(self, start, stop):
        if start >= stop:
            return []
        few = self._few_headlines
        if few is not None:
            wanted = few[start:stop]
            found = sorted(ArticlePage.objects.filter(pk__in=wanted), key=lambda story: wanted.index(story.pk))
            rest = self._matching().exclude(pk__in=few)
            first = len(few)
        else:
            in_headline = _in_headline(self.words)
            found = list(self._matching().filter(in_headline)[start:stop])
            rest = self._matching().exclude(in_headline)
            # Headline matches are many: they fill the page, end on it, or
            # (rarely: the index counted drafts too) ended on an earlier page.
            first = start + len(found) if found else self._matching().filter(in_headline).count()
        if len(found) == stop - start:
            return found
        offset = max(0, start - first)
        return found + list(rest[offset : offset + (stop - start - len(found))])
