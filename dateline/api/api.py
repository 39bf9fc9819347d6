"""/api/v1/: a read-only JSON API for published stories, sections and
authors, with its OpenAPI description at /api/v1/openapi.json.

Built on django-ninja (which Wagtail 8 itself depends on) rather than
Wagtail's own API: Wagtail's API also routes writes, and serialises pages
from their model fields, so keeping private fields out would mean a
denylist to maintain. Here every route is a GET declared below and every
field is named in `schemas.py`.
"""

import time
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from ninja import NinjaAPI, Query, Schema, Status
from ninja import Path as PathParam
from ninja.errors import HttpError
from ninja.throttling import BaseThrottle
from pydantic import Field
from taggit.models import Tag
from wagtail.rich_text import expand_db_html

from dateline.api import schemas
from dateline.articles.models import ArticleByline, ArticlePage, AuthorPage, SectionPage
from dateline.articles.navigation import Navigation
from dateline.articles.syndication import PublicArticle
from dateline.core import ratelimit
from dateline.core.clients import client_ip
from dateline.core.links import absolute, absolute_html
from dateline.editions import lookups as editions

MAX_PAGE_SIZE = 100
MAX_ID = 2**31 - 1  # the largest id a database column holds


class ClientThrottle(BaseThrottle):
    """The site's own per-client limit (shared by all workers and nodes), the
    same one search uses, rather than ninja's: it knows the proxy setup."""

    def allow_request(self, request):
        limit, seconds = settings.DATELINE_SEARCH_RATE_LIMIT
        return ratelimit.hit("api", client_ip(request), limit=limit, seconds=seconds).allowed

    def wait(self):
        """Seconds until the current window (as ratelimit counts it) ends."""
        _, seconds = settings.DATELINE_SEARCH_RATE_LIMIT
        return max(1, seconds - int(time.time()) % seconds)


api = NinjaAPI(
    title="Dateline read API",
    version="1",
    description="Published stories, sections and authors. Read-only; rate limited per client.",
    urls_namespace="api",
    throttle=[ClientThrottle()],
)


class EditionQuery(Schema):
    language: str | None = Field(
        None, max_length=10, description="The edition's language code (en, ar, fa); the default edition if not given."
    )


class PageQuery(EditionQuery):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=f"Results per page, at most {MAX_PAGE_SIZE}.")


class ArticleFilters(PageQuery):
    section: str | None = Field(None, max_length=255, description="A section's slug.")
    tag: str | None = Field(None, max_length=255, description="A tag's slug.")
    author: str | None = Field(None, max_length=255, description="An author's slug.")
    since: date | None = Field(None, description="First published on or after this day.")
    until: date | None = Field(None, description="First published on or before this day.")


@contextmanager
def _edition(request, language):
    """The edition's home page, with its language active for the addresses
    and names built inside (the API's own addresses have no prefix)."""
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise HttpError(404, f"There is no edition in “{language}”.")
    with translation.override(language):
        home = editions.home(request)
        if home is None:
            raise HttpError(404, f"There is no edition in “{language}”.")
        yield home


def _paginate(request, queryset, query):
    paginator = Paginator(queryset, query.page_size)
    try:
        page = paginator.page(query.page)
    except InvalidPage as error:
        raise HttpError(404, f"There is no page {query.page}.") from error

    def address(number):
        params = request.GET.copy()
        params["page"] = number
        return absolute(f"{request.path}?{params.urlencode()}")

    return page, {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": address(page.next_page_number()) if page.has_next() else None,
        "previous": address(page.previous_page_number()) if page.has_previous() else None,
    }


def _articles():
    return (
        ArticlePage.objects.published()
        .select_related("hero_image")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleByline.objects.select_related("author")),
            "tagged_items__tag",
            Prefetch("also_in", queryset=SectionPage.objects.live()),
            "notes",
        )
    )


def _article(request, article, navigation):
    """The story as the feeds and the JSON-LD describe it too; the schema
    (schemas.ArticleSummary or Article) picks which of its fields to send."""
    return PublicArticle.of(
        article,
        request,
        section=navigation.section_of(article),
        authors=[byline.author for byline in article.bylines.all()],
        tags=[tagged.tag for tagged in article.tagged_items.all()],
        also_in=article.also_in.all(),
    )


@api.get("/", response={200: schemas.Index, 429: schemas.Problem}, summary="What this API offers", tags=["index"])
def index(request):
    """Where a client starts: the OpenAPI description, the documentation page and the resources."""

    def address(name):
        return absolute(reverse(f"api:{name}"))

    return {
        "title": api.title,
        "version": api.version,
        "description": api.description,
        "openapi": address("openapi-json"),
        "documentation": address("openapi-view"),
        "resources": {name: address(f"list_{name}") for name in ("articles", "sections", "authors")},
    }


@api.get(
    "/articles",
    response=schemas.answers(schemas.ArticleList),
    summary="Published stories, newest first",
    tags=["articles"],
)
def list_articles(request, filters: Query[ArticleFilters]):
    # No slug holds a NUL, and PostgreSQL refuses one in a query (a 500):
    # such a filter names nothing, like any unknown slug.
    if any("\x00" in (value or "") for value in (filters.section, filters.tag, filters.author)):
        raise Http404("No such section, tag or author.")
    with _edition(request, filters.language) as home:
        articles = _articles().descendant_of(home)
        if filters.section:
            section = SectionPage.in_edition(home, filters.section)
            articles = articles.in_section(section)
        if filters.tag:
            articles = articles.tagged(get_object_or_404(Tag, slug=filters.tag))
        if filters.author:
            author = get_object_or_404(AuthorPage.objects.live().descendant_of(home), slug=filters.author)
            articles = articles.by_author(author)
        articles = articles.first_published_between(filters.since, filters.until)
        page, meta = _paginate(request, articles.newest_first(), filters)
        navigation = Navigation.for_request(request)
        return {**meta, "results": [_article(request, article, navigation) for article in page.object_list]}


@api.get(
    "/articles/{article_id}",
    response=schemas.answers(schemas.Article, gone=True),
    summary="One published story, with its full text",
    tags=["articles"],
)
def get_article(request, article_id: int = PathParam(..., ge=1, le=MAX_ID)):
    article = _articles().select_related("locale").filter(pk=article_id).first()
    if article is None:
        if ArticlePage.objects.filter(pk=article_id, live=False, first_published_at__isnull=False).exists():
            return Status(410, {"detail": "This story has been withdrawn."})
        return Status(404, {"detail": "No published story has this id."})
    # Any edition's story, described in its own edition.
    with translation.override(article.locale.language_code):
        return _article(request, article, Navigation.for_request(request))


def _section(request, section, sections):
    above = section.ancestry(sections)
    return {
        "slug": section.slug,
        "title": section.title,
        "parent": above[-1].slug if above else None,
        "url": absolute(section.get_url(request)),
        "introduction": section.introduction,
        "feed": absolute(reverse("section_feed", kwargs={"slug": section.slug, "kind": "json"})),
    }


@api.get(
    "/sections",
    response=schemas.answers(schemas.SectionList),
    summary="The site's sections, subsections after their section, in menu order",
    tags=["sections"],
)
def list_sections(request, query: Query[EditionQuery]):
    with _edition(request, query.language):
        sections = Navigation.for_request(request).sections
        return {"results": [_section(request, section, sections) for section in sections]}


@api.get("/sections/{slug}", response=schemas.answers(schemas.Section), tags=["sections"])
def get_section(request, slug: str, query: Query[EditionQuery]):
    with _edition(request, query.language) as home:
        section = SectionPage.in_edition(home, slug, public=True)
        return _section(request, section, Navigation.for_request(request).sections)


def _author(request, author):
    return {
        "slug": author.slug,
        "name": author.title,
        "job_title": author.job_title,
        "url": absolute(author.get_url(request)),
        "bio_html": absolute_html(expand_db_html(author.bio)) if author.bio else "",
        "feed": absolute(reverse("author_feed", kwargs={"slug": author.slug, "kind": "json"})),
    }


@api.get(
    "/authors",
    response=schemas.answers(schemas.AuthorList),
    summary="Authors with a public page, by name",
    tags=["authors"],
)
def list_authors(request, query: Query[PageQuery]):
    with _edition(request, query.language) as home:
        authors = AuthorPage.objects.live().public().descendant_of(home).order_by("title", "pk")
        page, meta = _paginate(request, authors, query)
        return {**meta, "results": [_author(request, author) for author in page.object_list]}


@api.get("/authors/{slug}", response=schemas.answers(schemas.Author), tags=["authors"])
def get_author(request, slug: str, query: Query[EditionQuery]):
    with _edition(request, query.language) as home:
        return _author(request, get_object_or_404(AuthorPage.objects.live().public().descendant_of(home), slug=slug))
