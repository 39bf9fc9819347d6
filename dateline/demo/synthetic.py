"""Synthetic articles for scale tests, written straight into the page tree.

Publishing one page at a time through Wagtail (treebeard's add_child, then
save_revision and publish) costs about 44 ms a page here: 100,000 articles
would take over an hour. No library bulk-loads Wagtail pages, and Django's
bulk_create refuses multi-table models such as ArticlePage (a Page row plus
an article row). So this module writes, a batch at a time, exactly the rows
Wagtail's own publish path writes: the tree row and the article row, the
revision it is live at, the "create" and "publish" log entries, bylines,
tags, "also in" sections, the reference index and the search index.

To do so it uses private APIs: Django's QuerySet._insert (what bulk_create
itself calls for each table) for the two rows of each page, treebeard's
_get_path and _get_lastpos_in_path for the tree paths add_child would
compute, and Wagtail's ReferenceIndex._extract_references_from_object. An
upgrade may change any of them; tests/test_synthetic.py would then fail,
since it checks the pages are what an editor's would be: treebeard's
find_problems, live revisions, history, references, search, serving and
the admin editor.

The text is obviously synthetic, so nobody mistakes it for news.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import COMMENTS_RELATION_NAME, Locale, Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend

from dateline.articles.models import ArticleByline, ArticlePage, ArticleTag, AuthorIndexPage, AuthorPage, SectionPage
from dateline.core.folding import headline_key
from dateline.demo.seed import publish_child

SLUG_PREFIX = "synthetic-article-"
LOREM = """
    lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore
    et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip
    ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla
    pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim
"""
WORDS = LOREM.split()
# Every ARABIC_EVERY-th story also has a paragraph of these, so that search
# at scale is measured on right-to-left text too.
ARABIC_WORDS = [
    "الجيش",
    "السوري",
    "قوات",
    "دير",
    "الزور",
    "الفرات",
    "البادية",
    "مصادر",
    "الحكومة",
    "المدينة",
    "قرية",
    "هجوم",
    "المعارك",
    "الطريق",
]
ARABIC_EVERY = 10
AUTHOR_COUNT = 5
TAG_COUNT = 40
BATCH_SIZE = 500
# Stories are spaced this far apart, newest first, ending now.
SPACING = timedelta(minutes=7)


@dataclass
class SyntheticReport:
    created: int
    first_number: int
    last_number: int


def _sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng, number):
    paragraphs = [
        f"Synthetic paragraph {p} of synthetic article {number}. "
        + " ".join(_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))
        for p in range(1, rng.randint(4, 8) + 1)
    ]
    if number % ARABIC_EVERY == 0:
        # A generator of its own, so the English text stays as it was.
        arabic = random.Random(number)
        paragraphs.append(f"فقرة تجريبية للمقال {number}: " + " ".join(arabic.choices(ARABIC_WORDS, k=16)) + ".")
    return paragraphs


def _ensure_authors(home):
    index = AuthorIndexPage.objects.child_of(home).first()
    if index is None:
        index = publish_child(parent=home, page=AuthorIndexPage(title="Authors", slug="authors"))
    authors = []
    for n in range(1, AUTHOR_COUNT + 1):
        slug = f"synthetic-author-{n}"
        author = AuthorPage.objects.child_of(index).filter(slug=slug).first()
        if author is None:
            author = publish_child(
                parent=index,
                page=AuthorPage(title=f"Synthetic Author {n}", slug=slug, job_title="Synthetic byline for scale tests"),
            )
        authors.append(author)
    return authors


def _ensure_tags():
    return [
        Tag.objects.get_or_create(slug=f"synthetic-tag-{n}", defaults={"name": f"synthetic tag {n}"})[0]
        for n in range(1, TAG_COUNT + 1)
    ]


def _next_number():
    """Numbers continue from earlier runs, so slugs never collide."""
    slugs = ArticlePage.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    numbers = [int(slug[len(SLUG_PREFIX) :]) for slug in slugs if slug[len(SLUG_PREFIX) :].isdigit()]
    return max(numbers, default=0) + 1


class _SectionSlots:
    """Hands out the next free tree path under each section."""

    def __init__(self, sections):
        self.sections = sections
        self.next_position = {}
        for section in sections:
            last = section.get_last_child()
            self.next_position[section.pk] = last._get_lastpos_in_path() + 1 if last else 1

    def take(self, section):
        position = self.next_position[section.pk]
        self.next_position[section.pk] = position + 1
        return Page._get_path(section.path, section.depth + 1, position)


class _Batch:
    """One batch of articles, written with one INSERT per table."""

    def __init__(self, articles, *, content_types, bylines, tag_links, also_in):
        self.articles = articles
        self.content_types = content_types
        self.bylines = bylines  # {article index: [author]}
        self.tag_links = tag_links  # {article index: [tag]}
        self.also_in = also_in  # {article index: [section]}

    def write(self):
        self._insert_pages()
        self._insert_relations()
        revisions = self._insert_revisions()
        self._point_at_revisions(revisions)
        self._insert_log_entries(revisions)
        self._insert_references()
        get_search_backend().add_bulk(ArticlePage, self.articles)

    def _insert_pages(self):
        # Django's bulk_create refuses multi-table models, so the two rows of
        # each page (wagtailcore_page, then articles_articlepage) go in with
        # the same private _insert that bulk_create uses for each table.
        page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
        rows = Page._base_manager._insert(
            self.articles,
            fields=page_fields,
            returning_fields=Page._meta.db_returning_fields,
            using=connection.alias,
        )
        for article, (pk,) in zip(self.articles, rows, strict=True):
            article.id = article.page_ptr_id = pk
            article._state.adding = False
        ArticlePage._base_manager._insert(
            self.articles, fields=ArticlePage._meta.local_concrete_fields, using=connection.alias
        )

    def _insert_relations(self):
        bylines = [
            ArticleByline(page_id=article.pk, author=author, sort_order=order)
            for i, article in enumerate(self.articles)
            for order, author in enumerate(self.bylines[i])
        ]
        ArticleByline.objects.bulk_create(bylines)
        tags = [
            ArticleTag(content_object_id=article.pk, tag=tag)
            for i, article in enumerate(self.articles)
            for tag in self.tag_links[i]
        ]
        ArticleTag.objects.bulk_create(tags)
        through = ArticlePage.also_in.through
        through.objects.bulk_create(
            [
                through(articlepage_id=article.pk, sectionpage_id=section.pk)
                for i, article in enumerate(self.articles)
                for section in self.also_in[i]
            ]
        )
        # Give each page its saved children in memory, so its revision holds
        # them exactly as an editor's would.
        by_page = {}
        for byline in bylines:
            by_page.setdefault(byline.page_id, []).append(byline)
        tags_by_page = {}
        for tag in tags:
            tags_by_page.setdefault(tag.content_object_id, []).append(tag)
        for i, article in enumerate(self.articles):
            article.bylines = by_page.get(article.pk, [])
            article.tagged_items = tags_by_page.get(article.pk, [])
            article.also_in = self.also_in[i]
            # A new page has no editor comments; saying so saves two queries a page.
            setattr(article, COMMENTS_RELATION_NAME, [])

    def _insert_revisions(self):
        return Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=self.content_types["article"],
                    base_content_type_id=self.content_types["page"],
                    object_id=str(article.pk),
                    created_at=article.latest_revision_created_at,
                    object_str=article.title,
                    content=article.serializable_data(),
                )
                for article in self.articles
            ]
        )

    def _point_at_revisions(self, revisions):
        for article, revision in zip(self.articles, revisions, strict=True):
            article.latest_revision_id = article.live_revision_id = revision.pk
        table = connection.ops.quote_name(Page._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                # The table name comes from the model; every value is a parameter.
                f"UPDATE {table} SET latest_revision_id = %s, live_revision_id = %s WHERE id = %s",  # noqa: S608
                [
                    (revision.pk, revision.pk, article.pk)
                    for article, revision in zip(self.articles, revisions, strict=True)
                ],
            )

    def _insert_log_entries(self, revisions):
        entries = []
        for article, revision in zip(self.articles, revisions, strict=True):
            common = {
                "page_id": article.pk,
                "content_type_id": self.content_types["article"],
                "label": article.title,
                "timestamp": article.first_published_at,
                "content_changed": True,
            }
            entries.append(PageLogEntry(action="wagtail.create", **common))
            entries.append(PageLogEntry(action="wagtail.publish", revision=revision, **common))
        PageLogEntry.objects.bulk_create(entries)

    def _insert_references(self):
        references = []
        for article in self.articles:
            for to_content_type_id, to_object_id, model_path, content_path in set(
                ReferenceIndex._extract_references_from_object(article)
            ):
                references.append(
                    ReferenceIndex(
                        content_type_id=self.content_types["article"],
                        base_content_type_id=self.content_types["page"],
                        object_id=str(article.pk),
                        to_content_type_id=to_content_type_id,
                        to_object_id=to_object_id,
                        model_path=model_path,
                        content_path=content_path,
                        content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                    )
                )
        ReferenceIndex.objects.bulk_create(references)


def synthetic_articles_create(*, count, seed=0, batch_size=BATCH_SIZE, now=None, progress=None):
    """Add `count` published synthetic articles across the site's sections.

    The newest is published at `now`, the others SPACING apart before it.
    `progress`, if given, is called with the number written so far.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    now = now or timezone.now()
    # English stories, in the default edition's sections only.
    locale = Locale.get_default()
    sections = list(SectionPage.objects.live().filter(locale=locale).order_by("path"))
    if not sections:
        raise ValueError("The site has no sections yet: load the demo content first.")
    rng = random.Random(seed)
    home = sections[0].get_parent()
    content_types = {
        "article": ContentType.objects.get_for_model(ArticlePage).pk,
        "page": ContentType.objects.get_for_model(Page).pk,
    }

    with transaction.atomic():
        authors = _ensure_authors(home)
        tags = _ensure_tags()
        slots = _SectionSlots(sections)
        first = _next_number()
        for start in range(0, count, batch_size):
            size = min(batch_size, count - start)
            articles, bylines, tag_links, also_in = [], {}, {}, {}
            for i in range(size):
                number = first + start + i
                published = now - SPACING * (count - 1 - (start + i))
                section = sections[number % len(sections)]
                title = f"Synthetic article {number}: {_sentence(rng, rng.randint(5, 10))[:-1]}"
                slug = f"{SLUG_PREFIX}{number}"
                body = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(rng, number))
                articles.append(
                    ArticlePage(
                        title=title,
                        draft_title=title,
                        headline_key=headline_key(title),
                        slug=slug,
                        path=slots.take(section),
                        depth=section.depth + 1,
                        numchild=0,
                        url_path=f"{section.url_path}{slug}/",
                        content_type_id=content_types["article"],
                        locale=locale,
                        translation_key=uuid.uuid4(),
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                        latest_revision_created_at=published,
                        standfirst=f"Synthetic standfirst for synthetic article {number}. {_sentence(rng, 12)}",
                        dateline="Synthetic City",
                        body=[("paragraph", body)],
                        comments_open=True,
                    )
                )
                bylines[i] = rng.sample(authors, k=rng.choice((1, 1, 1, 2)))
                tag_links[i] = rng.sample(tags, k=rng.randint(0, 3))
                also_in[i] = [s for s in rng.sample(sections, k=1) if s.pk != section.pk]
            _Batch(articles, content_types=content_types, bylines=bylines, tag_links=tag_links, also_in=also_in).write()
            if progress:
                progress(start + size)
        for section in sections:
            Page.objects.filter(pk=section.pk).update(
                numchild=Page.objects.filter(path__startswith=section.path, depth=section.depth + 1).count()
            )
    # The tables grew by orders of magnitude at once: refresh the statistics
    # the query planner chooses indexes by.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return SyntheticReport(created=count, first_number=first, last_number=first + count - 1)
