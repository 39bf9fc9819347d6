"""The review workflow in a real browser (Debian's Chromium): a writer submits
a story to "Editors approval", an editor approves it from the admin (at once,
or for a time set in the schedule dialog), and readers find it on the site."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
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


def test_an_editor_schedules_a_submitted_story_and_approves_it_for_that_time(new_browser_context, demo_site):
    writer = staff_member("wafa", "Writers")
    staff_member("elias", "Editors")
    story = draft_story(writer, demo_site)
    story.get_workflow().start(story, writer)

    # The editor sets the go-live time in the schedule dialog, then approves.
    # The admin's picker counts in minutes: two minutes ahead.
    go_live = timezone.localtime() + timedelta(minutes=2)
    editor = signed_in(new_browser_context, "elias")
    editor.goto(f"/admin/pages/{story.pk}/edit/")
    editor.get_by_role("button", name="Toggle status").click()
    editor.get_by_role("button", name="Set schedule").click()
    dialog = editor.get_by_role("dialog", name="Set publishing schedule")
    dialog.get_by_label(re.compile("go.live date/time", re.IGNORECASE)).fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # By keyboard: the date picker's pop-up may still lie over the button.
    dialog.get_by_role("button", name="Save schedule").press("Enter")
    editor.wait_for_load_state()
    choose_action(editor, "Approve and Publish")
    editor.wait_for_url(lambda url: "/edit/" not in url)
    assert editor.errors == [], "JavaScript errors in the admin"

    # Approved for that time: not live yet, and nowhere readers look.
    story.refresh_from_db()
    assert not story.live
    scheduled = story.revisions.get(approved_go_live_at__isnull=False)
    assert timezone.localtime(scheduled.approved_go_live_at).strftime("%H:%M") == go_live.strftime("%H:%M")
    reader = new_browser_context().new_page()
    assert reader.goto(story.url).status == 404

    # At that time the scheduler publishes it (dateline serve runs it on its
    # own: test_review.py waits for a real server to do so).
    with time_machine.travel(scheduled.approved_go_live_at + timedelta(seconds=1), tick=False):
        call_command("publish_scheduled", verbosity=0)
    assert reader.goto(story.url).status == 200
    reader.goto("/")
    assert reader.get_by_role("link", name="Wheat arrives in Latakia").first.is_visible()
