"""Moderators hear about held comments by email, in a digest, off the request path."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dateline.comments.models import Comment

# The worker closes its database connection when it is done, as a worker
# process should; these tests therefore commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def moderators(db):
    group = Group.objects.get(name="Moderators")
    people = []
    for name in ("moira", "musa"):
        user = get_user_model().objects.create_user(name, email=f"{name}@newsroom.example", password="pw")
        user.groups.add(group)
        people.append(user)
    get_user_model().objects.create_user("editor", email="editor@newsroom.example", password="pw")
    return people


def run_worker():
    call_command(
        "db_worker", "--batch", "--backend", "background", "--no-startup-delay", "--queue-name", "*", stdout=StringIO()
    )


def test_held_comments_make_one_digest(reader, policy, moderators, client, django_capture_on_commit_callbacks):
    policy.digest_minutes = 0
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert reader.post(comment=f"Held comment {n}", email=f"r{n}@example.org").status_code == 303
    assert mail.outbox == []  # nothing was sent while the readers waited
    assert DBTaskResult.objects.count() == 1  # three held comments, one digest
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "3 comments are waiting for moderation"
    assert sorted(message.to) == ["moira@newsroom.example", "musa@newsroom.example"]
    for n in range(3):
        assert f"Held comment {n}" in message.body
    assert "first comment from this commenter" in message.body
    # Regression: the link went to /admin/comments/, which answers 404.
    link = re.search(r"Moderate them at (\S+)", message.body).group(1)
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL)
    client.force_login(moderators[0])
    queue = client.get(link.removeprefix(settings.WAGTAILADMIN_BASE_URL))
    assert queue.status_code == 200
    assert "Held comment 2" in queue.content.decode()
    assert set(Comment.objects.values_list("notified_at", flat=True)) != {None}


def test_the_next_held_comment_gets_the_next_digest(reader, policy, moderators, django_capture_on_commit_callbacks):
    policy.digest_minutes = 0
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(comment="First batch")
    run_worker()
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(comment="Second batch", email="later@example.org")
    run_worker()
    assert [m.subject for m in mail.outbox] == ["1 comment is waiting for moderation"] * 2
    assert "Second batch" in mail.outbox[1].body and "First batch" not in mail.outbox[1].body


def test_a_digest_waits_for_the_grouping_window(reader, policy, moderators, django_capture_on_commit_callbacks):
    policy.digest_minutes = 10
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(comment="Held for later")
    run_worker()
    assert mail.outbox == []  # due in ten minutes, not now


def test_published_comments_send_nothing(reader, approve_everything, moderators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(comment="Straight out")
    assert DBTaskResult.objects.count() == 0
