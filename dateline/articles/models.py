"""The newsroom's page tree: home › sections › articles, and home › authors.

An article's parent is its primary section, which gives it its address
(/middle-east/<slug>/); it may also be filed in other sections (`also_in`).
"""

from html import unescape

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import Filter
from wagtail.models import Orderable, Page
from wagtail.search import index

from dateline.articles import cache_tags, renditions, section_leads
from dateline.articles.discussion import discussion
from dateline.articles.pagination import Listing, listing_html
from dateline.articles.querysets import ArticlePageManager
from dateline.core.blocks import ArticleBodyBlock
from dateline.core.folding import HEADLINE_KEY_LENGTH, headline_key, index_text
from dateline.core.pages import ReadOnlyPageMixin
from dateline.editions import lookups as editions
from dateline.newsroom.cache_tags import image as image_tag
from dateline.pagecache import also_shows, depends_on
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragment
from dateline.pagecache.lookups import KnownViewRestrictionsMixin
from dateline.pagecache.store import page_store

# Page 1 of a listing lives only at the listing's own address, so /page/1/
# and /page/02/ are not second copies of a page: they answer 404.
LATER_PAGE = r"[2-9]|[1-9][0-9]+"

# Words in a listing's summary of a story that has no standfirst.
SUMMARY_WORDS = 30

# Addresses the home page answers itself (or will); a section may not take them as slug.
RESERVED_SECTION_SLUGS = {
    *("tags", "authors", "search", "feeds", "api", "admin", "static", "media", "comments", "corrections"),
}

# Corrections and updates on a page of the corrections page.
NOTES_PER_PAGE = 30


def _own_route(page_class, path_components):
    """Whether pages of `page_class` answer this rest of an address with a
    route of their own (RoutablePageMixin), with no query."""
    if not issubclass(page_class, RoutablePageMixin):
        return False
    try:
        page_class.get_resolver().resolve("/" + "/".join(path_components) + "/")
    except Http404:
        return False
    return True


class HomePage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, RoutablePageMixin, Page):
    """The front page: a lead story and the newest stories across sections.

    Also answers /tags/<slug>/, since a tag belongs to no section.
    """

    lead_article = models.ForeignKey(
        "articles.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story at the top of the front page. Leave empty to lead with the newest story.",
    )

    # An edition's own words around every page; the site's Branding
    # settings hold the logo, and the words of editions that leave these empty.
    tagline = models.CharField(
        max_length=160, blank=True, help_text="This edition's line under the site name. Empty: the site's branding."
    )
    footer_text = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="This edition's footer text. Empty: the site's branding.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead_article"),
        MultiFieldPanel([FieldPanel("tagline"), FieldPanel("footer_text")], heading="Masthead and footer"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["articles.SectionPage", "articles.AuthorIndexPage", "core.StandardPage"]

    latest_count = 20
    # The home's own routes that every edition answers alike: each lists the
    # others as its translations (hreflang).
    routes_in_every_edition = ("corrections/",)

    def route(self, request, path_components):
        # Wagtail walks down from the home page with two queries per level
        # (the child, then its specific page): five for a story. This finds
        # every page the address could name in one query, on the slug index,
        # then follows Wagtail's rules: at each level a live page's own
        # routes (a section's /page/2/) come before a child of that name.
        if not path_components or not self.live or _own_route(type(self), path_components):
            return super().route(request, path_components)
        candidates = Page.objects.filter(
            slug__in=set(path_components),
            path__startswith=self.path,
            depth__lte=self.depth + len(path_components),
        ).only("path", "depth", "slug", "live", "content_type_id")
        children = {(page.path[: -Page.steplen], page.slug): page for page in candidates}
        node, remaining = self, path_components
        while remaining:
            node = children.get((node.path, remaining[0]))
            if node is None:
                raise Http404
            remaining = remaining[1:]
            if remaining and node.live and _own_route(node.specific_class, remaining):
                break
        return node.specific.route(request, remaining)

    @path("", name="front_page")
    def front_page(self, request):
        def stories():
            # The lead and the latest in one query: SQLite plans a LIMIT 1 in
            # this order as a sort of every story (60-200 ms at 100,000), but
            # a page of them as a walk down the publication-time index.
            newest = list(ArticlePage.objects.published().descendant_of(self).newest_first()[: self.latest_count + 1])
            lead = self.lead_article if self.lead_article_id else None
            if lead is None or not lead.live:
                lead = newest[0] if newest else None
            latest = [article for article in newest if article != lead][: self.latest_count]
            also_shows(
                request,
                pagecache_tags.page(self.pk),
                cache_tags.LATEST,
                *pagecache_tags.pages([lead] if lead else []),
                *pagecache_tags.pages(latest),
            )
            context = {"lead_article": lead, "latest_articles": latest}
            return render_to_string("articles/includes/front_page_stories.html", context, request)

        # Kept as rendered until the newest stories or the lead change.
        html = fragment(request, f"home:{self.pk}:stories", stories)
        depends_on(request, pagecache_tags.page(self.pk), cache_tags.LATEST)
        return self.render(request, context_overrides={"stories": html})

    @path("corrections/", name="corrections")
    @re_path(rf"^corrections/page/(?P<page_number>{LATER_PAGE})/$", name="corrections_page")
    def corrections(self, request, page_number=1):
        """Every correction, clarification, update and retraction on the
        site's published stories, newest first: the public record."""
        notes = ArticleNote.objects.published().descendant_of(self).select_related("page")
        paginator = Paginator(notes, NOTES_PER_PAGE, allow_empty_first_page=True)
        try:
            notes_page = paginator.page(page_number)
        except EmptyPage as missing:
            raise Http404 from missing
        base_url = self.get_url(request) + self.reverse_subpage("corrections")
        also_shows(request, *pagecache_tags.pages(note.page for note in notes_page))
        depends_on(request, pagecache_tags.page(self.pk), cache_tags.CORRECTIONS)
        return self.render(
            request,
            template="articles/corrections_page.html",
            context_overrides={"notes": notes_page, "listing": Listing(notes_page, base_url)},
        )

    @path("tags/<str:tag_slug>/", name="tag")
    @re_path(rf"^tags/(?P<tag_slug>[^/]+)/page/(?P<page_number>{LATER_PAGE})/$", name="tag_page")
    def tag(self, request, tag_slug, page_number=1):
        tag = get_object_or_404(Tag, slug=tag_slug)
        page_url = self.reverse_subpage("tag", kwargs={"tag_slug": tag.slug})
        stories = listing_html(
            request,
            ArticlePage.objects.published().descendant_of(self).tagged(tag),
            page_number,
            base_url=self.get_url(request) + page_url,
            listing=cache_tags.tag_listing(tag.pk),
            empty_message=_("No published stories carry this tag."),
        )
        depends_on(request, cache_tags.tag(tag.pk), cache_tags.tag_listing(tag.pk))
        return self.render(
            request,
            template="articles/tag_page.html",
            context_overrides={"tag": tag, "stories": stories, "page_number": int(page_number)},
        )


class SectionPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and self.parent_page and SectionPage.slug_taken(slug, self.parent_page, self.instance):
            self.add_error("slug", SectionPage.slug_taken_message(slug))
        return cleaned_data


class SectionPage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, RoutablePageMixin, Page):
    """A section of the site, such as Middle East, or a subsection of one,
    such as Syria under it. A top-level section's place among its siblings
    is its place in the menu; untick "Show in menus" to hide it from the
    menu. A section lists its subsections' stories with its own."""

    introduction = models.TextField(blank=True, help_text="One or two sentences shown under the section name.")

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    base_form_class = SectionPageForm

    parent_page_types = ["articles.HomePage", "articles.SectionPage"]
    subpage_types = ["articles.SectionPage", "articles.ArticlePage", "live.LiveStoryPage"]
    show_in_menus_default = True

    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SECTION_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is an address the site uses itself. Choose another slug."})
        # A new page has its place in the tree only once added: the admin's
        # form checks it against its parent before that (SectionPageForm).
        if self.path and self.slug_taken(self.slug, Page(path=self.path[: -self.steplen]), self):
            raise ValidationError({"slug": self.slug_taken_message(self.slug)})

    @classmethod
    def slug_taken(cls, slug, parent, page):
        """Whether another section of the edition `parent` belongs to has
        this slug. Feeds, search and the API name a section by its slug, so
        it must be unique in its edition, not only among its siblings."""
        edition = cls.objects.filter(path__startswith=parent.path[: 2 * cls.steplen], slug=slug)
        return edition.exclude(pk=page.pk).exists() if page.pk else edition.exists()

    @staticmethod
    def slug_taken_message(slug):
        return (
            f"Another section of this edition has the slug “{slug}”: feeds, search and the API name "
            "sections by slug. Choose another."
        )

    @classmethod
    def in_edition(cls, home, slug, public=False):
        """The live section of an edition that a feed or the API names by
        slug (with `public`, only one with no view restriction), or 404."""
        sections = cls.objects.live().descendant_of(home).filter(slug=slug)
        section = (sections.public() if public else sections).order_by("path").first()
        if section is None:
            raise Http404
        return section

    def subsections(self, sections):
        """Its subsections among `sections` (the site's, already loaded)."""
        return [section for section in sections if section.path[: -self.steplen] == self.path]

    def ancestry(self, sections):
        """The sections it sits under, outermost first, among `sections`."""
        by_path = {section.path: section for section in sections}
        paths = (self.path[:end] for end in range(self.steplen, len(self.path), self.steplen))
        return [by_path[path] for path in paths if path in by_path]

    @classmethod
    def of_site(cls, request):
        """The live sections of the request's site, in tree order (the
        menu's): loaded once per request, kept by each process until a
        change to the menu. Every call records that the sections are shown:
        the caller may be rendering a fragment."""
        also_shows(request, cache_tags.NAV)
        if not hasattr(request, "_dateline_sections"):
            request._dateline_sections = cls._kept_for_site(request)
        return request._dateline_sections

    @classmethod
    def _kept_for_site(cls, request):
        home = editions.home(request)
        if home is None:
            return []
        # Sections can only be under a home page, so every section under the
        # edition's home address is one of its sections (subsections too).
        return page_store().kept(
            f"sections:{home.pk}",
            [cache_tags.NAV],
            lambda: list(cls.objects.live().filter(url_path__startswith=home.url_path).order_by("path")),
        )

    @path("", name="first_page")
    @re_path(rf"^page/(?P<page_number>{LATER_PAGE})/$", name="page")
    def listing(self, request, page_number=1):
        stories = listing_html(
            request,
            ArticlePage.objects.published().in_section(self),
            page_number,
            base_url=self.get_url(request),
            listing=cache_tags.section_listing(self.pk),
            empty_message=_("No stories in this section yet."),
        )
        depends_on(request, pagecache_tags.page(self.pk), cache_tags.section_listing(self.pk))
        leads = section_leads.rendered(request, self) if int(page_number) == 1 else ""
        sections = SectionPage.of_site(request)
        return self.render(
            request,
            context_overrides={
                "stories": stories,
                "page_number": int(page_number),
                "section": self,
                "leads": leads,
                "above": self.ancestry(sections),
                "subsections": [section for section in self.subsections(sections) if section.show_in_menus],
            },
        )


class TypeOfWork(models.TextChoices):
    """What kind of work a story is (the Trust Project's "type of work")."""

    NEWS = "news", gettext_lazy("News report")
    ANALYSIS = "analysis", gettext_lazy("Analysis")
    OPINION = "opinion", gettext_lazy("Opinion")
    REVIEW = "review", gettext_lazy("Review")
    SPONSORED = "sponsored", gettext_lazy("Sponsored")


class ArticlePage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, RoutablePageMixin, Page):
    """A news story. Its headline is the page title; readers' comments follow it,
    oldest thread first, with later pages of threads at <address>comments/page/N/."""

    standfirst = models.TextField(
        blank=True,
        max_length=400,
        help_text="The sentence under the headline that tells the reader what the story is about.",
    )
    dateline = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where the story was reported from, e.g. “Deir Ezzur”.",
    )
    # The headline folded as search queries are (dateline.core.folding), so
    # search can rank stories whose headline holds every word first.
    headline_key = models.CharField(max_length=HEADLINE_KEY_LENGTH, blank=True, editable=False, db_default="")
    hero_image = models.ForeignKey(
        "newsroom.NewsImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_alt = models.CharField(
        "alt text",
        max_length=255,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    hero_caption = models.CharField("caption", max_length=400, blank=True)
    body = StreamField(ArticleBodyBlock())
    also_in = ParentalManyToManyField(
        "articles.SectionPage",
        blank=True,
        related_name="filed_articles",
        verbose_name="also in sections",
        help_text="Other sections that list this story. Its own section is the one it is filed under.",
    )
    tags = ClusterTaggableManager(through="articles.ArticleTag", blank=True)
    comments_open = models.BooleanField(default=True, help_text="Let readers leave replies under the story.")
    # The Trust Project's indicators: what kind of work this is, and how it was reported.
    type_of_work = models.CharField(
        max_length=20,
        choices=TypeOfWork.choices,
        default=TypeOfWork.NEWS,
        help_text="Shown above the headline, so readers can tell reporting from opinion and advertising.",
    )
    sponsor = models.CharField(
        max_length=120,
        blank=True,
        help_text="Who paid for sponsored content, shown with it. Required when the type is sponsored.",
    )
    reporting_note = models.TextField(
        "how we reported this",
        blank=True,
        max_length=1500,
        help_text="Optional: how the story was reported, who was asked, what could not be verified.",
    )
    unnamed_sources = models.BooleanField(
        "relies on unnamed sources",
        default=False,
        help_text="Tell readers the story relies on sources it does not name, with a link to the policy on them.",
    )

    objects = ArticlePageManager()

    content_panels = [
        TitleFieldPanel("title", heading="Headline"),
        FieldPanel("standfirst"),
        FieldPanel("dateline"),
        InlinePanel("bylines", heading="Byline", label="Author", min_num=1),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_alt"), FieldPanel("hero_caption")],
            heading="Main image",
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("also_in", widget=forms.CheckboxSelectMultiple), FieldPanel("tags")], heading="Filing"
        ),
        MultiFieldPanel(
            [
                FieldPanel("type_of_work"),
                FieldPanel("sponsor"),
                FieldPanel("reporting_note"),
                FieldPanel("unnamed_sources"),
            ],
            heading="Type of work and sourcing",
        ),
        InlinePanel(
            "notes",
            heading="Corrections and updates",
            label="Note",
            help_text="Published with the story, at its top, on the corrections page and in its feeds.",
        ),
        FieldPanel("comments_open"),
    ]

    parent_page_types = ["articles.SectionPage"]
    subpage_types = []

    # Readers search the folded text (dateline.core.folding); the plain fields
    # stay indexed for the admin's own search.
    # search_text holds the standfirst, dateline and body, folded as queries
    # are: indexing them again unfolded would only double the index.
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("first_published_at"),
        index.FilterField("path"),  # path: search's section filter (in_section)
        index.FilterField("depth"),
    ]

    related_count = 4
    # Kinds of story with more to show (live.LiveStoryPage) say so here, and
    # in the two methods below, read by listings and the page's metadata.
    is_live_story = False

    class Meta:
        verbose_name = "article"

    def clean(self):
        super().clean()
        if self.hero_image_id and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the image for readers who cannot see it."})
        if self.type_of_work == TypeOfWork.SPONSORED and not self.sponsor.strip():
            raise ValidationError({"sponsor": "Name who paid for this: readers are told."})

    @path("", name="story")
    @re_path(rf"^comments/page/(?P<comment_page>{LATER_PAGE})/$", name="comments_page")
    def story(self, request, comment_page=1):
        comment_page = int(comment_page)

        def comments_section():
            return discussion().section(request, self, comment_page)

        if request.GET.get("comment") or request.GET.get("replytocom"):
            # This copy shows one reader their own held comment or reply
            # form: it must never be stored by a cache, shared or private.
            response = self.render(request, context_overrides={"comments_section": comments_section()})
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            return response
        comments = fragment(request, f"article:{self.pk}:comments:{comment_page}", comments_section)
        return self.render(request, context_overrides={"comments_section": comments})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["section"] = self.section(request)
        depends_on(request, pagecache_tags.page(self.pk))
        # Each part is kept as rendered until something it shows changes
        # (dateline.pagecache.fragments): a new comment renders the comments
        # and the story part (its count) again, not the metadata; an edit to
        # a related story renders the story part and the metadata (which
        # share what they load), not the comments.
        context["metadata"] = fragment(
            request,
            f"article:{self.pk}:metadata:{request.path}",
            lambda: render_to_string("includes/metadata.html", {**context, **self.surroundings(request)}, request),
        )
        context["story"] = fragment(
            request,
            f"article:{self.pk}:story",
            lambda: render_to_string(
                "articles/includes/story.html",
                {**context, **self.surroundings(request), **discussion().summary(request, self)},
                request,
            ),
        )
        return context

    def surroundings(self, request):
        """What the story shows around its words: bylines, sections, tags
        and related stories. Loaded once per request; each call records
        what they show for the page or fragment being rendered."""
        loaded = getattr(request, "_dateline_surroundings", None)
        if loaded is None or loaded[0] != self.pk:
            section = self.section(request)
            bylines = list(self.bylines.select_related("author"))
            article_tags = list(self.tags.all())
            related = list(ArticlePage.objects.published().sibling_of(self, inclusive=False).newest(self.related_count))
            surroundings = {
                "section": section,
                "bylines": bylines,
                "other_sections": list(self.also_in.live().exclude(path=self.primary_section_path)),
                "article_tags": article_tags,
                "related_articles": related,
            }
            shown = [
                *cache_tags.story(self, authors=[byline.author for byline in bylines], article_tags=article_tags),
                *([cache_tags.section_listing(section.pk)] if section else []),
                *pagecache_tags.pages(related),
            ]
            loaded = request._dateline_surroundings = (self.pk, surroundings, shown)
        also_shows(request, *loaded[2])
        return loaded[1]

    def schema_overrides(self, request):
        """What this kind of story changes in its schema.org description (metadata.py)."""
        return {}

    def extra_feeds(self):
        """Feeds of this story's own, besides those of the site and its
        section: [(title, URL name, URL kwargs)] (metadata.py)."""
        return []

    def renditions_wanted(self):
        """{image: [filter spec]} for what readers' pages show (renditions.py)."""
        wanted = {}
        if self.hero_image:
            wanted[self.hero_image] = [
                *Filter.expand_spec(renditions.PICTURE),
                renditions.SHARE_IMAGE,
                renditions.WIDE_JPEG,
            ]
        for block in self.body:
            if block.block_type == "image" and block.value["image"]:
                wanted.setdefault(block.value["image"], []).extend(Filter.expand_spec(renditions.PICTURE))
        return wanted

    def image_ids(self):
        """The images the story shows: its hero and any in its body."""
        ids = [self.hero_image_id] if self.hero_image_id else []
        for block in self.body:
            if block.block_type == "image" and block.value["image"]:
                ids.append(block.value["image"].pk)
        return ids

    def section(self, request):
        """The section the story is filed under (its parent), without a query."""
        return self.section_among(SectionPage.of_site(request))

    def section_among(self, sections):
        return next((s for s in sections if s.path == self.primary_section_path), None)

    @property
    def primary_section_path(self):
        """The tree path of the section the article is filed under: its parent's."""
        return self.path[: -self.steplen]

    def save(self, *args, **kwargs):
        # Not a side effect: a column derived from the headline beside it,
        # which no SQL expression can compute (see dateline.core.folding).
        self.headline_key = headline_key(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "headline_key"}
        return super().save(*args, **kwargs)

    def body_text(self):
        """The story's words as plain text, without markup."""
        return strip_tags(" ".join(self.body.stream_block.get_searchable_content(self.body)))

    def search_text(self):
        """Everything a reader may search for, folded as queries are: the
        headline twice (it matters most), standfirst, dateline and body,
        then their ZWNJ compounds written as one word (folding.index_text).

        Remembered for the same content, because the search backend asks
        for each field three times per page it indexes."""
        source = (self.title, self.standfirst, self.dateline, self.body.get_prep_value())
        remembered = getattr(self, "_search_text", None)
        if remembered is None or remembered[0] != source:
            text = f"{self.title}\n{self.title}\n{self.standfirst}\n{self.dateline}\n{self.body_text()}"
            remembered = self._search_text = (source, index_text(text))
        return remembered[1]

    @cached_property
    def summary(self):
        """The standfirst, or else the opening words of the story, as
        WordPress builds an excerpt: for listings, never for the story itself."""
        if self.standfirst:
            return self.standfirst
        for block in self.body:
            if block.block_type == "paragraph":
                text = unescape(strip_tags(block.value.source.replace("</p>", "</p> ")))
                return Truncator(" ".join(text.split())).words(SUMMARY_WORDS, truncate="…")
        return ""

    @property
    def is_sponsored(self):
        return self.type_of_work == TypeOfWork.SPONSORED

    @cached_property
    def published_notes(self):
        """The corrections and updates readers see, oldest first. Like every
        child of a page, the rows are the published revision's: a draft's
        notes live in its revision until it is published."""
        return list(self.notes.all())

    @property
    def is_retracted(self):
        return any(note.kind == ArticleNote.Kind.RETRACTION for note in self.published_notes)

    @property
    def modified_at(self):
        """When readers last saw the story change: its last publication, or
        a later correction or update."""
        moments = [self.last_published_at, *(note.noted_at for note in self.published_notes)]
        moments = [moment for moment in moments if moment]
        return max(moments) if moments else None

    @property
    def was_updated(self):
        """True when the story was republished after first publication."""
        if not (self.first_published_at and self.last_published_at):
            return False
        return (self.last_published_at - self.first_published_at).total_seconds() > 60


class ArticleByline(Orderable):
    """One author on an article's byline, in byline order."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("articles.AuthorPage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["page", "author"], name="unique_author_per_byline")]


class ArticleNoteQuerySet(models.QuerySet):
    def published(self):
        """On stories a reader may see, newest first."""
        return self.filter(page__in=ArticlePage.objects.published().values("pk")).order_by("-noted_at", "-pk")

    def descendant_of(self, page):
        return self.filter(page__path__startswith=page.path)


class ArticleNote(models.Model):
    """A correction, clarification, update or retraction, published with the
    story at its top, on the corrections page and in the feeds. A retraction
    keeps the story online, clearly marked."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", gettext_lazy("Correction")
        CLARIFICATION = "clarification", gettext_lazy("Clarification")
        UPDATE = "update", gettext_lazy("Update")
        RETRACTION = "retraction", gettext_lazy("Retraction")

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = RichTextField(features=["bold", "italic", "link"], help_text="What was wrong, and what is right.")
    noted_at = models.DateTimeField("time", default=timezone.now, help_text="When the note was made, shown with it.")

    objects = ArticleNoteQuerySet.as_manager()

    panels = [FieldPanel("kind"), FieldPanel("text"), FieldPanel("noted_at")]

    class Meta:
        ordering = ["noted_at", "pk"]
        indexes = [models.Index(fields=["-noted_at"], name="articlenote_newest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.plain_text}"

    @property
    def plain_text(self):
        return " ".join(unescape(strip_tags(self.text.replace("</p>", "</p> "))).split())

    @property
    def corrects(self):
        """Whether it says the story was wrong or unclear (an update only adds to it)."""
        return self.kind != self.Kind.UPDATE


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="tagged_items")


class AuthorIndexPage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, Page):
    """/authors/: everyone who writes for the newsroom."""

    parent_page_types = ["articles.HomePage"]
    subpage_types = ["articles.AuthorPage"]
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = AuthorPage.objects.live().child_of(self).order_by("title")
        depends_on(request, pagecache_tags.page(self.pk), cache_tags.AUTHORS)
        return context


class AuthorPage(ReadOnlyPageMixin, KnownViewRestrictionsMixin, RoutablePageMixin, Page):
    """A writer's page: who they are and what they have written. The title is their name."""

    job_title = models.CharField(max_length=120, blank=True, help_text="e.g. “Middle East correspondent”.")
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        "newsroom.NewsImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        TitleFieldPanel("title", heading="Name"),
        FieldPanel("job_title"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]

    parent_page_types = ["articles.AuthorIndexPage"]
    subpage_types = []

    search_fields = [*Page.search_fields, index.SearchField("bio"), index.SearchField("job_title")]

    class Meta:
        verbose_name = "author"

    @path("", name="first_page")
    @re_path(rf"^page/(?P<page_number>{LATER_PAGE})/$", name="page")
    def listing(self, request, page_number=1):
        stories = listing_html(
            request,
            ArticlePage.objects.published().by_author(self),
            page_number,
            base_url=self.get_url(request),
            listing=cache_tags.author_listing(self.pk),
            empty_message=_("No published stories yet."),
            heading="h3",
        )
        depends_on(
            request,
            pagecache_tags.page(self.pk),
            cache_tags.author_listing(self.pk),
            *([image_tag(self.photo_id)] if self.photo_id else []),
        )
        return self.render(request, context_overrides={"stories": stories, "page_number": int(page_number)})

    def renditions_wanted(self):
        """{image: [filter spec]} for what readers' pages show (renditions.py)."""
        return {self.photo: [renditions.AUTHOR_PHOTO]} if self.photo else {}
