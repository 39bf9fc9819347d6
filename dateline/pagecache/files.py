"""Stored pages written as files, for nginx to answer without asking a node.

With DATELINE_FRONT_FILES on, each page the node stores is also written
under `DATELINE_HOME/front/pages/`, as nginx reads it with `try_files`
(deploy/nginx.conf.template): `<scheme>/<host><path>index.html`, and its
gzip copy beside it for `gzip_static`. nginx then answers the page itself,
conditional requests and HEAD included, at its own speed
(docs/deployment.md, bench/fronts.py).

A file is answered with the headers nginx's configuration gives it, not the
ones the node sent, so a page is written only when the two are the same:
the front's *profile* (frontconfig.py) holds the headers every page is sent
with, and a page with any other (a policy of its own, a max-age, a language
nginx would not name) stays with the node. Each profile has its own folder,
so nginx configured for an older one never answers a file written for a
newer one.

Purges are exact, as for the node's own store: an index beside the files
(SQLite, one per folder) lists each file's tags, the epoch it was rendered
at and when it expires. A purge deletes the files that show a purged tag
(in the purging process, and through the keeper, keeper.py, on every other
machine); the keeper also deletes each file when it expires, and after
missing purges (a lost subscription, a restart) checks every file against
the tags' versions.

Writing and deleting take the index's write lock, and a file is written
only if, under that lock, none of its tags was purged since it began
rendering: a purge either comes before (the page is not written) or waits
for the file and deletes it.
"""

import contextlib
import gzip
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
from pathlib import Path

logger = logging.getLogger("dateline.pagecache")

# A page that would expire sooner than this is left to the node: the keeper
# deletes expired files once a second.
SHORTEST_LIFE = 10.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,       -- under the profile's folder, without index.html
    epoch INTEGER NOT NULL,      -- the clock's epoch when rendering started
    expires_at REAL NOT NULL     -- seconds since the epoch
);
CREATE TABLE IF NOT EXISTS file_tags (
    tag TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS file_tags_by_tag ON file_tags (tag);
CREATE INDEX IF NOT EXISTS file_tags_by_path ON file_tags (path);
"""

PAGE = "index.html"
COMPRESSED = "index.html.gz"
# What nginx's $host can hold that a folder name may: a lower-case host name.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


class PageFiles:
    def __init__(self, folder, profile, clock):
        self.folder = Path(folder)
        self.profile = profile
        self.pages = self.folder / "pages" / profile.name
        self.clock = clock
        self._local = threading.local()

    # Writing

    def offer(self, key, entry):
        """`write`, unless the page's file is there already: the node's hits
        cost a look at the disk, and only a missing file a write."""
        path = self._path_if_answerable(key, entry)
        if path is None or (self.pages / path / PAGE).exists():
            return False
        return self._write(path, entry)

    def write(self, key, entry, now=None):
        """Write the stored page `entry` (for the page cache key `key`) as
        files, unless the front would answer it differently or a purge came
        since it began rendering. Returns whether it did."""
        path = self._path_if_answerable(key, entry, now)
        return path is not None and self._write(path, entry)

    def _path_if_answerable(self, key, entry, now=None):
        now = time.time() if now is None else now
        path = self.path_for(key)
        if path is None or entry.expires_at - now < SHORTEST_LIFE:
            return None
        if not self.profile.answers_as_node(entry, "/" + key.partition("://")[2].partition("/")[2]):
            return None
        return path

    def _write(self, path, entry):
        folder = self.pages / path
        with self._changing() as index:
            if any(version > entry.epoch for version in self.clock.versions(entry.tags)):
                return False
            index.execute("DELETE FROM file_tags WHERE path = ?", (path,))
            index.execute(
                "INSERT OR REPLACE INTO files (path, epoch, expires_at) VALUES (?, ?, ?)",
                (path, entry.epoch, entry.expires_at),
            )
            index.executemany("INSERT INTO file_tags (tag, path) VALUES (?, ?)", [(tag, path) for tag in entry.tags])
            folder.mkdir(parents=True, exist_ok=True)
            # The copy nginx checks second goes first: index.html is what
            # makes the page answerable. Times in whole seconds, as the
            # node's Last-Modified says.
            compressed = entry.bodies.get("gzip") or gzip.compress(entry.bodies["identity"], 6, mtime=0)
            _replace(folder / COMPRESSED, compressed, int(entry.last_modified))
            _replace(folder / PAGE, entry.bodies["identity"], int(entry.last_modified))
        return True

    def path_for(self, key):
        """The folder (relative to the profile's) for the page cache key
        `key`, as nginx builds it from `$scheme/$host$uri`, or None when
        nginx could not name it safely."""
        scheme, _, rest = key.partition("://")
        host, slash, path = rest.partition("/")
        if scheme not in ("http", "https") or not slash or not _HOST.fullmatch(host):
            return None
        try:
            # WSGI hands the path over as the request's bytes, decoded as
            # Latin-1; nginx looks up the same bytes.
            raw = ("/" + path).encode("latin-1")
        except UnicodeEncodeError:
            return None
        segments = raw.split(b"/")[1:]
        if segments[-1] != b"" or any(s in (b"", b".", b"..") or b"\0" in s for s in segments[:-1]):
            return None  # only addresses ending in a slash, which nginx would not rewrite
        return os.fsdecode(b"/".join([scheme.encode(), host.encode(), *segments[:-1]]))

    # Deleting

    def delete_tagged(self, tags, purged_at):
        """Delete every file that shows one of `tags` and was rendered before
        the purge at epoch `purged_at`: one rendered since shows the change
        (the announcement of a purge may arrive after it)."""
        with self._changing() as index:
            paths = [
                row[0]
                for row in index.execute(
                    "SELECT DISTINCT files.path FROM file_tags JOIN files ON files.path = file_tags.path"
                    " WHERE file_tags.tag IN (SELECT value FROM json_each(?)) AND files.epoch < ?",
                    (json.dumps(list(tags)), purged_at),
                )
            ]
            self._delete(index, paths)
        return len(paths)

    def delete_expired(self, now=None):
        now = time.time() if now is None else now
        with self._changing() as index:
            paths = [row[0] for row in index.execute("SELECT path FROM files WHERE expires_at <= ?", (now,))]
            self._delete(index, paths)
        return len(paths)

    def delete_stale(self):
        """Delete every file with a tag purged since it was rendered: the
        catching up after purges were missed."""
        with self._changing() as index:
            rows = index.execute(
                "SELECT files.path, files.epoch, json_group_array(file_tags.tag)"
                " FROM files LEFT JOIN file_tags ON file_tags.path = files.path GROUP BY files.path"
            ).fetchall()
            filed = [(path, epoch, [tag for tag in json.loads(tags) if tag is not None]) for path, epoch, tags in rows]
            names = sorted({tag for _, _, tags in filed for tag in tags})
            versions = {}
            for start in range(0, len(names), 1000):
                chunk = names[start : start + 1000]
                versions.update(zip(chunk, self.clock.versions(chunk), strict=True))
            stale = [path for path, epoch, tags in filed if any(versions[tag] > epoch for tag in tags)]
            self._delete(index, stale)
        return len(stale)

    def delete_unindexed(self):
        """Delete what the index does not list: another profile's folder, and
        files a process wrote before it died without committing them."""
        for other in (self.folder / "pages").glob("*"):
            if other != self.pages:
                shutil.rmtree(other, ignore_errors=True)
        with self._changing() as index:
            listed = {row[0] for row in index.execute("SELECT path FROM files")}
            removed = 0
            for page in self.pages.rglob(PAGE) if self.pages.exists() else ():
                if os.fsdecode(page.parent.relative_to(self.pages)) not in listed:
                    _unlink(page)
                    removed += 1
            for leftover in self.pages.rglob("*.tmp-*") if self.pages.exists() else ():
                _unlink(leftover)
        return removed

    def delete_all(self):
        with self._changing() as index:
            self._delete(index, [row[0] for row in index.execute("SELECT path FROM files")])

    def count(self):
        return self._index().execute("SELECT COUNT(*) FROM files").fetchone()[0]

    def _delete(self, index, paths):
        for path in paths:
            folder = self.pages / path
            _unlink(folder / PAGE)  # first: without it, nginx asks the node
            _unlink(folder / COMPRESSED)
        index.execute("DELETE FROM files WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(paths),))
        index.execute("DELETE FROM file_tags WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(paths),))

    # The index

    @contextlib.contextmanager
    def _changing(self):
        """The index inside a transaction holding its write lock, committed
        on success, rolled back on an exception."""
        index = self._index()
        index.execute("BEGIN IMMEDIATE")
        try:
            yield index
        except BaseException:
            index.rollback()
            raise
        index.commit()

    def _index(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a forked worker opens its own
            self.folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.folder / "index.sqlite3", timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # the files themselves are not synced either
            connection.executescript(SCHEMA)
            local.pid, local.connection = os.getpid(), connection
        return local.connection


def _replace(path, content, modified):
    """Write a file whole: nginx sees the old one or the new one, never a part."""
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        temporary.write_bytes(content)
        os.utime(temporary, (modified, modified))  # nginx's Last-Modified and ETag
        os.replace(temporary, path)
    except BaseException:
        _unlink(temporary)
        raise


def _unlink(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
