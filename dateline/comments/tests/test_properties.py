"""Every field takes the Big List of Naughty Strings and random Unicode:
never a 500, everything shown escaped exactly once, and nothing stored that
the reader did not send."""

from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.comments.models import Comment
from dateline.core.text import without_controls
from dateline.testing import DATA
from dateline.testing.comments import aged_token

BLNS = [
    line for line in (DATA / "blns.txt").read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")
]
VALID = {"comment": "An ordinary comment.", "name": "Rania", "email": "rania@example.org", "website": ""}
ANSWERS = {303, 400, 409}  # published or held; refused with a message; a duplicate
NAUGHTY = st.one_of(st.sampled_from(BLNS), st.text(max_size=400))


def expected_storage(field, value):
    """What the site may keep of what the reader sent: the same text, less
    control characters (line breaks and tabs kept in comments)."""
    if field == "comment":
        return without_controls(value)
    if field == "name":
        return " ".join(without_controls(value, keep=set()).split())
    return None  # email and website must be valid, and are then kept as Django normalises them


def shown_once(html, text):
    escaped = escape(text, quote=True)
    return escaped in html and (escaped == text or escape(escaped, quote=True) not in html)


@pytest.fixture
def unlimited(settings, approve_everything):
    settings.DATELINE_COMMENT_RATE_LIMITS = {"address": (10**9, 600), "email": (10**9, 600)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["comment", "name", "email", "website"]), value=NAUGHTY)
def test_naughty_strings_in_any_field(client, article, unlimited, field, value):
    data = {**VALID, field: value, "token": aged_token(article.pk)}
    if field == "comment":
        data["name"] = "Rania " + str(abs(hash(value)))  # so a repeated text is not a duplicate of itself
    before = Comment.objects.count()
    response = client.post(f"/comments/post/{article.pk}/", data)
    assert response.status_code in ANSWERS, (field, value, response.status_code)
    if response.status_code != 303:
        assert Comment.objects.count() == before
        html = response.content.decode()
        if field in ("comment", "name") and value.strip() and "\x00" not in value:
            # What the reader typed comes back to them, escaped once.
            assert shown_once(html, value.replace("\r\n", "\n") if field == "comment" else value) or not value.strip()
        return
    comment = Comment.objects.latest("pk")
    expected = expected_storage(field, value)
    if expected is not None:
        stored = comment.body if field == "comment" else comment.name
        assert stored == expected
    page = client.get(response["Location"]).content.decode()
    assert shown_once(page, comment.body)
    assert shown_once(page, comment.name)
    if comment.website:
        assert f'href="{escape(comment.website, quote=True)}" rel="nofollow ugc noopener"' in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.sampled_from([s for s in BLNS if "<" in s or "&" in s or '"' in s]))
def test_markup_in_a_comment_is_never_markup_on_the_page(client, article, unlimited, text):
    name = "Tester " + str(abs(hash(text)))
    response = client.post(
        f"/comments/post/{article.pk}/", {**VALID, "comment": text, "name": name, "token": aged_token(article.pk)}
    )
    assert response.status_code in (303, 409)
    if response.status_code == 303:
        comment = Comment.objects.latest("pk")
        page = client.get(response["Location"]).content.decode()
        shown = page.split(f'id="comment-{comment.pk}"', 1)[1]
        shown = shown.split('<div class="comment__text" dir="auto">', 1)[1].split("</div>", 1)[0]
        assert shown == escape(comment.body, quote=True)
