"""A correction as an editor makes it in the admin (Debian's Chromium) and
as readers then meet it: on the story, in its JSON-LD, in the feeds and on
the corrections page."""

import json
import re

import pytest
from playwright.sync_api import expect

from dateline.testing.admin import choose_action, signed_in, staff_member

pytestmark = pytest.mark.browser

CORRECTION = "An earlier version said the army took Badiyeh on Monday; it was Tuesday."


def test_an_editor_publishes_a_correction_that_readers_see_everywhere(new_browser_context, demo_site):
    staff_member("elias", "Editors")
    story = demo_site.article
    editor = signed_in(new_browser_context, "elias")
    editor.goto(f"/admin/pages/{story.pk}/edit/")
    editor.get_by_role("button", name="Add note").click()
    editor.get_by_label("Kind").select_option("correction")
    text = editor.locator("#inline_child_notes-0 [contenteditable='true']")
    text.click()
    text.press_sequentially(CORRECTION)
    expect(text).to_contain_text(CORRECTION)
    # Draftail writes the field's hidden input a moment after the last keystroke.
    expect(editor.locator("#id_notes-0-text")).to_have_value(re.compile("Tuesday"))
    choose_action(editor, "Publish")
    editor.wait_for_url(lambda url: "/edit/" not in url)
    assert editor.errors == []

    reader = new_browser_context().new_page()
    reader.goto(story.url)
    notes = reader.get_by_role("region", name="Corrections and updates")
    assert CORRECTION in notes.inner_text()
    headline_box = reader.locator("h1").bounding_box()
    assert notes.bounding_box()["y"] < reader.locator(".story__body").bounding_box()["y"]
    assert headline_box["y"] < notes.bounding_box()["y"]
    described = [
        json.loads(script) for script in reader.locator("script[type='application/ld+json']").all_inner_texts()
    ]
    [article] = [item for item in described if item["@type"] == "ReportageNewsArticle"]
    assert [correction["text"] for correction in article["correction"]] == [CORRECTION]

    reader.get_by_role("contentinfo").get_by_role("link", name="Corrections and updates").click()
    reader.wait_for_url("**/corrections/")
    assert CORRECTION in reader.locator("main").inner_text()
    reader.get_by_role("link", name=story.title).click()
    assert "#note-" in reader.url

    feed = reader.request.get("/feeds/corrections/atom/").text()
    assert CORRECTION in feed and story.title in feed
    site_feed = reader.request.get("/feeds/atom/").text()
    assert CORRECTION in site_feed
