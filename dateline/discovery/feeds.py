"""RSS, Atom and JSON feeds of the newest stories: the whole site, a section,
a tag, an author; and of a live story's updates. Each entry has a GUID that
survives a change of address (the page's translation key), names but never
emails, and the full story with absolute links."""

from functools import partial

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.feedgenerator import Enclosure
from django.utils.translation import get_language, gettext
from taggit.models import Tag
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from dateline.articles import cache_tags
from dateline.articles.models import ArticleByline, ArticleNote, ArticlePage, AuthorPage, SectionPage
from dateline.articles.navigation import corrections_url, tag_url
from dateline.articles.syndication import PublicArticle
from dateline.core.links import absolute, absolute_html
from dateline.discovery.generators import FORMATS
from dateline.editions import lookups as editions
from dateline.live import cache_tags as live_cache_tags
from dateline.live.models import UPDATES_PER_PAGE, LiveStoryPage
from dateline.pagecache import also_shows, depends_on
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragments

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
        # Each edition has its feeds, of its own stories (/ar/feeds/rss/).
        self.home = editions.home(request)
        if self.home is None:
            raise Http404
        self.sections = {section.path: section for section in SectionPage.objects.live().descendant_of(self.home)}
        return None

    def articles(self, obj):
        return ArticlePage.objects.published().descendant_of(self.home)

    def scope_title(self, obj):
        return ""

    def scope_url(self, obj):
        return editions.current().prefix

    # The feed.

    def scope_tags(self, obj):
        """The page cache's name for which stories the feed holds."""
        return [cache_tags.LATEST]

    def newest(self, obj):
        """The ids and publication times of the stories the feed holds,
        newest first. Asked once a request: the feed's ETag is made of them
        too (views.py)."""
        if not hasattr(self.request, "_dateline_feed_newest"):
            stories = self.articles(obj).newest_first().values_list("pk", "last_published_at")[:LIMIT]
            self.request._dateline_feed_newest = list(stories)
        return self.request._dateline_feed_newest

    def get_feed(self, obj, request):
        """The feed, its entries kept as written, per format, until their
        story changes (a section renamed, an author, a tag or an image
        changed): after a publish only the new story's entry is written.
        Django's Feed.get_feed would build all 50 again."""
        newest = self.newest(obj)
        depends_on(request, cache_tags.NAV, *self.scope_tags(obj))
        feed = self.empty_feed(obj)
        names = {f"feed-entry:{self.kind}:{pk}": pk for pk, _ in newest}
        feed.entries = fragments(request, list(names), lambda missing: self._writers(feed, [names[n] for n in missing]))
        feed.latest = max((published for _, published in newest if published), default=None)
        return feed

    def empty_feed(self, obj):
        """The feed's head, in its format, before any entry."""
        return self.feed_type(
            title=self.title(obj),
            link=self.link(obj),
            description=self.description(obj),
            language=self.language or get_language(),
            feed_url=self.feed_url(obj),
            feed_guid=self.feed_guid(obj),
        )

    def _writers(self, feed, ids):
        """{entry name: write()} for these stories, loaded in one query."""
        stories = (
            ArticlePage.objects.filter(pk__in=ids)
            .select_related("hero_image")
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")),
                "tagged_items__tag",
                "notes",
            )
        )
        return {f"feed-entry:{self.kind}:{story.pk}": partial(self._write_entry, feed, story) for story in stories}

    def _write_entry(self, feed, story):
        # Read once: each .all() on a prefetched relation copies a queryset.
        authors = [byline.author for byline in story.bylines.all()]
        tags = [tagged.tag for tagged in story.tagged_items.all()]
        also_shows(self.request, *cache_tags.story(story, authors=authors, article_tags=tags))
        public = PublicArticle.of(
            story, self.request, section=self.sections.get(story.primary_section_path), authors=authors, tags=tags
        )
        image = public.image
        feed.add_item(
            title=public.headline,
            link=public.url,
            description=public.summary,
            # The story's own id, not its address: a story moved to another
            # section is not a new entry in readers' feed apps.
            unique_id=f"urn:uuid:{public.uuid}",
            unique_id_is_permalink=False,
            enclosures=[Enclosure(image.url, str(image.size), "image/jpeg")] if image else [],
            pubdate=public.first_published_at,
            updateddate=public.modified_at,
            categories=[*public.sections, *(tag.name for tag in public.tags)],
            authors=[{"name": author.name, "url": author.url} for author in public.authors],
            # Corrections and updates lead the story, as on its page.
            content_html=absolute_html(render_to_string("discovery/feed_notes.html", {"notes": public.notes}))
            + public.body_html,
            image=image.url if image else None,
        )
        return feed.entry(feed.items.pop())

    def title(self, obj):
        site_name = self.site.site_name if self.site else "Dateline"
        scope = self.scope_title(obj)
        return f"{scope} · {site_name}" if scope else site_name

    def link(self, obj):
        return absolute(self.scope_url(obj))

    def description(self, obj):
        scope = self.scope_title(obj)
        return gettext("The newest stories: %(scope)s") % {"scope": scope} if scope else gettext("The newest stories")

    def feed_url(self, obj):
        return absolute(self.request.path)

    def feed_guid(self, obj):
        return self.feed_url(obj)


class SectionArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, *args, slug, **kwargs):
        super().get_object(request)
        return SectionPage.in_edition(self.home, slug)

    def articles(self, obj):
        return super().articles(obj).in_section(obj)

    def scope_tags(self, obj):
        return [pagecache_tags.page(obj.pk), cache_tags.section_listing(obj.pk)]

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
        return [cache_tags.tag(obj.pk), cache_tags.tag_listing(obj.pk)]

    def scope_title(self, obj):
        return gettext("Stories tagged “%(name)s”") % {"name": obj.name}

    def scope_url(self, obj):
        return tag_url(obj)


class AuthorArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, *args, slug, **kwargs):
        super().get_object(request)
        return get_object_or_404(AuthorPage.objects.live().descendant_of(self.home), slug=slug)

    def articles(self, obj):
        return super().articles(obj).by_author(obj)

    def scope_tags(self, obj):
        return [pagecache_tags.page(obj.pk), cache_tags.author_listing(obj.pk)]

    def scope_title(self, obj):
        return obj.title

    def scope_url(self, obj):
        return obj.get_url(self.request)


class CorrectionsFeed(LatestArticlesFeed):
    """The newest corrections, clarifications, updates and retractions (the
    corrections page, HomePage.corrections), each linking to its note on
    its story."""

    def notes(self):
        return ArticleNote.objects.published().descendant_of(self.home).select_related("page")

    def newest(self, obj):
        if not hasattr(self.request, "_dateline_feed_newest"):
            self.request._dateline_feed_newest = list(self.notes().values_list("pk", "noted_at")[:LIMIT])
        return self.request._dateline_feed_newest

    def get_feed(self, obj, request):
        # Short entries, all written each time: no kept parts to manage.
        newest = self.newest(obj)
        notes = list(self.notes().filter(pk__in=[pk for pk, _ in newest]))
        depends_on(request, cache_tags.CORRECTIONS, *pagecache_tags.pages(note.page for note in notes))
        feed = self.empty_feed(obj)
        for note in notes:
            story_url = absolute(note.page.get_url(self.request))
            feed.add_item(
                title=f"{note.get_kind_display()}: {note.page.title}",
                link=f"{story_url}#note-{note.pk}",
                description=note.plain_text,
                unique_id=f"urn:uuid:{note.page.translation_key}#note-{note.pk}",
                unique_id_is_permalink=False,
                enclosures=[],
                pubdate=note.noted_at,
                updateddate=note.noted_at,
                categories=[note.get_kind_display()],
                authors=[],
                content_html=absolute_html(expand_db_html(note.text)),
                image=None,
            )
        feed.entries = [feed.entry(item) for item in feed.items]
        feed.latest = max((noted for _, noted in newest), default=None)
        return feed

    def scope_title(self, obj):
        return gettext("Corrections and updates")

    def scope_url(self, obj):
        return corrections_url()

    def description(self, obj):
        return gettext("Every correction, clarification, update and retraction, newest first")


class LiveUpdatesFeed(LatestArticlesFeed):
    """A live story's newest updates, each linking to its place on the story."""

    def get_object(self, request, *args, pk, **kwargs):
        super().get_object(request)
        return get_object_or_404(LiveStoryPage.objects.published().descendant_of(self.home), pk=pk)

    def newest(self, obj):
        if not hasattr(self.request, "_dateline_feed_newest"):
            updates = obj.updates.newest_first().for_display()[:UPDATES_PER_PAGE]
            self.request._dateline_feed_newest = list(updates)
        return [(update.pk, update.changed_at) for update in self.request._dateline_feed_newest]

    def get_feed(self, obj, request):
        # Entries are short and all on one page's worth: written each time.
        self.newest(obj)
        depends_on(request, pagecache_tags.page(obj.pk), live_cache_tags.updates(obj.pk))
        feed = self.empty_feed(obj)
        story_url = absolute(obj.get_url(request))
        for update in self.request._dateline_feed_newest:
            feed.add_item(
                title=update.gist,
                link=f"{story_url}#update-{update.pk}",
                description=update.text,
                unique_id=f"urn:uuid:{obj.translation_key}#update-{update.pk}",
                unique_id_is_permalink=False,
                enclosures=[],
                pubdate=update.posted_at,
                updateddate=update.changed_at,
                categories=[],
                authors=[{"name": update.author.title, "url": absolute(update.author.url)}] if update.author else [],
                content_html=absolute_html(
                    render_to_string("live/includes/update.html", {"update": update, "page": obj}, request)
                ),
                image=None,
            )
        feed.entries = [feed.entry(item) for item in feed.items]
        feed.latest = max((update.changed_at for update in self.request._dateline_feed_newest), default=None)
        return feed

    def scope_title(self, obj):
        return gettext("Live: %(title)s") % {"title": obj.title}

    def scope_url(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        return gettext("The newest updates: %(title)s") % {"title": obj.title}
