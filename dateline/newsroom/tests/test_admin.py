"""Editors work in the Wagtail admin: page types, site settings, and an admin
that makes no request to any third-party host."""

import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from dateline.articles.models import ArticlePage, AuthorIndexPage, AuthorPage, HomePage, SectionPage
from dateline.newsroom.models import BrandingSettings


def draftail_text(text):
    """A rich text field's value as the admin's editor posts it."""
    block = {"key": "a", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}
    return json.dumps({"blocks": [block], "entityMap": {}})


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", email="editor@example.org", password="correct horse")


def test_editors_add_sections_under_home_and_articles_and_subsections_under_sections(client, editor, demo_site):
    client.force_login(editor)
    home = client.get(f"/admin/pages/{demo_site.home.pk}/add_subpage/").content.decode()
    assert f"/admin/pages/add/articles/sectionpage/{demo_site.home.pk}/" in home
    assert f"/admin/pages/add/core/standardpage/{demo_site.home.pk}/" in home
    assert "/admin/pages/add/articles/articlepage/" not in home
    assert "/admin/pages/add/articles/authorindexpage/" not in home  # there is one already
    others = demo_site.sections["Others"]
    section = client.get(f"/admin/pages/{others.pk}/add_subpage/").content.decode()
    assert f"/admin/pages/add/articles/articlepage/{others.pk}/" in section
    assert f"/admin/pages/add/live/livestorypage/{others.pk}/" in section
    assert f"/admin/pages/add/articles/sectionpage/{others.pk}/" in section  # a subsection
    assert SectionPage.can_create_at(demo_site.home)
    assert all(AuthorPage.can_create_at(index) for index in AuthorIndexPage.objects.all())
    assert not ArticlePage.can_create_at(demo_site.home)
    assert not HomePage.can_create_at(demo_site.home)


def test_article_editor_has_the_newsroom_fields(client, editor, demo_site):
    client.force_login(editor)
    html = client.get(f"/admin/pages/{demo_site.article.pk}/edit/").content.decode()
    for label in ["Headline", "Standfirst", "Dateline", "Byline", "Main image", "Alt text", "Also in sections", "Tags"]:
        assert label in html, label
    assert "gravatar.com" not in html


def test_footer_and_tagline_are_set_in_the_admin(client, editor, demo_site):
    client.force_login(editor)
    site = Site.objects.get(is_default_site=True)
    response = client.post(
        f"/admin/settings/newsroom/brandingsettings/{site.pk}/",
        {
            "tagline": "Reporting from Damascus since 2026",
            "footer_text": draftail_text("© Example News Ltd"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BrandingSettings.for_site(site).tagline == "Reporting from Damascus since 2026"
    html = client.get("/").content.decode()
    assert "Reporting from Damascus since 2026" in html
    assert "© Example News Ltd" in html


def test_site_name_comes_from_the_sites_setting(client, demo_site):
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Levant Ledger"
    site.save()
    html = client.get("/").content.decode()
    assert "<span>Levant Ledger</span>" in html
    assert "· Levant Ledger</title>" in html


@pytest.mark.browser
def test_admin_makes_no_third_party_request(browser_context, editor, demo_site):
    page = browser_context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    for address in [
        "/admin/",
        f"/admin/pages/{demo_site.home.pk}/",
        f"/admin/pages/{demo_site.article.pk}/edit/",
        "/admin/images/",
        "/admin/account/",
    ]:
        page.goto(address)
        page.wait_for_load_state("networkidle")
        assert page.locator("body").count() == 1
    # browser_context fails the test if anything left for another host.
