"""The supervisor's question "is any work due?" matches what the workers would do.

dateline/duework.py asks it in SQL, without Django; these tests ask it on the
suite's own database (SQLite or PostgreSQL) after changing things through
Django and Wagtail, so a schema change in either shows up here.
"""

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

from dateline.articles.tests.factories import ArticlePageFactory
from dateline.comments.notifications import send_moderation_digest
from dateline.duework import DUE_WORK_SQL, NO_RUN_AFTER, TASK_BACKEND, DueWorkWatch, work_is_due


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


def test_the_question_reads_indexes_not_whole_tables(db):
    """Asked every few seconds: at 100,000 pages a table scan took 40-260 ms."""
    now = timezone.now()
    sql = DUE_WORK_SQL.format(p="%s")
    params = [TASK_BACKEND, NO_RUN_AFTER, now, now, now]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [row[-1] for row in cursor.fetchall()]
            scans = [step for step in plan if step.startswith("SCAN ") and step != "SCAN CONSTANT ROW"]
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a small table would be scanned anyway
            cursor.execute("EXPLAIN " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            scans = [step for step in plan if "Seq Scan" in step]
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


SCHEDULE_A_STORY_AND_A_TASK = """
from datetime import timedelta

from dateline.cli import _django

_django()
from django.utils import timezone

from dateline.articles.models import SectionPage
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
"""


def fetch_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_serve_publishes_scheduled_stories_and_runs_queued_tasks_without_a_resident_worker(production_server):
    server = production_server
    resident = processes_at_rest(server)
    assert len(resident) == 4, resident  # the supervisor, granian and its two workers: no Django waiting for work

    output = server.run_python("-c", SCHEDULE_A_STORY_AND_A_TASK.format(seconds=6)).stdout.split()
    address, task_id = f"{server.base}/{output[0]}", output[1].replace("-", "")
    assert fetch_status(address) == 404, "not before its time"

    deadline = time.monotonic() + 60
    published = ran = False
    while time.monotonic() < deadline and not (published and ran):
        published = published or fetch_status(address) == 200
        statuses = server.sql(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE REPLACE(CAST(id AS TEXT), '-', '') = ?",
            (task_id,),
        )
        ran = statuses == [("SUCCESSFUL",)]
        time.sleep(0.5)
    assert published, "the story went live at its time, with no cron job"
    assert ran, "the queued task ran"

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
