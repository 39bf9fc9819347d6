"""Page-tree rules editors meet in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dateline.articles.models import ArticleByline, ArticlePage, AuthorPage, HomePage, SectionPage
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.live.models import LiveStoryPage
from dateline.newsroom.models import NewsImage


def test_articles_live_only_in_sections_and_sections_only_under_home_or_a_section():
    assert ArticlePage.allowed_parent_page_models() == [SectionPage]
    assert SectionPage.allowed_parent_page_models() == [HomePage, SectionPage]
    assert SectionPage.allowed_subpage_models() == [SectionPage, ArticlePage, LiveStoryPage]
    assert ArticlePage.allowed_subpage_models() == []
    assert AuthorPage.allowed_subpage_models() == []


def test_hero_image_needs_alt_text(demo_site):
    image = NewsImage.objects.create(title="Desert", file="original_images/desert.jpg", width=800, height=600)
    article = demo_site.article
    article.hero_image = image
    article.hero_alt = "   "
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["hero_alt"] == ["Describe the image for readers who cannot see it."]
    article.hero_alt = "Army vehicles on a desert road"
    article.full_clean()


def test_an_author_appears_once_on_a_byline(demo_site):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleByline.objects.create(page=demo_site.article, author=demo_site.staff)


def test_article_headline_is_required(demo_site):
    with pytest.raises(ValidationError, match="title"):
        ArticlePageFactory(parent=demo_site.sections["Others"], title="")
