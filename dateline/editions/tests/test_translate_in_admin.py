"""An editor starts a story's version in another edition from the admin
("Translate", Wagtail's simple_translation): a draft in that edition's
section, linked to the original, for the edition's editors to rewrite."""

import pytest
from wagtail.models import Locale

from dateline.accounts.tests.test_roles import member_of, refused
from dateline.articles.models import ArticleByline, ArticlePage


@pytest.fixture
def english_story(demo_site):
    story = ArticlePage(title="Aid reaches Deir Ezzur", slug="aid-reaches-deir-ezzur", body=[])
    story.bylines.add(ArticleByline(author=demo_site.staff))
    demo_site.sections["Middle East"].add_child(instance=story)
    story.save_revision().publish()
    return story


def test_an_editor_translates_a_story_into_the_arabic_edition(demo_site, english_story):
    _, client = member_of("Editors")
    arabic = Locale.objects.get(language_code="ar")
    response = client.post(f"/admin/translation/submit/page/{english_story.pk}/", {"locales": [arabic.pk]})
    assert response.status_code == 302

    draft = english_story.get_translation(arabic)
    assert not draft.live  # nothing reaches Arabic readers until an editor rewrites and publishes it
    arabic_section = demo_site.sections["Middle East"].get_translation(arabic)
    assert draft.get_parent().pk == arabic_section.pk
    assert client.get(f"/admin/pages/{draft.pk}/edit/").status_code == 200

    draft.title = "المساعدات تصل إلى دير الزور"
    draft.save_revision().publish()
    html = demo_site.article.__class__.objects.get(pk=english_story.pk)
    page = client.get(english_story.url).content.decode()
    assert 'hreflang="ar"' in page and "العربيّة</a>" in page
    assert html.title == "Aid reaches Deir Ezzur"


def test_a_writer_cannot_translate(demo_site, english_story):
    _, client = member_of("Writers")
    arabic = Locale.objects.get(language_code="ar")
    response = client.post(f"/admin/translation/submit/page/{english_story.pk}/", {"locales": [arabic.pk]})
    assert refused(response) or response.status_code == 404
    assert english_story.get_translation_or_none(arabic) is None
