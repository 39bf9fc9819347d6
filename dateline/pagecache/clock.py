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

A purge sets the versions before it publishes the epoch, so no process can
validate a page against the new epoch with the old versions.
"""

import fcntl
import json
import mmap
import struct
import time
from pathlib import Path

EPOCH = struct.Struct("<Q")


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
    # One atomic step: a new epoch, every tag's version, then the epoch itself.
    PURGE = """
        local epoch = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, tonumber(ARGV[1]))
        for i = 2, #ARGV do redis.call('HSET', KEYS[2], ARGV[i], epoch) end
        redis.call('SET', KEYS[1], epoch)
        return epoch
    """

    def __init__(self, url, prefix="dateline:pagecache:"):
        import redis

        self._redis = redis.Redis.from_url(url)
        self._epoch_key = prefix + "epoch"
        self._versions_key = prefix + "versions"
        self._remembered_key = prefix + "remembered"
        self._purge = self._redis.register_script(self.PURGE)

    def epoch(self):
        return int(self._redis.get(self._epoch_key) or 0)

    def versions(self, tags):
        return [int(version or 0) for version in self._redis.hmget(self._versions_key, tags)]

    def purge(self, tags):
        return int(self._purge(keys=[self._epoch_key, self._versions_key], args=[time.time_ns() // 1000, *tags]))

    def remember(self, name, value):
        self._redis.hset(self._remembered_key, name, json.dumps(value))

    def recall(self, name):
        value = self._redis.hget(self._remembered_key, name)
        return None if value is None else json.loads(value)

    def clear(self):
        self._redis.delete(self._epoch_key, self._versions_key, self._remembered_key)
