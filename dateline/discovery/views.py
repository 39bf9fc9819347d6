"""Feeds with conditional GET, sitemaps, and robots.txt."""

import hashlib
from datetime import timedelta

from django.contrib.sitemaps.views import SitemapIndexItem, sitemap
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_response_headers
from django.views.decorators.http import condition, require_safe
from wagtail.models import PageLogEntry, Site

from dateline.articles.models import ArticlePage, TypeOfWork
from dateline.core.links import absolute
from dateline.discovery import cache_tags
from dateline.discovery.sitemaps import SITEMAPS
from dateline.editions import lookups as editions
from dateline.pagecache import depends_on
from dateline.pagecache import tags as pagecache_tags


def _state(request, feed_class, kind, kwargs):
    """What a feed's ETag and Last-Modified are made of: its stories' ids and
    publication times, and the last time any story was taken down (which can
    empty a slot without changing any remaining story). Two small queries,
    so an unchanged feed answers 304 without being built."""
    cache_name = "_dateline_feed_state"
    if not hasattr(request, cache_name):
        feed = feed_class(kind)
        scope = feed.get_object(request, **kwargs)
        stories = feed.newest(scope)
        taken_down = (
            PageLogEntry.objects.filter(action="wagtail.unpublish")
            .order_by("-timestamp")
            .values_list("timestamp", flat=True)
            .first()
        )
        times = [published for _, published in stories if published] + ([taken_down] if taken_down else [])
        fingerprint = f"{kind}:{request.path}:{stories}:{taken_down}".encode()
        setattr(request, cache_name, (hashlib.sha256(fingerprint).hexdigest()[:32], max(times, default=None)))
    return getattr(request, cache_name)


def feed_view(feed_class):
    def etag(request, kind, **kwargs):
        return _state(request, feed_class, kind, kwargs)[0]

    def last_modified(request, kind, **kwargs):
        return _state(request, feed_class, kind, kwargs)[1]

    @require_safe
    @condition(etag_func=etag, last_modified_func=last_modified)
    def view(request, kind, **kwargs):
        return feed_class(kind)(request, **kwargs)

    return view


@require_safe
def robots_txt(request):
    published = editions.published(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: {edition.prefix}{path}" for edition in published for path in ("search/", "comments/")),
        "",
        *(f"Sitemap: {absolute(edition.prefix + 'sitemap.xml')}" for edition in published),
        *(f"Sitemap: {absolute(edition.prefix + 'news-sitemap.xml')}" for edition in published),
        "",
    ]
    depends_on(request, pagecache_tags.SITE)
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request):
    """The index of sitemaps, each file at most 5,000 addresses (?p=N for the next; see sitemaps.py)."""
    entries = []
    depends_on(request, cache_tags.SITEMAPS)
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        if not sitemap.paginator.count:
            continue  # an empty <urlset> fails the sitemaps.org schema
        location = absolute(reverse("sitemap", kwargs={"section": name}))
        lastmod = sitemap.get_latest_lastmod()
        pages = sitemap.paginator.num_pages
        entries.append(SitemapIndexItem(location, lastmod))
        entries.extend(SitemapIndexItem(f"{location}?p={page}", lastmod) for page in range(2, pages + 1))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


@require_safe
def sitemap_file(request, section):
    """One file of the sitemap: Django's view, known to the page cache."""
    depends_on(request, cache_tags.SITEMAPS)
    return sitemap(request, sitemaps=SITEMAPS, section=section)


NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


@require_safe
def news_sitemap(request):
    """Google News: only stories first published in the last two days, at most
    1,000, and no sponsored content.

    The window holds by the clock: the response may be kept by a cache only
    until its oldest story leaves the window."""
    now = timezone.now()
    depends_on(request, cache_tags.SITEMAPS)
    home = editions.home(request)
    if home is None:
        raise Http404
    stories = list(
        ArticlePage.objects.published()
        .descendant_of(home)
        .filter(first_published_at__gt=now - NEWS_WINDOW, first_published_at__lte=now)
        .exclude(type_of_work=TypeOfWork.SPONSORED)  # paid-for content is not news
        .newest_first()
        .only("url_path", "title", "first_published_at")[:NEWS_LIMIT]
    )
    site = Site.find_for_request(request)
    response = TemplateResponse(
        request,
        "discovery/news_sitemap.xml",
        {
            "stories": [(absolute(story.get_url(request)), story) for story in stories],
            "publication": site.site_name if site else "Dateline",
            "language": editions.current().language_code.split("-")[0],
        },
        content_type="application/xml",
    )
    fresh_for = 300
    if stories:
        oldest_leaves = stories[-1].first_published_at + NEWS_WINDOW
        fresh_for = max(0, min(fresh_for, int((oldest_leaves - now).total_seconds())))
    patch_response_headers(response, cache_timeout=fresh_for)
    return response
