"""The page cache's clock: which stored pages are still fresh.

Every purge takes a new *epoch*, a number that only grows (at least the
current time in microseconds, so it keeps growing even if the store is
wiped), and records it as the version of each tag it purges. A page is
stored with the epoch read before it started rendering; it is fresh while
none of its tags has a version above that epoch.

Readers check one number per request (the current epoch): while it has not
moved, a page a process has already validated is served from its memory
with no other lookup. Two stores, chosen with the cache:

- `LocalClock` (the embedded default): the epoch is eight bytes of a file
  that every worker process maps into memory, so reading it costs no system
  call; tag versions live in a disk cache that never evicts.
- `RedisClock` (production, several nodes): the epoch and the versions live
  in Redis, next to the shared cache, so a purge on one node reaches all.
  The purge also publishes its epoch, and each process keeps the epoch in
  its memory, kept current by a subscriber thread, so a hit asks Redis
  nothing. The thread reads the epoch each time its subscription is
  confirmed (a purge before that read is in it, one after is published to
  it), and pings Redis when it has been quiet. While it is not following
  (start-up, a lost connection, no answer for `RedisClock.TRUST` seconds),
  every read asks Redis instead: a page is answered stale no longer than a
  published epoch takes to arrive or, if the connection dies without a
  word, than TRUST seconds.

A purge sets the versions before it publishes the epoch, so no process can
validate a page against the new epoch with the old versions.
"""

import fcntl
import json
import logging
import mmap
import os
import struct
import threading
import time
from pathlib import Path

EPOCH = struct.Struct("<Q")

logger = logging.getLogger("dateline.pagecache")


def _next_epoch(current):
    return max(current + 1, time.time_ns() // 1000)


class LocalClock:
    def __init__(self, folder):
        import diskcache

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._file = open(folder / "epoch", "a+b")  # noqa: SIM115 (mapped for the life of the process)
        if self._file.seek(0, 2) < EPOCH.size:
            self._file.write(b"\0" * EPOCH.size)
            self._file.flush()
        self._epoch = mmap.mmap(self._file.fileno(), EPOCH.size)
        # Versions must not be evicted: a lost version would look like a tag
        # that was never purged.
        self._versions = diskcache.Cache(str(folder / "versions"), eviction_policy="none", timeout=5)

    def epoch(self):
        return EPOCH.unpack_from(self._epoch)[0]

    def versions(self, tags):
        get = self._versions.get
        return [get(tag, 0) for tag in tags]

    def purge(self, tags):
        fcntl.flock(self._file, fcntl.LOCK_EX)
        try:
            epoch = _next_epoch(self.epoch())
            with self._versions.transact():
                for tag in tags:
                    self._versions.set(tag, epoch)
            EPOCH.pack_into(self._epoch, 0, epoch)
        finally:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        return epoch

    def remember(self, name, value):
        """Keep a small value beside the versions, never evicted."""
        self._versions.set(f"remembered:{name}", value)

    def recall(self, name):
        return self._versions.get(f"remembered:{name}")

    def clear(self):
        """Forget every version (tests only: stored pages must be cleared too)."""
        self._versions.clear()
        EPOCH.pack_into(self._epoch, 0, 0)


class RedisClock:
    # One atomic step: a new epoch, every tag's version, the epoch itself,
    # then its announcement to every process that follows it ("epoch tag
    # tag…": tags have no spaces).
    PURGE = """
        local epoch = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, tonumber(ARGV[1]))
        for i = 3, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], epoch) end
        redis.call('SET', KEYS[1], epoch)
        redis.call('PUBLISH', ARGV[2], string.format('%d', epoch) .. ' ' .. table.concat(ARGV, ' ', 3))
        return epoch
    """
    # The subscriber pings Redis after PING_AFTER seconds without a word
    # from it, and the epoch in memory is trusted only until TRUST seconds
    # after Redis was last heard: a connection that dies silently (a cable,
    # a firewall) is noticed without waiting for TCP.
    PING_AFTER = 0.5
    TRUST = 1.0
    RECONNECT_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0)  # seconds, the last repeated

    def __init__(self, url, prefix="dateline:pagecache:"):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._redis = redis.Redis.from_url(url)
        self._epoch_key = prefix + "epoch"
        self._versions_key = prefix + "versions"
        self._remembered_key = prefix + "remembered"
        self._channel = prefix + "epochs"
        self._purge = self._redis.register_script(self.PURGE)
        # The subscriber's own connections. Without retries, a lost
        # connection raises at once: redis-py would otherwise reconnect and
        # resubscribe by itself, and the epochs published meanwhile would be
        # lost without a word. The name shows them in CLIENT LIST.
        self._subscriber = redis.Redis.from_url(
            url, retry=Retry(NoBackoff(), 0), socket_timeout=5, socket_connect_timeout=5, client_name=self._channel
        )
        self._followers = {}  # pid: _Follower, this process's only
        self._follower = _Follower(pid=None)  # this process's, once it has read the epoch
        self._purged = self._resumed = None  # follow_purges' callbacks

    def epoch(self):
        follower = self._follower
        if follower.pid != os.getpid():
            follower = self._follow()
        if time.monotonic() < follower.trusted_until:
            return follower.epoch
        return int(self._redis.get(self._epoch_key) or 0)  # not following: ask Redis

    def versions(self, tags):
        return [int(version or 0) for version in self._redis.hmget(self._versions_key, tags)]

    def purge(self, tags):
        epoch = int(
            self._purge(keys=[self._epoch_key, self._versions_key], args=[time.time_ns() // 1000, self._channel, *tags])
        )
        # This process's next read sees it at once, without waiting for its
        # own announcement. A process that only purges follows nothing.
        follower = self._followers.get(os.getpid())
        if follower is not None:
            follower.advance(epoch)
        return epoch

    def follow_purges(self, purged, resumed):
        """Follow the published epochs in this process, and call
        `purged(epoch, tags)` for each purge published from now on, and `resumed()`
        each time following starts, the first time included: purges
        published while not following were missed. Both are called from
        the subscriber thread; an exception from either counts as a lost
        subscription (logged; `resumed()` is called once following again)."""
        self._purged, self._resumed = purged, resumed
        self._follow()

    def remember(self, name, value):
        self._redis.hset(self._remembered_key, name, json.dumps(value))

    def recall(self, name):
        value = self._redis.hget(self._remembered_key, name)
        return None if value is None else json.loads(value)

    def clear(self):
        self._redis.delete(self._epoch_key, self._versions_key, self._remembered_key)
        follower = self._followers.get(os.getpid())
        if follower is not None:
            # The one step back the epoch takes. Read under the lock, so that
            # a purge just after the delete, announced or not, is kept.
            with follower.lock:
                follower.epoch = int(self._redis.get(self._epoch_key) or 0)

    def close(self):
        """Stop following in this process (tests): its thread ends within
        PING_AFTER seconds, and every read asks Redis."""
        follower = self._followers.get(os.getpid())
        if follower is not None:
            follower.trusted_until = 0.0
            follower.stopped.set()

    def _follow(self):
        """This process's follower, its thread started on first use. A
        forked worker has its parent's memory but not its threads, so a new
        process id starts anew."""
        pid = os.getpid()
        follower = self._followers.get(pid)
        if follower is None:
            made = _Follower(pid)
            # No lock: one inherited from the parent could be held for ever.
            follower = self._followers.setdefault(pid, made)
            if follower is made:
                for other in list(self._followers):
                    if other != pid:
                        del self._followers[other]  # the parent's: its thread did not come along
                threading.Thread(
                    target=self._keep_following, args=(made,), name="dateline-pagecache-epochs", daemon=True
                ).start()
        self._follower = follower
        return follower

    def _keep_following(self, follower):
        """The subscriber thread: follow the published epochs, and after any
        failure reconnect with a short backoff, every read asking Redis
        meanwhile."""
        lost_at = None
        failures = 0
        while not follower.stopped.is_set():
            pubsub = None
            try:
                pubsub = self._subscriber.pubsub()
                self._subscribe(follower, pubsub)
                if lost_at is not None:
                    logger.info("Page cache: following published epochs again after %.1f s", time.monotonic() - lost_at)
                lost_at, failures = None, 0
                self._listen(follower, pubsub)
            except Exception as error:
                follower.trusted_until = 0.0  # first: from now on every read asks Redis
                if follower.stopped.is_set():
                    break
                # The reason, without a traceback: Python 3.11 draws a
                # traceback's ^^^ markers with ast.parse, whose depth count
                # all threads share, so one formatted here can break an
                # ast.parse running in another (pytest-dev/pytest#10763).
                reason = f"{type(error).__name__}: {error}"
                if lost_at is None:
                    lost_at = time.monotonic()
                    logger.warning(
                        "Page cache: not following published epochs (%s: %s); every read asks Redis until it is back",
                        self._channel,
                        reason,
                    )
                else:
                    logger.debug("Page cache: still not following published epochs (%s)", reason)
                failures += 1
            finally:
                if pubsub is not None:
                    pubsub.close()
            if failures:
                follower.stopped.wait(self.RECONNECT_DELAYS[min(failures, len(self.RECONNECT_DELAYS)) - 1])

    def _subscribe(self, follower, pubsub):
        pubsub.subscribe(self._channel)
        sent = time.monotonic()
        while (message := self._receive(pubsub, sent)) is None or message["type"] != "subscribe":
            pass
        # Read only now: a purge before this read is in it, and one after it
        # is published to this subscription.
        follower.advance(int(self._subscriber.get(self._epoch_key) or 0))
        follower.trusted_until = time.monotonic() + self.TRUST
        if self._resumed is not None:
            self._resumed()

    def _listen(self, follower, pubsub):
        heard = pinged = time.monotonic()
        while True:
            message = self._receive(pubsub, heard)
            if follower.stopped.is_set():
                return
            now = time.monotonic()
            if message is not None:
                if message["type"] == "message":
                    epoch, _, tags = message["data"].partition(b" ")
                    follower.advance(int(epoch))
                    if self._purged is not None:
                        self._purged(int(epoch), tags.decode().split())
                elif message["type"] != "pong":
                    # A subscription remade or dropped behind our back may
                    # have missed epochs: start again from a fresh read.
                    raise ConnectionError(f"unexpected {message['type']} message on {self._channel}")
                heard = now
                follower.trusted_until = now + self.TRUST
            if now - max(heard, pinged) >= self.PING_AFTER:
                pubsub.ping()
                pinged = now

    def _receive(self, pubsub, heard):
        """The next message, or None after PING_AFTER seconds; raises once
        Redis has not been heard for TRUST seconds."""
        message = pubsub.get_message(timeout=self.PING_AFTER)
        if message is None and time.monotonic() - heard > self.TRUST:
            # One more look, not waiting: this thread may have been kept
            # from running (the GIL, a busy machine) while the answer came.
            message = pubsub.get_message(timeout=0)
            if message is None:
                raise TimeoutError(f"Redis has not answered for {time.monotonic() - heard:.1f} s")
        return message


class _Follower:
    """One process's copy of a RedisClock's epoch."""

    def __init__(self, pid):
        self.pid = pid
        self.epoch = 0  # the highest seen; purges only make it grow
        self.trusted_until = 0.0  # time.monotonic() until which `epoch` is current
        self.lock = threading.Lock()  # made in this process: never inherited held
        self.stopped = threading.Event()

    def advance(self, epoch):
        with self.lock:
            if epoch > self.epoch:
                self.epoch = epoch
