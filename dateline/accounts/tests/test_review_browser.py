"""The review workflow in a real browser (Debian's Chromium): a writer submits
a story to "Editors approval", an editor approves it from the admin, and
readers find it on the site."""

import pytest
from wagtail.models import WorkflowState

from dateline.articles.models import ArticleByline, ArticlePage
from dateline.testing.admin import choose_action, signed_in, staff_member
from dateline.testing.fixtures.browser import ARTIFACTS

pytestmark = pytest.mark.browser


def draft_story(writer, site):
    story = ArticlePage(title="Wheat arrives in Latakia", slug="wheat-arrives-in-latakia", owner=writer, live=False)
    story.body = [("paragraph", "<p>A grain ship docked on Thursday.</p>")]
    story.bylines = [ArticleByline(author=site.staff, sort_order=0)]
    site.sections["Middle East"].add_child(instance=story)
    story.save_revision(user=writer)
    return story


def screenshot(page, name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_writer_submits_editor_approves_reader_reads(new_browser_context, demo_site):
    writer = staff_member("wafa", "Writers")
    staff_member("elias", "Editors")
    story = draft_story(writer, demo_site)

    # The writer finishes the draft and submits it for review.
    desk = signed_in(new_browser_context, "wafa")
    desk.goto(f"/admin/pages/{story.pk}/edit/")
    desk.get_by_role("textbox", name="Standfirst").fill("The first grain shipment in months reached the port.")
    choose_action(desk, "Submit to Editors approval")
    desk.wait_for_url(lambda url: "/edit/" not in url)
    assert "has been submitted for moderation" in desk.content()
    state = WorkflowState.objects.for_instance(story).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    reader = new_browser_context().new_page()
    assert reader.goto(story.url).status == 404

    # The editor finds it awaiting review, opens it and approves it: it is published.
    editor = signed_in(new_browser_context, "elias")
    assert editor.get_by_text("Wheat arrives in Latakia").first.is_visible()
    editor.goto(f"/admin/pages/{story.pk}/edit/")
    screenshot(editor, "review-editor-approves")
    choose_action(editor, "Approve and Publish")
    editor.wait_for_url(lambda url: "/edit/" not in url)
    assert ArticlePage.objects.get(pk=story.pk).live

    reader.goto(story.url)
    assert reader.get_by_role("heading", level=1).inner_text() == "Wheat arrives in Latakia"
    assert "The first grain shipment in months reached the port." in reader.content()
    reader.goto("/")
    assert reader.get_by_role("link", name="Wheat arrives in Latakia").first.is_visible()
    assert desk.errors == [] and editor.errors == [], "JavaScript errors in the admin"
