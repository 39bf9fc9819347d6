"""A story as it leaves the site: the one description of a published article
that the read API, the feeds and the JSON-LD share, every address absolute,
so a story reads the same wherever it is shown.

The callers load a page of stories with their bylines and tags in a few
queries; `PublicArticle.of` takes what they loaded, so describing a story
costs no query of its own (renditions aside: they are made at publish).
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils import translation

from dateline.articles import renditions
from dateline.articles.navigation import tag_url
from dateline.core.links import absolute, absolute_html


@dataclass(frozen=True)
class Link:
    """A section, an author or a tag, as a story names it."""

    slug: str
    name: str
    url: str


@dataclass
class Picture:
    url: str
    alt: str
    width: int
    height: int
    rendition: object  # the Wagtail rendition, for what the fields above leave out

    @classmethod
    def of(cls, article, spec):
        if not article.hero_image:
            return None
        rendition = article.hero_image.get_rendition(spec)
        return cls(absolute(rendition.url), article.hero_alt, rendition.width, rendition.height, rendition)

    @property
    def size(self):
        """In bytes, as an RSS enclosure gives it (a look at the file)."""
        return self.rendition.file.size


@dataclass
class PublicArticle:
    article: object  # the ArticlePage
    url: str
    section: Link | None
    also_in: list[Link]
    authors: list[Link]
    tags: list[Link]
    language: str  # the language code of the story's edition

    @classmethod
    def of(cls, article, request, *, section, authors, tags, also_in=()):
        """`section` (a SectionPage or None), `authors` (AuthorPages),
        `tags` and `also_in` (other SectionPages) as the caller loaded them,
        described in its edition, whose language the caller has made active."""

        def link(page):
            return Link(page.slug, page.title, absolute(page.get_url(request)))

        return cls(
            article=article,
            url=absolute(article.get_url(request)),
            section=link(section) if section else None,
            also_in=[link(other) for other in also_in if other.path != article.primary_section_path],
            authors=[link(author) for author in authors],
            tags=[Link(tag.slug, tag.name, absolute(tag_url(tag))) for tag in tags],
            language=translation.get_language(),
        )

    @property
    def id(self):
        return self.article.pk

    @property
    def uuid(self):
        """Stays the same when the story's address changes."""
        return self.article.translation_key

    @property
    def headline(self):
        return self.article.title

    @property
    def standfirst(self):
        return self.article.standfirst

    @property
    def summary(self):
        return self.article.summary

    @property
    def dateline(self):
        return self.article.dateline

    @property
    def first_published_at(self):
        return self.article.first_published_at

    @property
    def last_published_at(self):
        return self.article.last_published_at or self.article.first_published_at

    @property
    def modified_at(self):
        """Its last publication, or a later correction or update."""
        return self.article.modified_at or self.first_published_at

    @property
    def type_of_work(self):
        return self.article.type_of_work

    @property
    def notes(self):
        """Its corrections and updates, oldest first."""
        return self.article.published_notes

    @property
    def sections(self):
        """The section's name, then the others the story is also filed under."""
        return [link.name for link in [self.section, *self.also_in] if link]

    @cached_property
    def image(self):
        """The hero image at full width, for feeds and the API."""
        return Picture.of(self.article, renditions.WIDE_JPEG)

    @cached_property
    def share_image(self):
        """The hero image cropped as social sites show it, for Open Graph and JSON-LD."""
        return Picture.of(self.article, renditions.SHARE_IMAGE)

    @cached_property
    def body_html(self):
        return absolute_html("".join(block.render() for block in self.article.body))
