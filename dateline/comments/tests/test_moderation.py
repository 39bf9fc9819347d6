"""The moderators' side: the queue in the Wagtail admin and who may use it."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from dateline.comments.models import Comment
from dateline.comments.tests.conftest import make_comment

QUEUE = "/admin/snippets/comments/comment/"


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user("moira", email="moira@example.org", password="pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def queue(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def comments(article):
    return {
        "pending": make_comment(article, status=Comment.Status.PENDING, name="Hana", body="Please look at this."),
        "approved": make_comment(article, name="Yusuf", body="Already published."),
        "spam": make_comment(article, status=Comment.Status.SPAM, name="Bot", body="cheap pills"),
        "trash": make_comment(article, status=Comment.Status.TRASH, name="Troll", body="rude words"),
    }


def rows(response):
    return re.findall(r"<tr[^>]*>.*?</tr>", response.content.decode(), re.S)[1:]


class TestTheQueue:
    def test_lists_comments_with_status_counts(self, queue, comments):
        response = queue.get(QUEUE)
        assert response.status_code == 200
        html = response.content.decode()
        for label, count in [("All", 3), ("Pending", 1), ("Approved", 1), ("Spam", 1), ("Trash", 1)]:
            assert f">{label} ({count})</a>" in html
        assert "Please look at this." in html and "Already published." in html
        assert "rude words" not in html  # trash only under its own tab

    def test_filters_by_status_article_and_date_and_searches(self, queue, comments, article):
        assert "rude words" in queue.get(QUEUE, {"status": "trash"}).content.decode()
        spam_only = queue.get(QUEUE, {"status": "spam"}).content.decode()
        assert "cheap pills" in spam_only and "Already published." not in spam_only
        by_article = queue.get(QUEUE, {"article": "Deir Ezzur"}).content.decode()
        assert "Please look at this." in by_article
        assert "Please look" not in queue.get(QUEUE, {"article": "no such story"}).content.decode()
        today = comments["pending"].submitted_at.date().isoformat()
        dated = queue.get(QUEUE, {"submitted_at_after": today, "submitted_at_before": today}).content.decode()
        assert "Please look at this." in dated
        searched = queue.get(QUEUE, {"q": "published"}).content.decode()
        assert "Already published." in searched and "Please look at this." not in searched

    def test_shows_the_spam_score(self, queue, article):
        make_comment(article, status=Comment.Status.PENDING, spam_score=0.73, body="hmm")
        assert "0.73" in queue.get(QUEUE).content.decode()

    def test_menu_shows_how_many_wait(self, queue, comments):
        make_comment(comments["pending"].article, status=Comment.Status.PENDING, body="another")
        assert "Comments (2 pending)" in queue.get("/admin/").content.decode()


class TestDecisions:
    @pytest.mark.parametrize(
        ("start", "action", "end"),
        [
            ("pending", "approve", "approved"),
            ("approved", "unapprove", "pending"),
            ("pending", "spam", "spam"),
            ("spam", "not-spam", "pending"),
            ("approved", "trash", "trash"),
            ("trash", "restore", "pending"),
        ],
    )
    def test_one_click_decisions(self, queue, comments, start, action, end):
        comment = comments[start]
        response = queue.post(f"/admin/comment-moderation/{comment.pk}/moderate/{action}/", {"next": QUEUE})
        assert response.status_code == 302
        assert response["Location"] == QUEUE
        comment.refresh_from_db()
        assert comment.status == end

    def test_decisions_need_a_post(self, queue, comments):
        assert queue.get(f"/admin/comment-moderation/{comments['pending'].pk}/moderate/approve/").status_code == 405

    def test_next_never_leaves_the_site(self, queue, comments):
        response = queue.post(
            f"/admin/comment-moderation/{comments['pending'].pk}/moderate/approve/", {"next": "https://evil.example/"}
        )
        assert response["Location"] == QUEUE

    def test_approved_comment_appears_on_the_article(self, queue, comments, client, article):
        queue.post(f"/admin/comment-moderation/{comments['pending'].pk}/moderate/approve/")
        client.logout()
        assert "Please look at this." in client.get(article.url).content.decode()

    def test_bulk_actions(self, queue, article):
        held = [make_comment(article, status=Comment.Status.PENDING, body=f"held {n}") for n in range(3)]
        url = "/admin/bulk/comments/comment/comment-approve/?" + "&".join(f"id={c.pk}" for c in held)
        confirm = queue.get(url)
        assert confirm.status_code == 200
        assert "Approve these 3 comments?" in confirm.content.decode()
        assert queue.post(url).status_code == 302
        assert set(Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("status", flat=True)) == {"approved"}
        spam_url = "/admin/bulk/comments/comment/comment-spam/?" + "&".join(f"id={c.pk}" for c in held)
        queue.post(spam_url)
        assert set(Comment.objects.filter(pk__in=[c.pk for c in held]).values_list("status", flat=True)) == {"spam"}

    def test_reply_as_staff(self, queue, comments, moderator, client, article):
        parent = comments["approved"]
        assert queue.get(f"/admin/comment-moderation/{parent.pk}/reply/").status_code == 200
        response = queue.post(
            f"/admin/comment-moderation/{parent.pk}/reply/", {"body": "Thanks, we have corrected it."}
        )
        assert response.status_code == 302
        reply = Comment.objects.get(body="Thanks, we have corrected it.")
        assert (reply.parent, reply.status, reply.staff_author) == (parent, "approved", moderator)
        client.logout()
        html = client.get(article.url).content.decode()
        assert '<span class="comment__badge">Staff</span>' in html

    def test_edit_a_comment(self, queue, comments):
        comment = comments["pending"]
        url = f"{QUEUE}edit/{comment.pk}/"
        assert queue.get(url).status_code == 200
        response = queue.post(url, {"name": comment.name, "email": comment.email, "website": "", "body": "Edited."})
        assert response.status_code == 302
        comment.refresh_from_db()
        assert (comment.body, comment.status) == ("Edited.", "pending")

    def test_the_edit_form_cannot_change_a_status_and_the_decisions_refresh_the_cached_page(
        self, queue, comments, article, front, purges
    ):
        """Regression: trashing an approved comment through the edit form left
        it on the cached article page (the form saved the status without the
        purge, the filter's training or the moderator's name)."""
        comment = comments["approved"]
        front.get(article.url)
        assert front.get(article.url).cache == "hit"
        url = f"{QUEUE}edit/{comment.pk}/"
        assert 'name="status"' not in queue.get(url).content.decode()
        fields = {"name": comment.name, "email": comment.email, "website": "", "body": comment.body}
        with purges():
            assert queue.post(url, {**fields, "status": "trash"}).status_code == 302
        comment.refresh_from_db()
        assert comment.status == "approved"
        answer = front.get(article.url)
        assert b"Already published." in answer.body
        with purges():
            queue.post(f"/admin/comment-moderation/{comment.pk}/moderate/trash/")
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by.username) == ("trash", "moira")
        answer = front.get(article.url)
        assert answer.cache == "miss" and b"Already published." not in answer.body


class TestWhoMayModerate:
    def test_moderators_see_the_queue_and_nothing_else(self, queue, demo_site):
        assert queue.get(QUEUE).status_code == 200
        assert queue.get(f"/admin/pages/{demo_site.article.pk}/edit/").status_code in (302, 403)
        assert queue.get("/admin/images/").status_code in (302, 403)
        assert queue.get("/admin/pages/").status_code in (302, 403)
        html = queue.get("/admin/").content.decode()
        assert '"url": "/admin/snippets/comments/comment/"' in html

    def test_editors_without_the_permission_do_not(self, client, comments):
        editor = get_user_model().objects.create_user("ed", password="pw")
        editor.groups.add(Group.objects.get(name="Editors"))
        client.force_login(editor)
        assert client.get(QUEUE).status_code in (302, 403)
        response = client.post(f"/admin/comment-moderation/{comments['pending'].pk}/moderate/approve/")
        assert response.status_code in (302, 403)
        comments["pending"].refresh_from_db()
        assert comments["pending"].status == "pending"

    def test_readers_do_not(self, client, comments):
        response = client.post(f"/admin/comment-moderation/{comments['pending'].pk}/moderate/approve/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


class TestCommenterData:
    def test_export_downloads_everything_about_one_commenter(self, queue, comments):
        response = queue.post("/admin/comment-moderation/commenter-data/", {"email": "omid@example.org", "export": "1"})
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
        data = json.loads(response.content)
        assert {c["comment"] for c in data["comments"]} == {
            "Please look at this.",
            "Already published.",
            "cheap pills",
            "rude words",
        }

    def test_erase_deletes_their_comments(self, queue, comments):
        response = queue.post("/admin/comment-moderation/commenter-data/", {"email": "omid@example.org", "erase": "1"})
        assert response.status_code == 302
        assert not Comment.objects.filter(email="omid@example.org").exists()
