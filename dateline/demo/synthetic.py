"""Synthetic articles for scale tests, written straight into the page tree
with the bulk writer (dateline/articles/bulk.py), as a WordPress import does.

The text is obviously synthetic, so nobody mistakes it for news.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag
from wagtail.models import Locale

from dateline.articles.bulk import ArticleBatch, SectionSlots, content_types
from dateline.articles.models import ArticlePage, AuthorIndexPage, AuthorPage, SectionPage
from dateline.articles.tree import publish_child
from dateline.core.folding import headline_key

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
    types = content_types()

    with transaction.atomic():
        authors = _ensure_authors(home)
        tags = _ensure_tags()
        slots = SectionSlots(sections)
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
                        content_type_id=types["article"],
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
            ArticleBatch(articles, content_types=types, bylines=bylines, tag_links=tag_links, also_in=also_in).write()
            if progress:
                progress(start + size)
        slots.count_children()
    # The tables grew by orders of magnitude at once: refresh the statistics
    # the query planner chooses indexes by.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return SyntheticReport(created=count, first_number=first, last_number=first + count - 1)
