"""The front's keeper: keeps a node's page files true while `dateline serve` runs.

A purge deletes its files in the process that purges it (store.py). The
keeper, one process per node beside the workers, does the rest:

- it deletes each file when its page expires (checked every second);
- on PostgreSQL + Redis, it follows the purges every node publishes, so a
  purge on another machine deletes this machine's files at once, and after
  any gap in following (start-up, a lost connection) it checks every file
  against the tags' versions, deleting the stale;
- every DATELINE_FRONT_CHECK_INTERVAL seconds after a purge it checks every
  file anyway: a deletion that failed (a full disk, a locked index) is
  retried, never lost;
- when it stops, it deletes every file: a stopped node's pages would no
  longer be purged. After a crash, its start deletes what is stale.
"""

import logging
import signal
import threading
import time

from django.conf import settings

from dateline.pagecache.clock import RedisClock
from dateline.pagecache.store import page_store

logger = logging.getLogger("dateline.pagecache")


def keep(*, stopped=None, tick=1.0):
    """Keep the files until `stopped` is set (or SIGTERM or SIGINT)."""
    store = page_store()
    files = store.files
    if files is None:
        raise SystemExit("The front's keeper needs DATELINE_FRONT_FILES on and the front's configuration written.")
    if stopped is None:
        stopped = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopped.set())
    interval = settings.DATELINE_FRONT_CHECK_INTERVAL
    files.delete_unindexed()
    checked_at_epoch = store.clock.epoch()
    files.delete_stale()
    if isinstance(store.clock, RedisClock):
        store.clock.follow_purges(
            purged=lambda epoch, tags: files.delete_tagged(tags, purged_at=epoch), resumed=files.delete_stale
        )
    logger.info("Page cache: keeping the front's files in %s", files.pages)
    next_check = time.monotonic() + interval
    while not stopped.wait(tick):
        try:
            files.delete_expired()
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + interval
                epoch = store.clock.epoch()  # read before checking, as for a page
                if epoch != checked_at_epoch:
                    if stale := files.delete_stale():
                        logger.warning("Page cache: deleted %s stale file(s) a purge had left", stale)
                    checked_at_epoch = epoch
        except Exception:
            logger.exception("Page cache: could not check the front's files; trying again")
    files.delete_all()
