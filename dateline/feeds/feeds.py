"""RSS, Atom and JSON feeds of the newest stories: the whole site, a section,
a tag, an author. Each entry has a GUID that survives a change of address
(the page's translation key), names but never emails, and the full story
with absolute links."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure
from taggit.models import Tag
from wagtail.models import Site

from dateline.articles import renditions
from dateline.articles.models import ArticleByline, ArticlePage, AuthorPage, SectionPage
from dateline.articles.navigation import tag_url
from dateline.articles.syndication import full_body_html
from dateline.core.links import absolute
from dateline.feeds.generators import FORMATS
from dateline.pagecache import depends_on
from dateline.pagecache import tags as pagecache_tags

LIMIT = 50


class LatestArticlesFeed(Feed):
    """The newest stories across the site."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.feed_type = FORMATS[kind]

    # The scope: what the feed is of. Subclasses narrow it.

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.site = Site.find_for_request(request)
        self.sections = {section.path: section for section in SectionPage.objects.live()}
        return None

    def articles(self, obj):
        return ArticlePage.objects.published()

    def scope_title(self, obj):
        return ""

    def scope_url(self, obj):
        return "/"

    # The feed.

    def scope_tags(self, obj):
        """The page cache's name for which stories the feed holds."""
        return [pagecache_tags.LATEST]

    def items(self, obj):
        items = list(
            self.articles(obj)
            .newest_first()
            .select_related("hero_image")
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")), "tagged_items__tag"
            )[:LIMIT]
        )
        for item in items:
            # Read once: each .all() on a prefetched relation copies a
            # queryset, and the feed asks for these several times an item
            # (8 ms a feed of 50 at 100,000 stories).
            item.feed_authors = [byline.author for byline in item.bylines.all()]
            item.feed_tags = [tagged.tag for tagged in item.tagged_items.all()]
        depends_on(
            self.request,
            pagecache_tags.NAV,  # section names are categories
            *self.scope_tags(obj),
            *pagecache_tags.pages(items),
            *(pagecache_tags.page(author.pk) for item in items for author in item.feed_authors),
            *(pagecache_tags.tag(tag.pk) for item in items for tag in item.feed_tags),
            *(pagecache_tags.image(pk) for item in items for pk in item.image_ids()),
        )
        return items

    def title(self, obj):
        site_name = self.site.site_name if self.site else "Dateline"
        scope = self.scope_title(obj)
        return f"{scope} · {site_name}" if scope else site_name

    def link(self, obj):
        return absolute(self.scope_url(obj))

    def description(self, obj):
        scope = self.scope_title(obj)
        return f"The newest stories: {scope}" if scope else "The newest stories"

    def feed_url(self, obj):
        return absolute(self.request.path)

    def feed_guid(self, obj):
        return self.feed_url(obj)

    # Each story.

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute(item.get_url(self.request))

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    item_guid_is_permalink = False

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        section = self.sections.get(item.primary_section_path)
        sections = [section.title] if section else []
        return sections + [tag.name for tag in item.feed_tags]

    def item_enclosures(self, item):
        rendition = self._hero(item)
        if rendition is None:
            return []
        return [Enclosure(absolute(rendition.url), str(rendition.file.size), "image/jpeg")]

    def item_extra_kwargs(self, item):
        rendition = self._hero(item)
        return {
            "authors": [
                {"name": author.title, "url": absolute(author.get_url(self.request))} for author in item.feed_authors
            ],
            "content_html": full_body_html(item),
            "image": absolute(rendition.url) if rendition else None,
        }

    def _hero(self, item):
        if not item.hero_image:
            return None
        if not hasattr(item, "_feed_hero"):
            item._feed_hero = item.hero_image.get_rendition(renditions.WIDE_JPEG)
        return item._feed_hero


class SectionArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, *args, slug, **kwargs):
        super().get_object(request)
        return get_object_or_404(SectionPage.objects.live(), slug=slug)

    def articles(self, obj):
        return super().articles(obj).in_section(obj)

    def scope_tags(self, obj):
        return [pagecache_tags.page(obj.pk), pagecache_tags.section_listing(obj.pk)]

    def scope_title(self, obj):
        return obj.title

    def scope_url(self, obj):
        return obj.get_url(self.request)


class TagArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, *args, slug, **kwargs):
        super().get_object(request)
        return get_object_or_404(Tag, slug=slug)

    def articles(self, obj):
        return super().articles(obj).tagged(obj)

    def scope_tags(self, obj):
        return [pagecache_tags.tag(obj.pk), pagecache_tags.tag_listing(obj.pk)]

    def scope_title(self, obj):
        return f"Stories tagged “{obj.name}”"

    def scope_url(self, obj):
        return tag_url(obj)


class AuthorArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, *args, slug, **kwargs):
        super().get_object(request)
        return get_object_or_404(AuthorPage.objects.live(), slug=slug)

    def articles(self, obj):
        return super().articles(obj).by_author(obj)

    def scope_tags(self, obj):
        return [pagecache_tags.page(obj.pk), pagecache_tags.author_listing(obj.pk)]

    def scope_title(self, obj):
        return obj.title

    def scope_url(self, obj):
        return obj.get_url(self.request)
