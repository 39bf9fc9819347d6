"""The supervisor's question "is any work due?" matches what the workers would do.

dateline/duework.py asks it in SQL, without Django; these tests ask it on the
suite's own database (SQLite or PostgreSQL) after changing things through
Django and Wagtail, so a schema change in either shows up here.
"""

import logging
import os
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from dateline import duework
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.comments.models import Comment, CommentPolicy
from dateline.comments.notifications import send_moderation_digest
from dateline.comments.tests.conftest import make_comment
from dateline.duework import (
    DEFAULT_IP_RETENTION_DAYS,
    DUE_WORK_SQL,
    NO_RUN_AFTER,
    TASK_BACKEND,
    DueWorkWatch,
    work_is_due,
)
from dateline.newsroom.models import BreakingNewsSettings


def due(at=None):
    connection.ensure_connection()
    return work_is_due(connection.connection, connection.vendor, at or timezone.now())


def test_a_quiet_site_has_nothing_due(demo_site):
    assert not due()


def test_a_task_queued_to_run_now_is_due(db):
    send_moderation_digest.enqueue()
    assert due()


def test_a_task_queued_for_later_is_due_when_its_time_comes(db):
    later = timezone.now() + timedelta(minutes=5)
    send_moderation_digest.using(run_after=later).enqueue()
    assert not due()
    assert due(at=later + timedelta(seconds=1))


def test_a_task_that_has_run_is_not_due(db):
    send_moderation_digest.enqueue()
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert not due()


def test_a_page_scheduled_to_go_live_is_due_at_its_time(demo_site):
    go_live = timezone.now() + timedelta(hours=1)
    story = ArticlePageFactory.build(title="Embargoed report", live=False, go_live_at=go_live, first_published_at=None)
    demo_site.sections["Middle East"].add_child(instance=story)
    story.save_revision().publish()  # approved, but waiting for its time
    assert not due()
    assert due(at=go_live + timedelta(seconds=1))


def test_a_live_page_is_due_to_come_down_at_its_expiry(demo_site):
    expiry = timezone.now() + timedelta(hours=1)
    story = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Short-lived", expire_at=expiry)
    assert not due()
    assert due(at=expiry + timedelta(seconds=1))
    story.unpublish()
    assert not due(at=expiry + timedelta(seconds=1))


def test_an_ip_address_is_due_to_be_forgotten_after_the_policys_retention(demo_site):
    policy = CommentPolicy.for_site(Site.objects.get(is_default_site=True))
    comment = make_comment(demo_site.article, ip_address="203.0.113.9")
    kept_until = comment.submitted_at + timedelta(days=policy.ip_retention_days)
    assert not due(at=kept_until - timedelta(minutes=1))
    assert due(at=kept_until + timedelta(minutes=1))
    policy.ip_retention_days = 7
    policy.save()
    assert due(at=comment.submitted_at + timedelta(days=7, minutes=1))
    Comment.objects.update(ip_address=None)
    assert not due(at=kept_until + timedelta(minutes=1))


def test_with_no_policy_saved_the_question_uses_the_policys_default_retention(db):
    CommentPolicy.objects.all().delete()
    assert CommentPolicy._meta.get_field("ip_retention_days").default == DEFAULT_IP_RETENTION_DAYS


# A site setting's table holds a row per site: read whole, it is still one
# page; failed purges are none but during a Redis outage, and any row answers.
SMALL_TABLES = ("newsroom_breakingnewssettings", "pagecache_failedpurge")


def test_the_question_reads_indexes_not_whole_tables(db):
    """Asked every few seconds: at 100,000 pages a table scan took 40-260 ms."""
    now = timezone.now()
    sql = DUE_WORK_SQL.format(p="%s")
    params = [TASK_BACKEND, NO_RUN_AFTER, now, now, now, now, now]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
            scans = [
                step
                for step in plan
                if step.startswith("SCAN ") and step != "SCAN CONSTANT ROW" and not step.endswith(SMALL_TABLES)
            ]
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a small table would be scanned anyway
            cursor.execute("EXPLAIN " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            scans = [step for step in plan if "Seq Scan" in step and not any(table in step for table in SMALL_TABLES)]
    assert plan
    assert scans == [], plan


def test_the_watch_asks_at_most_once_per_interval_and_survives_a_broken_database(tmp_path):
    broken = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "missing" / "site.sqlite3")}
    watch = DueWorkWatch(broken, interval=5)
    assert watch.due(100.0) is False  # the folder does not exist: logged, not raised
    assert watch.connection is None
    assert watch.next_check == pytest.approx(105.0)
    watch.postpone(60, 101.0)
    assert watch.next_check == pytest.approx(161.0)


def test_a_broken_database_is_a_warning_and_a_bug_is_an_error_with_its_traceback(tmp_path, monkeypatch, caplog):
    """An unreachable database is the weather: the watch asks again later.
    A bug in the question is not: it would stop scheduled publishing, so it
    is logged as an error with its traceback (and asked again all the same)."""
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "missing" / "site.sqlite3")}
    watch = DueWorkWatch(database, interval=5)
    with caplog.at_level(logging.WARNING, logger="dateline.duework"):
        assert watch.due(100.0) is False
    [weather] = caplog.records
    assert weather.levelno == logging.WARNING and weather.exc_info is None

    caplog.clear()
    database["NAME"] = str(tmp_path / "site.sqlite3")

    def a_bug(*args):
        raise TypeError("work_is_due() got an unexpected keyword argument")

    monkeypatch.setattr(duework, "work_is_due", a_bug)
    with caplog.at_level(logging.WARNING, logger="dateline.duework"):
        assert watch.due(200.0) is False
    [bug] = caplog.records
    assert bug.levelno == logging.ERROR
    assert bug.exc_info[0] is TypeError
    assert watch.next_check == pytest.approx(205.0)


SCHEDULE_A_STORY_AND_A_TASK = """
from datetime import timedelta

from dateline.cli import _django

_django()
from django.utils import timezone

from dateline.articles.models import ArticlePage, SectionPage
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.comments.notifications import send_moderation_digest

story = ArticlePageFactory.build(
    title="Embargoed report", slug="embargoed-report", live=False, first_published_at=None,
    go_live_at=timezone.now() + timedelta(seconds={seconds}),
)
SectionPage.objects.get(slug="middle-east").add_child(instance=story)
story.save_revision().publish()
print(story.url_path.split("/", 2)[2])
print(send_moderation_digest.enqueue().id)

# A comment from before the retention period, its address still kept.
from dateline.comments.models import Comment

aged = Comment.objects.create(
    article=SectionPage.objects.get(slug="middle-east").get_children().live().type(ArticlePage).first().specific,
    name="Old reader", email="old@example.org", body="An old comment.", status="approved",
    ip_address="203.0.113.7", submitted_at=timezone.now() - timedelta(days=31),
)
print(aged.pk)
"""


def fetch_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_does_due_work_without_a_resident_worker_or_cron(production_server):
    server = production_server
    resident = processes_at_rest(server)
    assert len(resident) == 4, resident  # the supervisor, granian and its two workers: no Django waiting for work

    output = server.run_python("-c", SCHEDULE_A_STORY_AND_A_TASK.format(seconds=6)).stdout.split()
    address, task_id, comment_id = f"{server.base}/{output[0]}", output[1].replace("-", ""), int(output[2])
    assert fetch_status(address) == 404, "not before its time"

    deadline = time.monotonic() + 60
    published = ran = forgotten = False
    while time.monotonic() < deadline and not (published and ran and forgotten):
        published = published or fetch_status(address) == 200
        statuses = server.sql(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE REPLACE(CAST(id AS TEXT), '-', '') = ?",
            (task_id,),
        )
        ran = statuses == [("SUCCESSFUL",)]
        forgotten = server.sql("SELECT ip_address FROM comments_comment WHERE id = ?", (comment_id,)) == [(None,)]
        time.sleep(0.5)
    assert published, "the story went live at its time, with no cron job"
    assert ran, "the queued task ran"
    assert forgotten, "the commenter's address was deleted after the retention period, with no cron job"

    assert len(processes_at_rest(server)) == 4, "the process that did the work has gone"


def processes_at_rest(server, wait=30):
    """The server's processes once no due-work run is under way (one may be,
    for work other tests left), waiting at most `wait` seconds."""
    deadline = time.monotonic() + wait
    while len(found := server_processes(server.process.pid)) > 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


def server_processes(group):
    """Command lines of the processes in the server's process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip())
            except (OSError, ProcessLookupError):
                continue
    return found


def test_a_breaking_news_banner_is_due_to_come_down_at_its_expiry(demo_site):
    expiry = timezone.now() + timedelta(minutes=10)
    banner = BreakingNewsSettings.for_site(Site.objects.get(is_default_site=True))
    banner.showing, banner.text, banner.expires_at = True, "Earthquake hits Homs", expiry
    banner.save()
    assert not due()
    assert due(at=expiry)
    assert due(at=expiry + timedelta(seconds=1))
    assert BreakingNewsSettings.take_down_expired(now=expiry + timedelta(seconds=1)) == 1
    assert not due(at=expiry + timedelta(seconds=1)), "taken down: nothing left to do"


def test_a_banner_switched_off_by_an_editor_is_not_due(demo_site):
    expiry = timezone.now() - timedelta(minutes=1)
    banner = BreakingNewsSettings.for_site(Site.objects.get(is_default_site=True))
    banner.showing, banner.text, banner.expires_at = False, "Yesterday's news", expiry
    banner.save()
    assert not due()
