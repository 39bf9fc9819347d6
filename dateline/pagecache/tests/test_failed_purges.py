"""A purge the clock cannot take (Redis unreachable) is never lost: the
change is kept, the failure logged, and the due work retries it."""

import logging

import pytest
import redis
from django.db import connection
from django.utils import timezone

from dateline.duework import work_is_due
from dateline.pagecache.models import FailedPurge
from dateline.pagecache.store import page_store


@pytest.fixture
def logged():
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logging.getLogger("dateline.pagecache").addHandler(handler)
    yield records
    logging.getLogger("dateline.pagecache").removeHandler(handler)


@pytest.fixture
def redis_down(monkeypatch):
    """The clock's purges fail, as with Redis unreachable, until `.end()`."""
    clock = page_store().clock
    purge = clock.purge

    def unreachable(tags):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(clock, "purge", unreachable)

    class Outage:
        @staticmethod
        def end():
            monkeypatch.setattr(clock, "purge", purge)

    return Outage


def due_work():
    connection.ensure_connection()
    return work_is_due(connection.connection, connection.vendor, timezone.now())


def test_a_purge_that_fails_is_kept_logged_and_taken_by_the_due_work(front, purges, full_site, redis_down, logged):
    feature = full_site.feature
    front.get(feature.url)
    with purges():
        feature.title = "Aid convoys reach Deir Ezzur at last"
        feature.save_revision().publish()  # the editor's publish succeeds
    failed = FailedPurge.objects.count()  # one per purge the publish made
    assert failed and any(f"page:{feature.pk}" in purge.tags for purge in FailedPurge.objects.all())
    assert any("kept for the due work to retry" in record.getMessage() for record in logged)
    assert front.get(feature.url).cache == "hit"  # stale until the purge is taken
    assert due_work()

    assert page_store().retry_failed_purges() == failed  # Redis still down: all kept
    assert [purge.attempts for purge in FailedPurge.objects.all()] == [2] + [1] * (failed - 1)

    redis_down.end()
    assert page_store().retry_failed_purges() == 0
    assert not due_work()
    answer = front.get(feature.url)
    assert answer.cache == "miss" and b"reach Deir Ezzur at last" in answer.body
