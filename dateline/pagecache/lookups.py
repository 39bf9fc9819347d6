"""Lookups Wagtail repeats for every page it renders, kept between requests.

Before it renders a page, Wagtail asks the database which site serves the
host name and whether the page or one of its ancestors is private (three
queries), and each listing asks again which pages are private: for things
that change a few times a year. Each process keeps the answers
(`PageStore.kept`) until a purge of the tags below, which every change to
a site, the home page or a view restriction makes (purges.py).
Neither Django nor Wagtail caches these.
"""

import operator
from functools import reduce

from django.db.models import Q
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site

from dateline.pagecache import tags
from dateline.pagecache.store import page_store


class KnownSiteMiddleware:
    """Finds the request's site from the process's memory.

    Wagtail keeps the site it finds on `request._wagtail_site` for the rest
    of the request (Site.find_for_request); this sets it first. The site
    holds its root page, the home page: its changes purge SITE (purges.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = page_store().kept(
            f"site:{hostname}:{port}", [tags.SITE], lambda: Site._find_for_request(request)
        )
        return self.get_response(request)


def restricted_paths():
    """The tree paths of the pages with a view restriction (their pages
    below are private too): usually none on a news site."""

    def load():
        pages = PageViewRestriction.objects.values_list("page_id", flat=True)
        return sorted(Page.objects.filter(pk__in=list(pages)).values_list("path", flat=True))

    return page_store().kept("restricted-paths", [tags.SITE], load)


def private_pages_q():
    """Matches the pages readers may not see, with no query: Wagtail's
    PageQuerySet.public() looks the restrictions up each time, with a join
    SQLite plans as a scan of every page (28 ms at 100,000 stories)."""
    paths = restricted_paths()
    if not paths:
        return Q(pk__in=[])
    return reduce(operator.or_, (Q(path__startswith=path) for path in paths))


class KnownViewRestrictionsMixin:
    """For page models: skips the lookup of view restrictions for a page
    with no restricted page above it (or at it)."""

    def get_view_restrictions(self):
        if not any(self.path.startswith(path) for path in restricted_paths()):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
