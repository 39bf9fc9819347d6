"""Reads of articles, shared by pages, feeds, sitemaps, search and the API."""

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.models import PageManager, PageQuerySet

from dateline.pagecache.lookups import private_pages_q


class ArticlePageQuerySet(PageQuerySet):
    def published(self):
        """What a reader may see: live and not behind a view restriction
        (Wagtail's public(), from the restrictions each process keeps)."""
        return self.live().exclude(private_pages_q())

    def newest_first(self):
        # The tree path breaks ties, so pages of a listing never overlap. It is
        # unique and, unlike the article's primary key, on the page table
        # beside the publication time: at 100,000 stories SQLite then walks
        # the publication-time index instead of sorting a whole section.
        return self.order_by("-first_published_at", "-path")

    def newest(self, count):
        """The `count` newest, for a short list with no later pages: without
        a tie-breaker the database can stop after `count` index entries."""
        return self.order_by("-first_published_at")[:count]

    def in_section(self, section):
        """Filed under the section or one of its subsections, or listed in it
        as well (`also_in`).

        "Also in" is a correlated EXISTS, not IN: SQLite builds the whole list
        of a section's "also in" stories before the first row of an IN (4 ms
        for 16,000 at 100,000 stories), where a page of a listing needs only
        the 20-odd rows it reads checked."""
        also_in = self.model.also_in.through.objects.filter(sectionpage=section, articlepage=OuterRef("pk"))
        return self.filter(Q(path__startswith=section.path) | Exists(also_in))

    def first_published_between(self, since=None, until=None):
        """First published from the start of day `since` to the end of day
        `until` (dates in the newsroom's time zone), either end optional."""
        stories = self
        if since:
            stories = stories.filter(first_published_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
        if until:
            stories = stories.filter(first_published_at__lte=timezone.make_aware(datetime.combine(until, time.max)))
        return stories

    def by_author(self, author):
        # A byline names an author once (a unique constraint), so no duplicates.
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tagged_items__tag=tag)


ArticlePageManager = PageManager.from_queryset(ArticlePageQuerySet)
