"""What a page tells search engines, feed readers and link previews about
itself: canonical address, description, Open Graph and Twitter card tags,
feeds, and schema.org JSON-LD (NewsArticle, BreadcrumbList, WebSite)."""

from dataclasses import dataclass, field

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Site

from dateline.articles.models import ArticlePage, AuthorPage, HomePage, SectionPage, TypeOfWork
from dateline.articles.syndication import PublicArticle
from dateline.core.links import absolute
from dateline.editions import lookups as editions
from dateline.newsroom.models import BrandingSettings, PolicySettings

LOGO_FILTER = "height-60|format-png"

# schema.org's type for each type of work (the Trust Project's labels).
SCHEMA_TYPES = {
    TypeOfWork.NEWS: "ReportageNewsArticle",
    TypeOfWork.ANALYSIS: "AnalysisNewsArticle",
    TypeOfWork.OPINION: "OpinionNewsArticle",
    TypeOfWork.REVIEW: "ReviewNewsArticle",
    TypeOfWork.SPONSORED: "AdvertiserContentArticle",
}


@dataclass
class Feed:
    title: str
    url: str
    media_type: str


@dataclass
class Metadata:
    canonical: str
    title: str
    description: str
    site_name: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    published: str = ""
    modified: str = ""
    section: str = ""
    tags: list = field(default_factory=list)
    feeds: list = field(default_factory=list)
    structured_data: list = field(default_factory=list)


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


# Each format's name, as the feed's link title says it (a reader's feed app shows it).
FEED_FORMATS = [
    (pgettext_lazy("feed format", "RSS"), "rss", "application/rss+xml"),
    (pgettext_lazy("feed format", "Atom"), "atom", "application/atom+xml"),
    (pgettext_lazy("feed format", "JSON Feed"), "json", "application/feed+json"),
]


def _feeds(title, url_name, **kwargs):
    """The three formats of the feed named `url_name` in dateline/discovery/urls.py."""
    return [
        Feed(f"{title} ({name})", reverse(url_name, kwargs={**kwargs, "kind": kind}), media_type)
        for name, kind, media_type in FEED_FORMATS
    ]


def _publisher(request, site_name, branding):
    logo = (
        branding.logo.get_rendition(LOGO_FILTER).url if branding and branding.logo else static("dateline/img/logo.png")
    )
    publisher = {
        "@type": "NewsMediaOrganization",
        "name": site_name,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(logo)},
    }
    # The newsroom's published standards, where it has named them.
    for name, _label, policy in PolicySettings.for_request(request).published():
        policy = editions.localized(request, policy)
        publisher[PolicySettings.SCHEMA_PROPERTIES[name]] = absolute(policy.get_url(request))
    return publisher


def _corrections(story):
    """The notes that correct the story, as schema.org's CorrectionComment
    (an update adds to a story without saying it was wrong: not one)."""
    return [
        {"@type": "CorrectionComment", "text": note.plain_text, "datePublished": _iso(note.noted_at)}
        for note in story.notes
        if note.corrects
    ]


def _breadcrumbs(trail):
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(url)}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def _sections_above(request, section):
    """(title, address) of each section a section sits under, outermost first."""
    return [(above.title, above.get_url(request)) for above in section.ancestry(SectionPage.of_site(request))]


def page_metadata(request, page, context):
    """The metadata of a page, from what its context already holds."""
    site = Site.find_for_request(request)
    site_name = site.site_name if site and site.site_name else "Dateline"
    branding = BrandingSettings.for_request(request) if site else None
    title = page.seo_title or page.title
    meta = Metadata(
        canonical=absolute(request.path),
        title=title,
        description=page.search_description or "",
        site_name=site_name,
        feeds=_feeds(site_name, "feed"),
    )
    edition = editions.current()
    home = (_("Home"), edition.prefix)
    specific = page.specific if hasattr(page, "specific") else page
    if isinstance(specific, ArticlePage):
        _article(meta, request, specific, context, site_name, branding, home)
    elif isinstance(specific, SectionPage):
        meta.description = (
            meta.description
            or specific.introduction
            or _("The latest %(section)s stories.") % {"section": specific.title}
        )
        meta.feeds += _feeds(specific.title, "section_feed", slug=specific.slug)
        trail = [home, *_sections_above(request, specific), (specific.title, request.path)]
        meta.structured_data.append(_breadcrumbs(trail))
    elif isinstance(specific, AuthorPage):
        meta.og_type = "profile"
        meta.description = (
            meta.description or specific.job_title or _("Stories by %(name)s.") % {"name": specific.title}
        )
        meta.feeds += _feeds(specific.title, "author_feed", slug=specific.slug)
    elif isinstance(specific, HomePage):
        meta.description = meta.description or specific.tagline or (branding.tagline if branding else "")
        tag = context.get("tag")
        if tag is not None:
            meta.feeds += _feeds(_("Stories tagged “%(name)s”") % {"name": tag.name}, "tag_feed", slug=tag.slug)
        elif "notes" in context:  # the corrections page
            meta.title = _("Corrections and updates")
            meta.description = _("Every correction, clarification, update and retraction, newest first.")
            meta.feeds += _feeds(_("Corrections and updates"), "corrections_feed")
        else:
            meta.structured_data.append(
                {
                    "@context": "https://schema.org",
                    "@type": "WebSite",
                    "name": site_name,
                    "url": absolute(edition.prefix),
                    "inLanguage": edition.language_code,
                    "potentialAction": {
                        "@type": "SearchAction",
                        "target": {
                            "@type": "EntryPoint",
                            "urlTemplate": absolute(reverse("search") + "?q={search_term_string}"),
                        },
                        "query-input": "required name=search_term_string",
                    },
                }
            )
    meta.description = meta.description or site_name
    return meta


def _given(context, key, otherwise):
    return context[key] if key in context else otherwise()


def _article(meta, request, article, context, site_name, branding, home):
    # The page's own context has these already (evaluated once, shared with
    # the template); they are looked up only when rendered without it.
    section = _given(context, "section", lambda: article.section(request))
    bylines = list(_given(context, "bylines", lambda: article.bylines.select_related("author")))
    tags = list(_given(context, "article_tags", article.tags.all))
    other_sections = list(_given(context, "other_sections", list))
    story = PublicArticle.of(
        article,
        request,
        section=section,
        authors=[byline.author for byline in bylines],
        tags=tags,
        also_in=other_sections,
    )
    meta.og_type = "article"
    meta.description = meta.description or story.summary
    meta.published = _iso(story.first_published_at)
    meta.section = story.section.name if story.section else ""
    meta.tags = [tag.name for tag in story.tags]
    if story.share_image:
        meta.image, meta.image_alt = story.share_image.url, story.share_image.alt
    publisher = _publisher(request, meta.site_name, branding)
    meta.modified = _iso(story.modified_at)
    described = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES[story.type_of_work],
        "headline": story.headline[:110],
        "description": meta.description,
        "datePublished": meta.published,
        "dateModified": meta.modified,
        "author": [{"@type": "Person", "name": author.name, "url": author.url} for author in story.authors],
        "publisher": publisher,
        "image": [meta.image] if meta.image else [publisher["logo"]["url"]],
        "mainEntityOfPage": {"@type": "WebPage", "@id": meta.canonical},
        "articleSection": story.sections,
        "keywords": meta.tags,
        "inLanguage": editions.current().language_code,
    }
    if corrections := _corrections(story):
        described["correction"] = corrections
    if story.type_of_work == TypeOfWork.SPONSORED:
        described["sponsor"] = {"@type": "Organization", "name": story.article.sponsor}
    described.update(article.schema_overrides(request))
    meta.structured_data.append(described)
    for title, url_name, kwargs in article.extra_feeds():
        meta.feeds += _feeds(f"{article.title}: {title}", url_name, **kwargs)
    trail = [home]
    if section:
        trail += [*_sections_above(request, section), (section.title, section.get_url(request))]
    trail.append((article.title, request.path))
    meta.structured_data.append(_breadcrumbs(trail))
