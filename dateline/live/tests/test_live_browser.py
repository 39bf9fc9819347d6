"""Following a live story in a real browser (Debian's Chromium): an update
posted while the page is open is announced within seconds without a reload,
without moving what the reader is reading, and shown on request with focus
on it; an edit replaces it in place; anchors and share links land on it;
without JavaScript a reload shows it."""

import time

import pytest
from playwright.sync_api import expect

from dateline.demo.live_story import LIVE_STORY
from dateline.live.models import LiveStoryPage, LiveUpdate

pytestmark = pytest.mark.browser

# What the issue asks: every reader sees every update within 5 seconds.
WITHIN_MS = 5_000


def post(story, text, **fields):
    return LiveUpdate.objects.create(story=story, body=[("paragraph", f"<p>{text}</p>")], **fields)


def test_an_update_posted_while_the_page_is_open_is_announced_and_shown_on_request(browser_page, demo_site):
    story = LiveStoryPage.objects.get(slug=LIVE_STORY["slug"])
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 800})  # a phone
    page.goto(story.url)
    status = page.locator("[data-live-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    updates = page.locator("[data-update]")
    reading = updates.first.get_attribute("data-update")
    updates.first.scroll_into_view_if_needed()
    where = updates.first.bounding_box()["y"]

    posted = time.monotonic()
    update = post(story, "Shelling resumed at dusk near the airport.", headline="Shelling resumes")
    button = page.get_by_role("button", name="Show 1 new update")
    expect(button).to_be_visible(timeout=WITHIN_MS)
    assert time.monotonic() - posted < WITHIN_MS / 1000
    expect(status).to_have_text("1 new update")
    # Nothing moved under the reader: the update waits for the button.
    assert updates.first.get_attribute("data-update") == reading
    assert abs(updates.first.bounding_box()["y"] - where) < 1

    button.focus()
    page.keyboard.press("Enter")
    shown = page.locator(f"#update-{update.pk}")
    expect(shown).to_be_focused()
    expect(shown).to_contain_text("Shelling resumed at dusk")
    assert updates.first.get_attribute("data-update") == str(update.pk)
    expect(button).to_be_hidden()
    expect(status).to_have_text("")

    # An edit (a correction) replaces it where it is, without a reload.
    update.correction = "<p>It was near the river, not the airport.</p>"
    update.save()
    expect(shown.locator(".update__correction")).to_contain_text("near the river", timeout=WITHIN_MS)
    expect(button).to_be_hidden()

    # Its share link lands on it; so does its anchor.
    shown.get_by_role("link", name="Link to this update").click()
    page.wait_for_url(f"**{story.url}#update-{update.pk}")
    expect(page.locator(":target")).to_have_attribute("id", f"update-{update.pk}")
    assert page.evaluate("document.querySelector(':target').getBoundingClientRect().top") < 800


def test_without_javascript_a_reload_shows_the_new_update(new_browser_context, demo_site):
    story = LiveStoryPage.objects.get(slug=LIVE_STORY["slug"])
    page = new_browser_context(java_script_enabled=False).new_page()
    page.goto(story.url)
    expect(page.get_by_role("button", name="Show new updates")).to_be_hidden()
    update = post(story, "A second convoy is on its way.")
    page.reload()
    assert page.locator("[data-update]").first.get_attribute("data-update") == str(update.pk)
