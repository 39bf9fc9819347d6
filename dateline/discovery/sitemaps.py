"""XML sitemaps: pages, sections, articles, authors and tags, in files of
at most 5,000 addresses, with absolute addresses from DATELINE_BASE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q
from django.utils.functional import cached_property
from taggit.models import Tag
from wagtail.models import Site

from dateline.articles.models import ArticlePage, ArticleTag, AuthorPage, HomePage, SectionPage
from dateline.articles.navigation import tag_url
from dateline.core.models import StandardPage
from dateline.editions import lookups as editions


class BaseSitemap(Sitemap):
    """Addresses on the public site, whatever Host the crawler asked for."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.DATELINE_BASE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.DATELINE_BASE_URL).netloc


class PageSitemap(BaseSitemap):
    """Live pages of one type, by their Wagtail address.

    Files hold 5,000 addresses (the protocol allows 50,000): rendering an
    address costs Django's sitemap template about 0.1 ms, so a full file of
    50,000 took seconds to answer. Items are (url_path, last_published_at)
    rows, not pages: building 5,000 page objects cost more than the query."""

    model = None
    limit = 5000

    def pages(self):
        return self.model.objects.live().public()

    def items(self):
        return self.in_edition().order_by("pk").values_list("url_path", "last_published_at", named=True)

    def in_edition(self):
        """The pages of the current edition: each edition has its own
        sitemaps (/sitemap.xml, /ar/sitemap.xml). Only pages under a site's
        home have an address."""
        under_a_site = Q()
        for root in self.root_paths:
            under_a_site |= Q(url_path__startswith=root)
        return self.pages().filter(under_a_site) if under_a_site else self.pages().none()

    @cached_property
    def root_paths(self):
        # The edition's homes (one per site), read once per file: Wagtail's
        # page.url reads them from the cache for every page.
        language = editions.current().language_code
        return [root.root_path for root in Site.get_site_root_paths() if root.language_code == language]

    def location(self, page):
        """The page's address on the site, as page.url gives it."""
        root = next(root for root in self.root_paths if page.url_path.startswith(root))
        return editions.current().prefix + page.url_path.removeprefix(root)

    def lastmod(self, page):
        return page.last_published_at

    def get_latest_lastmod(self):
        return self.in_edition().aggregate(latest=Max("last_published_at"))["latest"]


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

    def pages(self):
        return ArticlePage.objects.published()


class TagSitemap(BaseSitemap):
    def items(self):
        # EXISTS per tag stops at the first live story; a DISTINCT join read
        # every tagging of every story (a second at 100,000 stories).
        language = editions.current().language_code
        live_story = ArticleTag.objects.filter(
            tag=OuterRef("pk"), content_object__live=True, content_object__locale__language_code=language
        )
        return Tag.objects.filter(Exists(live_story)).order_by("slug")

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
