"""Numbered pages for section, tag and author listings.

Page 1 is the listing's own address; page N is <address>page/N/. A page past
the last one is a 404, so crawlers and readers get a clear answer.
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404

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


def paginate(queryset, page_number, *, base_url, per_page=PER_PAGE):
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(int(page_number))
    except EmptyPage as error:
        raise Http404(f"This listing has no page {page_number}.") from error
    return Listing(page=page, base_url=base_url)
