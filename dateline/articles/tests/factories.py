"""Factories for the page tree. Pages are published through Wagtail's own
revision path, as an editor's Publish button would."""

import factory
import wagtail_factories
from django.utils import timezone

from dateline.articles.models import ArticleByline, ArticlePage, AuthorIndexPage, AuthorPage, HomePage, SectionPage


class PublishedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def publish(page, create, extracted, **kwargs):
        if create and extracted is not False:
            page.save_revision().publish()


class HomePageFactory(PublishedPageFactory):
    title = "Front page"

    class Meta:
        model = HomePage


class SectionPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Section {n}")

    class Meta:
        model = SectionPage


class AuthorIndexPageFactory(PublishedPageFactory):
    title = "Authors"
    slug = "authors"

    class Meta:
        model = AuthorIndexPage


class AuthorPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Author {n}")
    job_title = "Reporter"

    class Meta:
        model = AuthorPage


class ArticlePageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Test story {n}")
    standfirst = factory.LazyAttribute(lambda page: f"What happened in {page.title}.")
    dateline = "Beirut"
    body = factory.LazyAttribute(lambda page: [("paragraph", f"<p>The body of {page.title}.</p>")])
    first_published_at = factory.LazyFunction(timezone.now)
    # ArticlePageFactory(parent=section, authors=[a, b]) puts both on the
    # byline, saved with the page and in its revision.
    bylines = factory.LazyAttribute(
        lambda page: [ArticleByline(author=author, sort_order=order) for order, author in enumerate(page.authors)]
    )

    class Params:
        authors = ()

    class Meta:
        model = ArticlePage
