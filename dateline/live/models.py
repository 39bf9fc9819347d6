"""Live coverage: a story that grows by timestamped updates while events unfold.

A live story is an article (it has a headline, a summary, bylines, comments,
and appears in listings, feeds, sitemaps and search like any story) whose
page also shows its updates, newest first. Updates are rows of their own,
not parts of the page's revisions: posting one is live at once, without
publishing the page again, and purges only the pages that show it
(purges.py). Open pages fetch the newest updates from a small stored
resource (`updates/latest/`), so following a story costs a reader a 304
from the page cache every few seconds.
"""

from datetime import timedelta
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path, re_path
from wagtail.fields import RichTextField, StreamField

from dateline.articles.models import LATER_PAGE, ArticlePage
from dateline.articles.pagination import Listing
from dateline.core.blocks import PARAGRAPH_FEATURES, CaptionedImageBlock, ClickToLoadEmbedBlock, QuoteBlock
from dateline.core.links import absolute
from dateline.editions.digits import in_edition_digits
from dateline.live import cache_tags
from dateline.pagecache import also_shows, depends_on, expires_at
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragment

# Updates on a page of a live story: the story's own address shows the
# newest, older ones are at <story>/updates/page/N/.
UPDATES_PER_PAGE = 25

# Words of an update's text that stand for it where it has no headline.
GIST_WORDS = 20


def new_updates_phrases():
    """What live.js says of N new updates, for each N it can be told of (the
    newest UPDATES_PER_PAGE): the button's text and the status announced to
    screen readers, in the page's language and its plural forms (Arabic has
    six). live.js falls back to English without them."""
    return {
        count: {
            "show": ngettext("Show %(count)s new update", "Show %(count)s new updates", count)
            % {"count": in_edition_digits(str(count))},
            "status": ngettext("%(count)s new update", "%(count)s new updates", count)
            % {"count": in_edition_digits(str(count))},
        }
        for count in range(1, UPDATES_PER_PAGE + 1)
    }


class LiveStoryPage(ArticlePage):
    """A story told as it happens: a summary on top ("what we know"), then
    timestamped updates, newest first, posted from the admin's Live updates
    screen. Key updates can be pinned to the top; the coverage can be ended."""

    coverage_started_at = models.DateTimeField(
        "coverage began",
        default=timezone.now,
        help_text="When the live coverage began: shown to readers and to search engines.",
    )
    coverage_ended_at = models.DateTimeField(
        "coverage ended",
        null=True,
        blank=True,
        help_text="Leave empty while the coverage goes on. Set it, and publish, to mark the coverage as ended.",
    )

    content_panels = [
        *ArticlePage.content_panels,
        MultiFieldPanel([FieldPanel("coverage_started_at"), FieldPanel("coverage_ended_at")], heading="Live coverage"),
    ]

    template = "live/live_story_page.html"
    # Read by listings' cards from the page's class, without a query.
    is_live_story = True

    class Meta:
        verbose_name = "live story"

    def clean(self):
        super().clean()
        if self.coverage_ended_at and self.coverage_started_at and self.coverage_ended_at < self.coverage_started_at:
            raise ValidationError({"coverage_ended_at": "The coverage cannot end before it began."})

    @property
    def has_ended(self):
        return self.coverage_ended_at is not None and self.coverage_ended_at <= timezone.now()

    # Addresses of its own, besides the story and its comment pages (ArticlePage).

    @path("updates/latest/", name="latest_updates")
    def latest_updates(self, request):
        """The newest updates, for open pages to show what is new without a
        reload (live.js). Stored by the page cache until an update changes,
        so a reader who asks again gets a 304 without reaching Django."""
        depends_on(request, pagecache_tags.page(self.pk), cache_tags.updates(self.pk))
        self._stored_until_it_ends(request)
        updates = self.updates.newest_first().for_display()[:UPDATES_PER_PAGE]
        return JsonResponse(
            {
                "ended": self.has_ended,
                "updates": [
                    {
                        "id": update.pk,
                        "changed": update.changed_at.isoformat(),
                        "html": render_to_string(
                            "live/includes/update.html", {"update": update, "page": self}, request
                        ),
                    }
                    for update in updates
                ],
            }
        )

    @re_path(rf"^updates/page/(?P<page_number>{LATER_PAGE})/$", name="earlier_updates")
    def earlier_updates(self, request, page_number):
        """A page of older updates, under the same story and comments."""
        # Read by get_context, which Wagtail's render gives no other way in.
        self._updates_page = int(page_number)
        return self.story(request)

    @path("updates/<int:update_id>/", name="update")
    def update(self, request, update_id):
        """An update's own address, for sharing: sends the reader to the page
        that holds it now, at its anchor."""
        update = get_object_or_404(self.updates, pk=update_id)
        # Those before it in the page order (newest_first).
        newer = self.updates.filter(
            Q(posted_at__gt=update.posted_at) | Q(posted_at=update.posted_at, pk__gt=update.pk)
        ).count()
        page_url = UpdatesListing(None, self.get_url(request)).url_for(newer // UPDATES_PER_PAGE + 1)
        return redirect(f"{page_url}#update-{update.pk}")

    def _stored_until_it_ends(self, request):
        """A page that says the coverage goes on is stored no longer than
        the end an editor set ahead of time."""
        if self.coverage_ended_at and not self.has_ended:
            expires_at(request, self.coverage_ended_at)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        number = getattr(self, "_updates_page", 1)
        self._stored_until_it_ends(request)
        context["live_updates"] = fragment(
            request, f"live:{self.pk}:updates:{number}", lambda: self._render_updates(request, number)
        )
        return context

    def _render_updates(self, request, number):
        also_shows(request, cache_tags.updates(self.pk))
        paginator = Paginator(self.updates.newest_first().for_display(), UPDATES_PER_PAGE)
        try:
            updates = paginator.page(number)
        except EmptyPage as missing:
            raise Http404 from missing
        shown = {update.pk for update in updates}
        key_updates = [
            (update, f"#update-{update.pk}" if update.pk in shown else update.share_url(request))
            for update in self.updates.filter(pinned=True).newest_first()
        ]
        return render_to_string(
            "live/includes/updates.html",
            {
                "page": self,
                "updates": updates,
                "key_updates": key_updates,
                "listing": UpdatesListing(updates, self.get_url(request)),
                "latest_url": self.get_url(request) + self.reverse_subpage("latest_updates"),
                "new_updates_phrases": new_updates_phrases(),
            },
            request,
        )

    def schema_overrides(self, request):
        """schema.org's LiveBlogPosting, with the updates on the story's page."""
        also_shows(request, cache_tags.updates(self.pk))
        story_url = absolute(self.get_url(request))
        described = {
            "@type": "LiveBlogPosting",
            "coverageStartTime": self.coverage_started_at.isoformat(timespec="seconds"),
            "liveBlogUpdate": [
                update.blog_posting(story_url)
                for update in self.updates.newest_first().for_display()[:UPDATES_PER_PAGE]
            ],
        }
        if self.coverage_ended_at:
            described["coverageEndTime"] = self.coverage_ended_at.isoformat(timespec="seconds")
        return described

    def extra_feeds(self):
        return [(gettext("Live updates"), "live_feed", {"pk": self.pk})]


class UpdatesListing(Listing):
    """Page 1 of a live story's updates is the story itself."""

    def url_for(self, number):
        return self.base_url if number == 1 else f"{self.base_url}updates/page/{number}/"


class LiveUpdateBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = ClickToLoadEmbedBlock(help_text="A link to a video or post, e.g. on YouTube.")


class LiveUpdateQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-posted_at", "-pk")

    def for_display(self):
        return self.select_related("author")


class LiveUpdate(models.Model):
    """One update to a live story: a moment, what happened, who reported it."""

    story = models.ForeignKey(LiveStoryPage, on_delete=models.CASCADE, related_name="updates")
    posted_at = models.DateTimeField(
        "time",
        default=timezone.now,
        help_text="Shown with the update. Leave it to post now; set an earlier time to add what happened before.",
    )
    headline = models.CharField(max_length=200, blank=True, help_text="Optional: a few words that sum the update up.")
    body = StreamField(LiveUpdateBodyBlock(), help_text="What happened: text, an image, a quote or an embed.")
    author = models.ForeignKey(
        "articles.AuthorPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose reporting this is, shown with the update.",
    )
    pinned = models.BooleanField("key update", default=False, help_text="Also list it under “Key updates”.")
    correction = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="If the update was wrong: what was wrong and what is right. Shown with it, marked as a correction.",
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    changed_at = models.DateTimeField(auto_now=True)
    # Who posted it, for the newsroom: never shown to readers.
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "live update"
        indexes = [models.Index(fields=["story", "-posted_at"], name="liveupdate_newest")]

    def __str__(self):
        return self.gist

    def save(self, *args, **kwargs):
        if self.correction and not self.corrected_at:
            self.corrected_at = timezone.now()
        elif not self.correction:
            self.corrected_at = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.posted_at and self.posted_at > timezone.now() + timedelta(minutes=1):
            raise ValidationError({"posted_at": "An update is posted as it happens: the time cannot be in the future."})

    @property
    def text(self):
        """The update's words as plain text."""
        words = strip_tags(" ".join(self.body.stream_block.get_searchable_content(self.body)))
        return " ".join(unescape(words).split())

    @property
    def gist(self):
        """Its headline, or else its opening words."""
        return self.headline or Truncator(self.text).words(GIST_WORDS, truncate="…")

    def share_url(self, request=None):
        return self.story.get_url(request) + self.story.reverse_subpage("update", kwargs={"update_id": self.pk})

    def blog_posting(self, story_url):
        posting = {
            "@type": "BlogPosting",
            "@id": f"{story_url}#update-{self.pk}",
            "url": f"{story_url}#update-{self.pk}",
            "headline": self.gist[:110],
            "articleBody": self.text,
            "datePublished": self.posted_at.isoformat(timespec="seconds"),
        }
        if self.changed_at and (self.changed_at - self.posted_at).total_seconds() > 60:
            posting["dateModified"] = self.changed_at.isoformat(timespec="seconds")
        if self.author_id:
            posting["author"] = {"@type": "Person", "name": self.author.title, "url": absolute(self.author.url)}
        return posting
