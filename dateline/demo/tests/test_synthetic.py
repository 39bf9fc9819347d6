"""Synthetic articles from the bulk path are, to Wagtail, ordinary published pages."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.backends import get_search_backend

from dateline.articles.models import ArticlePage, SectionPage

COUNT = 130


@pytest.fixture
def synthetic(demo_site):
    out = StringIO()
    call_command("generate_articles", COUNT, batch_size=50, stdout=out)
    assert f"Generated {COUNT} synthetic articles (numbers 1-{COUNT})" in out.getvalue()
    return ArticlePage.objects.filter(slug__startswith="synthetic-article-").order_by("pk")


def test_tree_is_consistent(synthetic):
    assert synthetic.count() == COUNT
    assert Page.find_problems() == ([], [], [], [], [])
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count()


def test_synthetic_stories_are_english_in_the_english_editions_sections(synthetic, demo_site):
    english = demo_site.home.locale_id
    assert set(synthetic.values_list("locale_id", flat=True)) == {english}
    sections = {story.get_parent().pk for story in synthetic}
    assert set(SectionPage.objects.filter(pk__in=sections).values_list("locale_id", flat=True)) == {english}


def test_each_page_is_live_at_a_revision_that_holds_it(synthetic):
    for article in synthetic:
        assert article.live and not article.has_unpublished_changes
        assert article.live_revision_id == article.latest_revision_id is not None
        revision_page = article.live_revision.as_object()
        assert revision_page.title == article.title
        assert [b.author_id for b in revision_page.bylines.all()] == [b.author_id for b in article.bylines.all()]
        assert article.first_published_at == article.last_published_at


def test_history_and_usage_are_recorded_as_for_an_editors_page(synthetic):
    article = synthetic.last()
    assert list(PageLogEntry.objects.filter(page=article).values_list("action", flat=True).order_by("pk")) == [
        "wagtail.create",
        "wagtail.publish",
    ]
    author = article.bylines.first().author
    assert ReferenceIndex.get_references_to(author).filter(object_id=str(article.pk)).exists()


def test_each_page_is_in_the_search_index(synthetic):
    backend = get_search_backend()
    for article in synthetic[:: COUNT // 10]:
        # Every word of the headline, and of the standfirst, finds the story.
        assert article in list(backend.search(article.title.replace(":", ""), ArticlePage))
        assert article in list(backend.search(article.standfirst.replace(".", ""), ArticlePage))


def test_each_page_is_served_at_its_address(synthetic, client):
    for article in synthetic[:: COUNT // 10]:
        response = client.get(article.url)
        assert response.status_code == 200
        assert (
            f"Synthetic paragraph 1 of synthetic article {article.slug.rsplit('-', 1)[1]}." in response.content.decode()
        )


def test_each_page_opens_in_the_admin_editor(synthetic, client):
    editor = get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(editor)
    for article in synthetic[:: COUNT // 5]:
        response = client.get(f"/admin/pages/{article.pk}/edit/")
        assert response.status_code == 200
        assert article.title in response.content.decode()


def test_text_is_obviously_synthetic_and_listed_newest_first(synthetic, client):
    newest = synthetic.order_by("-first_published_at").first()
    assert newest.title.startswith(f"Synthetic article {COUNT}:")
    assert newest.standfirst.startswith("Synthetic standfirst")
    assert newest.title in client.get("/").content.decode()


def test_a_second_run_continues_the_numbering(synthetic):
    call_command("generate_articles", 3, stdout=StringIO())
    assert ArticlePage.objects.filter(slug=f"synthetic-article-{COUNT + 3}").exists()
    assert Page.find_problems() == ([], [], [], [], [])


def test_count_must_be_positive(demo_site):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_articles", 0, stdout=StringIO())


def test_needs_sections_to_fill(db):
    with pytest.raises(CommandError, match="no sections"):
        call_command("generate_articles", 5, stdout=StringIO())
