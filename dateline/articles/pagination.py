"""Numbered pages for section, tag and author listings, that cost the same
at page 1 and at page 1,804.

Page 1 is the listing's own address; page N is <address>page/N/. A page past
the last one is a 404, so crawlers and readers get a clear answer.

Counting a listing and reaching its page N with OFFSET both walk the
archive: at 100,000 stories, 36 ms to count a section and 220 ms to reach
its deepest page on SQLite. Instead, one pass reads the listing's sort keys
(publication time and tree path, from the page table alone) and keeps where
each page starts until the listing changes (a story joins, leaves or moves:
the page cache's listing tag is purged, dateline/articles/purges.py);
page N is then the first PER_PAGE stories from its start, a seek down the
publication-time index. Old page numbers keep their meaning.
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.template.loader import render_to_string

from dateline.pagecache import also_shows
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragment
from dateline.pagecache.store import page_store

PER_PAGE = 20


@dataclass
class PageLink:
    number: int | None  # None for the "…" between distant page numbers
    url: str = ""
    current: bool = False


@dataclass
class Listing:
    page: object  # django.core.paginator.Page
    base_url: str

    def url_for(self, number):
        return self.base_url if number == 1 else f"{self.base_url}page/{number}/"

    @property
    def previous_url(self):
        return self.url_for(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self):
        return self.url_for(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def links(self):
        numbers = self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        return [
            PageLink(number=n, url=self.url_for(n), current=n == self.page.number)
            if isinstance(n, int)
            else PageLink(number=None)
            for n in numbers
        ]


@dataclass(frozen=True)
class PageStarts:
    """Where each page of a listing starts (the sort key of its first story), and how many stories it holds."""

    starts: tuple
    count: int

    @classmethod
    def of(cls, stories, per_page):
        # Sorted here, not by the database: SQLite reads a section's stories
        # in about half the time in an order of its own choosing (110 against
        # 240 ms for 36,000 at 100,000 stories), and the sort takes 10 ms.
        # Wagtail gives every live page a first publication time.
        keys = sorted(stories.order_by().values_list("first_published_at", "path"), reverse=True)
        return cls(starts=tuple(keys[::per_page]), count=len(keys))


class KeysetPaginator(Paginator):
    """Django's paginator over stories newest first, counting and reaching
    each page from its kept PageStarts instead of COUNT and OFFSET."""

    def __init__(self, stories, per_page, starts):
        super().__init__(stories, per_page)
        self.starts = starts

    @property
    def count(self):
        return self.starts.count

    def page(self, number):
        number = self.validate_number(number)
        if not self.starts.count:
            return self._get_page([], number, self)
        published, path = self.starts.starts[number - 1]
        from_start = self.object_list.filter(first_published_at__lte=published).exclude(
            first_published_at=published, path__gt=path
        )
        return self._get_page(list(from_start.newest_first()[: self.per_page]), number, self)


def paginate(stories, page_number, *, base_url, listing, per_page=PER_PAGE):
    """Page `page_number` of `stories` (published, of one listing at
    `base_url`). `listing` is the page cache's tag for the listing
    (cache_tags.section_listing(pk) and the like): where each page starts is kept
    until it is purged."""
    starts = page_store().kept(
        f"page-starts:{listing}:{base_url}:{per_page}",
        [listing, pagecache_tags.SITE],
        lambda: PageStarts.of(stories, per_page),
    )
    try:
        page = KeysetPaginator(stories, per_page, starts).page(int(page_number))
    except EmptyPage as error:
        raise Http404(f"This listing has no page {page_number}.") from error
    return Listing(page=page, base_url=base_url)


def listing_html(request, stories, page_number, *, base_url, listing, empty_message, heading="h2"):
    """Page `page_number` of a listing as HTML (its story cards and page
    links), kept as rendered until the listing or a story on the page
    changes (dateline.pagecache.fragments). A page past the last is a 404."""

    def render():
        shown = paginate(stories, page_number, base_url=base_url, listing=listing)
        also_shows(request, listing, *pagecache_tags.pages(shown.page.object_list))
        context = {"listing": shown, "heading": heading, "empty_message": empty_message}
        return render_to_string("includes/article_list.html", context, request)

    return fragment(request, f"{listing}:{base_url}:{heading}:page:{int(page_number)}", render)
