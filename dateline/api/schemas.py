"""What the read API says about each thing: an allowlist of public fields.
Nothing else leaves the site (no emails, no drafts, no addresses, no
revision or owner data), because nothing else is named here."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from wagtail.rich_text import expand_db_html

from dateline.core.links import absolute_html


class Link(Schema):
    slug: str
    name: str
    url: str


class Image(Schema):
    url: str
    alt: str
    width: int
    height: int


class Section(Schema):
    slug: str
    title: str
    parent: str | None = Field(None, description="The slug of the section it is a subsection of, if it is one.")
    url: str
    introduction: str
    feed: str


class Author(Schema):
    slug: str
    name: str
    job_title: str
    url: str
    bio_html: str
    feed: str


class Note(Schema):
    """A correction, clarification, update or retraction, as the story shows it."""

    kind: str  # correction, clarification, update or retraction
    text_html: str
    noted_at: datetime

    @staticmethod
    def resolve_text_html(note):
        return absolute_html(expand_db_html(note.text))


class ArticleSummary(Schema):
    id: int
    uuid: UUID  # stays the same when the story's address changes
    url: str
    language: str  # the language code of the story's edition: en, ar, fa
    headline: str
    standfirst: str
    dateline: str
    type_of_work: str  # news, analysis, opinion, review or sponsored
    first_published_at: datetime
    last_published_at: datetime
    modified_at: datetime  # the later of the last publication and the newest note
    section: Link | None
    also_in: list[Link]
    authors: list[Link]
    tags: list[Link]
    image: Image | None


class Article(ArticleSummary):
    body_html: str
    notes: list[Note]  # oldest first


class Page(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class ArticleList(Page):
    results: list[ArticleSummary]


class SectionList(Schema):
    results: list[Section]


class AuthorList(Page):
    results: list[Author]


class Index(Schema):
    title: str
    version: str
    description: str
    openapi: str
    documentation: str
    resources: dict[str, str]


class Problem(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: list[dict]  # one entry per invalid parameter, as pydantic reports it


def answers(ok, *, gone=False):
    """The documented answers of a route: `ok` on success, or a problem."""
    return {200: ok, 404: Problem, 422: InvalidRequest, 429: Problem} | ({410: Problem} if gone else {})
