"""Posting live updates in the admin (issue 19): a short form an editor fills
on a phone, live at once, every post, edit and deletion logged; writers may
not post; a bad update is refused beside its field with nothing lost."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from dateline.accounts.tests.test_roles import member_of, refused
from dateline.demo.live_story import LIVE_STORY
from dateline.live.models import LiveStoryPage, LiveUpdate

ADD = "/admin/snippets/live/liveupdate/add/"


@pytest.fixture
def story(demo_site):
    return LiveStoryPage.objects.get(slug=LIVE_STORY["slug"])


def update_form(story, text, **fields):
    return nested_form_data(
        {
            "story": story.pk,
            "headline": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "author": "",
            "posted_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "correction": rich_text(""),
            **fields,
        }
    )


def saying(text):
    """The updates whose words include `text`."""
    return [update for update in LiveUpdate.objects.all() if text in update.text]


def test_an_editor_posts_an_update_from_the_story_and_it_is_live_at_once(client, story):
    editor, staff = member_of("Editors")
    # The story's page in the admin offers the short form, for this story.
    edit_page = staff.get(f"/admin/pages/{story.pk}/edit/").content.decode()
    assert f"{ADD}?story={story.pk}" in edit_page
    empty_form = staff.get(f"{ADD}?story={story.pk}").content.decode()
    assert f'<option value="{story.pk}" selected>' in empty_form

    author = story.bylines.first().author
    form = update_form(story, "Heavy fighting near the airport.", headline="Fighting at the airport", author=author.pk)
    answer = staff.post(ADD, form)
    assert answer.status_code == 302
    assert answer["Location"] == f"{ADD}?story={story.pk}"  # straight back to an empty form for the next one
    update = LiveUpdate.objects.get(headline="Fighting at the airport")
    assert (update.story, update.author, update.posted_by) == (story, author, editor)
    page = client.get(story.url).content.decode()
    assert f'id="update-{update.pk}"' in page and "Heavy fighting near the airport." in page
    assert "Heavy fighting near the airport." in client.get(f"{story.url}updates/latest/").content.decode()


def test_editing_and_deleting_an_update_is_logged_with_who_did_it(client, story):
    editor, staff = member_of("Editors")
    staff.post(ADD, update_form(story, "Ten trucks crossed."))
    [update] = saying("Ten trucks")
    edit = f"/admin/snippets/live/liveupdate/edit/{update.pk}/"
    answer = staff.post(edit, update_form(story, "Twelve trucks crossed.", pinned="on"))
    assert answer.status_code == 302
    update.refresh_from_db()
    assert update.pinned and "Twelve trucks" in update.text
    assert staff.post(f"/admin/snippets/live/liveupdate/delete/{update.pk}/").status_code == 302
    assert not LiveUpdate.objects.filter(pk=update.pk).exists()
    assert "Twelve trucks" not in client.get(story.url).content.decode()
    logged = ModelLogEntry.objects.filter(object_id=str(update.pk)).order_by("timestamp")
    assert [(entry.action, entry.user) for entry in logged] == [
        ("wagtail.create", editor),
        ("wagtail.edit", editor),
        ("wagtail.delete", editor),
    ]


def test_a_correction_is_added_to_an_update_already_posted(client, story):
    editor, staff = member_of("Editors")
    update = story.updates.order_by("-posted_at").first()
    edit = f"/admin/snippets/live/liveupdate/edit/{update.pk}/"
    fields = {"headline": update.headline, "correction": rich_text("<p>It was the 4th Legion.</p>")}
    staff.post(edit, update_form(story, update.text, **fields))
    update.refresh_from_db()
    assert update.corrected_at is not None
    assert "It was the 4th Legion." in client.get(story.url).content.decode()


def test_an_update_set_in_the_future_is_refused_and_what_was_typed_is_kept(story):
    editor, staff = member_of("Editors")
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    answer = staff.post(ADD, update_form(story, "Words the editor typed.", posted_at=later))
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "cannot be in the future" in html
    assert "Words the editor typed." in html
    assert not saying("Words the editor typed")


def test_writers_and_moderators_may_not_post_updates(story):
    for group in ("Writers", "Moderators"):
        _, staff = member_of(group)
        assert refused(staff.get(ADD)), group
        assert refused(staff.post(ADD, update_form(story, "Not allowed."))), group
    assert not saying("Not allowed")
