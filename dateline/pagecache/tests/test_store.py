"""The store's promises: a page rendered before a purge is never stored
with the old data, a purge reaches every process, and a process answers
pages it has validated from memory while nothing was purged."""

import os
import subprocess
import sys
import time

from dateline.pagecache.entries import Entry
from dateline.pagecache.store import page_store

KEY = "http://testserver/a-story/"


def entry(epoch, tags=("page:1",)):
    return Entry.build(
        status=200,
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=b"<p>The story</p>" * 50,
        epoch=epoch,
        tags=set(tags),
        expires_at=time.time() + 60,
    )


def test_a_page_whose_render_straddled_a_purge_is_not_stored(db):
    store = page_store()
    started_at = store.clock.epoch()
    store.purge(["page:1"])  # an editor publishes while the page renders
    assert store.save(KEY, entry(started_at)) is False
    assert store.lookup(KEY) is None
    assert store.save(KEY, entry(store.clock.epoch())) is True
    assert store.lookup(KEY) is not None


def test_a_purge_of_another_tag_keeps_the_page(db):
    store = page_store()
    store.save(KEY, entry(store.clock.epoch()))
    store.purge(["page:2", "listing:section:9"])
    assert store.lookup(KEY) is not None
    store.purge(["page:1"])
    assert store.lookup(KEY) is None


def test_a_purge_in_another_process_reaches_this_one(db):
    store = page_store()
    store.save(KEY, entry(store.clock.epoch()))
    assert store.lookup(KEY) is not None  # now validated in this process's memory
    purge = "from dateline.pagecache.store import page_store; page_store().purge(['page:1'])"
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {purge}"],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dateline.config.settings.test"},
    )
    assert store.lookup(KEY) is None


def test_validated_pages_are_answered_from_memory_until_the_epoch_moves(db, monkeypatch):
    store = page_store()
    store.save(KEY, entry(store.clock.epoch()))
    store.lookup(KEY)
    reads = []
    versions = store.clock.versions
    monkeypatch.setattr(store.clock, "versions", lambda tags: reads.append(tags) or versions(tags))
    for _ in range(3):
        assert store.lookup(KEY) is not None
    assert reads == [], "no lookup beyond the epoch while nothing was purged"
    store.purge(["page:2"])
    assert store.lookup(KEY) is not None
    assert reads == [("page:1",)], "after any purge, the page's own tags are checked once"


def test_looking_up_many_keys_answers_as_looking_up_each(db):
    store = page_store()
    keys = [f"{KEY}{n}/" for n in range(4)]
    for n, key in enumerate(keys[:3]):
        store.save(key, entry(store.clock.epoch(), tags=(f"page:{n}",)))
    store.lookup(keys[0])  # one validated in this process's memory, the others only stored
    store.purge(["page:1"])  # an edit of the second
    assert set(store.lookup_many(keys)) == {keys[0], keys[2]}
    assert [key for key in keys if store.lookup(key) is not None] == [keys[0], keys[2]]
