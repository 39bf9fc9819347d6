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
- When they are many, the stories are walked newest first down the
  publication-time index, the headline matches first (found through an
  index of headlines alone, search/headlines.py), then the rest. On SQLite
  each story walked is either asked about (the index answers for one story
  quickly) or looked up in the list of matches, built once (quick when they
  are thousands, not when they are most of the archive): a sample of the
  newest entries says which costs less for the page asked. PostgreSQL asks
  story by story (docs/performance.md says why).

A large result (more than FEW entries in the index, FEW_ON_POSTGRESQL on
PostgreSQL) lists its first MAX_RESULTS stories and is not counted exactly.
Neither Django nor Wagtail has an ordered, early-stopping full-text query,
hence this module; it reads the tables of Wagtail's search index
(modelsearch's IndexEntry), and the suite checks it on both databases.
"""

from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from dateline.articles.models import ArticlePage
from dateline.search.headlines import HeadlineIndex, fts5_every_word

# What a result shows (search/hit.html). Its words are kept apart, as
# rendered parts (views._hits): loading every story's blocks was a tenth
# of a search.
SHOWN = ("title", "url_path", "path", "depth", "first_published_at")
# Up to this many matches in the index, fetching and sorting them is quick.
FEW = 2000
# On PostgreSQL, counting a common word's matches reads each one's body
# vector (13 ms for 2,001): there, fewer are few.
FEW_ON_POSTGRESQL = 500
# A large result lists this many stories at most: readers refine a search
# long before page 50.
MAX_RESULTS = 1000
# The newest entries of the index sampled to tell how dense the matches are
# among the newest stories, the ones a walk reads first.
SAMPLE = 1000
# What a walk costs, in microseconds, measured at 100,000 stories on SQLite
# (bench/archive.py): asking the index whether one story matches (17 to 160,
# more for rarer words), listing one match in a set built once, and stepping
# to the next story and looking it up in that set.
ASK_ONE = 30
LIST_ONE = 0.2
STEP_ONE = 1
# And fetching one story whose headline holds the words, to sort them all.
FETCH_ONE = 7
# More headline matches than this are walked, never fetched (at 100,000
# stories walking to the 20th costs less from about 500, by the costs
# above), so the headlines are counted only this far: on PostgreSQL each
# one counted is a row read.
FETCHED_HEADLINES = 200


def _newest_first(stories):
    """A walk's order, loading what a result shows."""
    return stories.order_by("-first_published_at", "-pk").only(*SHOWN)


def _in_headline(words):
    """The headline holds every word, as a whole word (headline_key is " word word ")."""
    in_headline = Q()
    for word in words:
        in_headline &= Q(headline_key__contains=f" {word} ")
    return in_headline


class SQLiteIndex:
    """Wagtail's SQLite index: entries, and their FTS5 table (rowid = entry id)."""

    COUNT_SQL = (
        "SELECT count(*) FROM (SELECT 1 FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        " WHERE entry.content_type_id = %s AND wagtailsearch_indexentry_fts MATCH %s LIMIT %s)"
    )
    # Entries of any kind: a sample, not a count.
    SAMPLE_SQL = (
        "SELECT count(*) FROM wagtailsearch_indexentry_fts WHERE wagtailsearch_indexentry_fts MATCH %s"
        " AND rowid > (SELECT max(id) FROM wagtailsearch_indexentry) - %s"
    )
    IDS_SQL = (
        "SELECT CAST(entry.object_id AS INTEGER) FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        " WHERE entry.content_type_id = %s AND wagtailsearch_indexentry_fts MATCH %s"
    )
    ASK_SQL = (
        "EXISTS (SELECT 1 FROM wagtailsearch_indexentry entry"
        " JOIN wagtailsearch_indexentry_fts ON wagtailsearch_indexentry_fts.rowid = entry.id"
        ' WHERE entry.content_type_id = %s AND entry.object_id = CAST("wagtailcore_page"."id" AS TEXT)'
        " AND wagtailsearch_indexentry_fts MATCH %s)"
    )
    LISTED_SQL = (
        "EXISTS (SELECT 1 FROM wagtailsearch_indexentry entry"
        ' WHERE entry.content_type_id = %s AND entry.object_id = CAST("wagtailcore_page"."id" AS TEXT)'
        " AND +entry.id IN (SELECT rowid FROM wagtailsearch_indexentry_fts"
        " WHERE wagtailsearch_indexentry_fts MATCH %s))"
    )

    def __init__(self, words, content_type):
        self.query = f"{{body}} : ({fts5_every_word(words)})"
        self.content_type = content_type

    def count_sql(self, up_to):
        return self.COUNT_SQL, [self.content_type, self.query, up_to]

    def sample_sql(self, newest):
        return self.SAMPLE_SQL, [self.query, newest]

    # Parameters, not text, carry the words: nothing a reader types enters the SQL.
    def ids(self):
        return RawSQL(self.IDS_SQL, (self.content_type, self.query))  # noqa: S611

    def asked(self):
        """A filter asking the index about each story in turn."""
        return RawSQL(self.ASK_SQL, (self.content_type, self.query), output_field=BooleanField())  # noqa: S611

    def listed(self):
        """A filter looking each story up in the list of matching entries,
        built once. The list holds the FTS table's rowids, not the stories'
        ids: reading 5,000 entry rows to learn their stories took 7 ms, where
        each story walked finds its entry in an index. The unary + keeps
        SQLite from driving the query from the list."""
        return RawSQL(self.LISTED_SQL, (self.content_type, self.query), output_field=BooleanField())  # noqa: S611


class PostgresIndex:
    """Wagtail's PostgreSQL index: an entry's title and body as tsvectors, each with a GIN index."""

    ASK_SQL = (
        "EXISTS (SELECT 1 FROM wagtailsearch_indexentry entry WHERE entry.content_type_id = %s"
        ' AND entry.object_id = CAST("wagtailcore_page"."id" AS varchar) AND entry.body @@ {tsquery} OFFSET 0)'
    )

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
        self.content_type = content_type
        self.entries = IndexEntry.objects.filter(content_type_id=content_type)

    @staticmethod
    def _sql(queryset):
        return queryset.query.get_compiler(connection=connection).as_sql()

    def count_sql(self, up_to):
        sql, params = self._sql(self.entries.filter(body=self.query).values("id")[:up_to])
        return f"SELECT count(*) FROM ({sql}) AS body", list(params)  # noqa: S608 (Django's SQL)

    def sample_sql(self, newest):
        """No sample: PostgreSQL reads each entry's body vector from its
        TOAST table to check it, and 1,000 of them took 11 ms. The walk
        asks the index about each story, which a page of a common word
        needs a few dozen times."""
        return "SELECT NULL", []

    def ids(self):
        return self.entries.filter(body=self.query).values_list(Cast("object_id", IntegerField()), flat=True)

    def asked(self):
        """Asked story by story. OFFSET 0 keeps PostgreSQL from turning the
        EXISTS into a join over every match, sorted: for a phrase in one
        story in twenty that took 38 ms, where a walk reads 400 stories."""
        query = self.entries.query
        compiler = query.get_compiler(connection=connection)
        tsquery, params = compiler.compile(self.query.resolve_expression(query))
        sql = self.ASK_SQL.format(tsquery=tsquery)
        return RawSQL(sql, (self.content_type, *params), output_field=BooleanField())  # noqa: S611


class RankedSearch:
    """Published stories matching every word, those whose headline holds every
    word first, each group newest first. Counted and sliced like a
    queryset, for Django's Paginator.

    Why not a relevance score: on SQLite, Wagtail's BM25 weighs a short
    headline above a headline that matches, and PostgreSQL's ts_rank would
    rank differently again. Headline, then recency, is what a news reader
    expects, and the same on both databases."""

    def __init__(self, words, *, within=None, section=None, since=None, until=None):
        self.words = words
        self.within = within  # an edition's home page: its stories only
        self.section = section
        self.since = since
        self.until = until
        content_type = ContentType.objects.get_for_model(ArticlePage).pk
        index_class = PostgresIndex if connection.vendor == "postgresql" else SQLiteIndex
        self.index = index_class(words, content_type)
        self.headlines = HeadlineIndex(words, connection.vendor)
        self.few = min(FEW, FEW_ON_POSTGRESQL) if connection.vendor == "postgresql" else FEW

    @cached_property
    def _sizes(self):
        """In one query: the matches, counted up to `few` + 1; those among the
        SAMPLE newest entries of the index; the number of entries (near
        enough: the newest entry's id); and the headlines holding every word,
        counted up to FETCHED_HEADLINES + 1."""
        parts = [
            self.index.count_sql(self.few + 1),
            self.index.sample_sql(SAMPLE),
            ("SELECT max(id) FROM wagtailsearch_indexentry", []),
            self.headlines.count_sql(FETCHED_HEADLINES + 1),
        ]
        sql = "SELECT " + ", ".join(f"({part})" for part, _ in parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, [param for _, params in parts for param in params])
            matches, sampled, entries, headlines = cursor.fetchone()
        return {"matches": matches, "sampled": sampled, "entries": entries or 0, "headlines": headlines}

    @cached_property
    def exact(self):
        """Whether the matches are few: counted exactly, and sorted. When
        they are many, count() is MAX_RESULTS, the most that are listed.
        Counting every match costs what sorting them does (200 ms for a
        common word at 100,000 stories on PostgreSQL), so the index is only
        asked whether there are more than `few`."""
        return self._sizes["matches"] <= self.few

    def count(self):
        return self._few().count() if self.exact else MAX_RESULTS

    @property
    def few_at_most(self):
        return self.few

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Search results are read a page at a time, by slicing.")
        start, stop = window.start or 0, window.stop
        if self.exact:
            return list(self._few().only(*SHOWN)[start:stop])
        return self._walked(start, min(stop, MAX_RESULTS))

    def _published(self):
        stories = ArticlePage.objects.published().first_published_between(self.since, self.until)
        if self.within is not None:
            stories = stories.descendant_of(self.within)
        return stories.in_section(self.section) if self.section is not None else stories

    def _few(self):
        """Every match, fetched by id and sorted: headline matches first."""
        headline_first = Case(
            When(_in_headline(self.words), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        stories = self._published().filter(pk__in=self.index.ids())
        return stories.order_by(headline_first.asc(), F("first_published_at").desc(), F("pk").desc())

    # Many matches: walk the stories newest first, headline matches, then the rest.

    def _matching(self, stop):
        """Matching stories newest first, for a walk that reads `stop` of them.

        Asking the index about each story costs little per story but grows
        with the stories read; listing the matches once costs in proportion
        to their number. The sample of the newest entries tells how many
        stories the walk will read: a word in most stories fills a page
        after a few dozen, asked one by one; a phrase in one story in
        twenty needs hundreds, and its 5,000 matches are listed in 1 ms."""
        matches = self.index.listed() if self._listing_costs_less(stop) else self.index.asked()
        return _newest_first(self._published().filter(matches))

    def _listing_costs_less(self, stop):
        sizes = self._sizes
        if sizes["sampled"] is None:  # no sample (PostgreSQL): ask
            return False
        density = max(sizes["sampled"], 1) / max(1, min(SAMPLE, sizes["entries"]))
        read = stop / density
        return density * sizes["entries"] * LIST_ONE + read * STEP_ONE < read * ASK_ONE

    def _headline_matches(self):
        """Published stories whose headline holds every word, found through
        the headline index. Whole words, as `_few` ranks them: the index
        finds the candidates, `_in_headline` decides."""
        return self._published().filter(_in_headline(self.words), pk__in=self.headlines.ids())

    def _fetch_headline_matches(self, stop):
        """Whether fetching and sorting every headline match costs less than
        walking newest first to the `stop`th (both as for the body above)."""
        sizes = self._sizes
        headlines = sizes["headlines"]
        if not headlines or headlines > min(self.few, FETCHED_HEADLINES):
            return not headlines
        walking = stop * sizes["entries"] / headlines * STEP_ONE + headlines * LIST_ONE
        return headlines * FETCH_ONE <= walking

    @cached_property
    def _headline_ids(self):
        if not self._sizes["headlines"]:
            return []
        stories = self._headline_matches().order_by("-first_published_at", "-pk")
        return list(stories.values_list("pk", flat=True))

    def _walked(self, start, stop):
        if start >= stop:
            return []
        if self._fetch_headline_matches(stop):
            fetched = self._headline_ids
            wanted = fetched[start:stop]
            stories = ArticlePage.objects.filter(pk__in=wanted).only(*SHOWN)
            found = sorted(stories, key=lambda story: wanted.index(story.pk))
            first = len(fetched)
            rest = self._matching(max(1, stop - first)).exclude(pk__in=fetched)
        else:
            in_headline = _in_headline(self.words)
            if (holds := self.headlines.holds()) is not None:
                in_headline &= Q(holds)
            walked = _newest_first(self._published().filter(in_headline))
            found = list(walked[start:stop])
            # The headline matches fill the page, end on it, or ended on an earlier page.
            first = start + len(found) if found else self._headline_matches().count()
            rest = self._matching(max(1, stop - first)).exclude(in_headline)
        if len(found) == stop - start:
            return found
        offset = max(0, start - first)
        return found + list(rest[offset : offset + (stop - start - len(found))])
