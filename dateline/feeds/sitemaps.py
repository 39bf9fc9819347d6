"""XML sitemaps: pages, sections, articles, authors and tags, in files of
at most 50,000 addresses, with absolute addresses from DATELINE_BASE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from taggit.models import Tag

from dateline.articles.models import ArticlePage, AuthorPage, HomePage, SectionPage
from dateline.articles.navigation import tag_url
from dateline.core.models import StandardPage


class BaseSitemap(Sitemap):
    """Addresses on the public site, whatever Host the crawler asked for."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.DATELINE_BASE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.DATELINE_BASE_URL).netloc


class PageSitemap(BaseSitemap):
    """Live pages of one type, by their Wagtail address."""

    model = None

    def items(self):
        return self.model.objects.live().public().order_by("pk").only("url_path", "last_published_at")

    def location(self, page):
        return page.url

    def lastmod(self, page):
        return page.last_published_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]


class HomeSitemap(PageSitemap):
    model = HomePage
    changefreq = "always"


class InformationSitemap(PageSitemap):
    model = StandardPage


class SectionSitemap(PageSitemap):
    model = SectionPage
    changefreq = "always"


class AuthorSitemap(PageSitemap):
    model = AuthorPage


class ArticleSitemap(PageSitemap):
    model = ArticlePage

    def items(self):
        return ArticlePage.objects.published().order_by("pk").only("url_path", "last_published_at")


class TagSitemap(BaseSitemap):
    def items(self):
        return Tag.objects.filter(articles_articletag_items__content_object__live=True).distinct().order_by("slug")

    def location(self, tag):
        return tag_url(tag)


SITEMAPS = {
    "home": HomeSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "pages": InformationSitemap,
}
