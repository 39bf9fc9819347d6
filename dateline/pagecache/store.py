"""Where stored pages live, and which requests may be answered from them.

Entries are kept in the shared cache (the disk cache, or Redis), so every
worker process and every node can answer from a page any of them rendered,
and in a small memory of each process for the pages it answered lately.
Rendered parts of pages (fragments.py) are kept the same way, under keys
of their own.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.http.request import split_domain_port, validate_host

from dateline.pagecache.clock import LocalClock, RedisClock
from dateline.pagecache.files import PageFiles
from dateline.pagecache.frontconfig import FrontProfile

logger = logging.getLogger("dateline.pagecache")

ENTRY_PREFIX = "pagecache:entry:"
# Names are few (one per site and kind of lookup); the bound only guards
# against a flood of host names.
KEPT_VALUES = 256


def cache_key(environ, path=None):
    """The key of the page a request asks for, or None when it must go to
    Django: anything but a plain GET or HEAD of an address without a query
    string, by a reader without a session (editors always see fresh pages).

    The key holds the address as WSGI hands it over (the request's bytes as
    Latin-1 text): `environ`'s own, unless Django has already replaced it
    with its decoded text (the middleware passes `wsgi_path(request)`)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
        return None
    if "HTTP_AUTHORIZATION" in environ:
        return None
    cookies = environ.get("HTTP_COOKIE")
    if cookies and any(name in cookies for name in _PRIVATE_COOKIES):
        return None
    # Only what can change the page goes in the key, or a client could fill
    # the store with copies: the host name (without its port) when the site
    # serves it, and the scheme as the server or a trusted proxy saw it.
    host = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))[0]
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None  # Django refuses it (400)
    if path is None:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
    return f"{_scheme(environ)}://{host}{path}"


def wsgi_path(request):
    """The address of `request` as WSGI handed it to the front. Django
    decodes SCRIPT_NAME and PATH_INFO in place, in request.META (which is
    the environ), so the text is encoded back: the same key for any address
    that is UTF-8, which is every address a page of the site has."""
    return (request.META.get("SCRIPT_NAME", "") + request.path_info).encode("utf-8").decode("latin-1")


def _scheme(environ):
    """https or http: X-Forwarded-Proto counts only from a trusted proxy (DATELINE_TRUSTED_PROXIES)."""
    if environ.get("wsgi.url_scheme") == "https":
        return "https"
    try:
        peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
    except ValueError:
        return "http"
    trusted = any(peer in network for network in settings.DATELINE_TRUSTED_PROXIES)
    return "https" if trusted and environ.get("HTTP_X_FORWARDED_PROTO") == "https" else "http"


# Cookies that may change a page for the one reader who sends them.
_PRIVATE_COOKIES = (f"{settings.SESSION_COOKIE_NAME}=", "messages=")


class _Memory:
    """The entries one process answered lately, least recently used out first."""

    def __init__(self, limit_bytes):
        self.limit = limit_bytes
        self.size = 0
        self.items = OrderedDict()  # key: (entry, validated at epoch, size)
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key, entry, epoch):
        size = entry.size
        if size > self.limit // 4:
            return
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= old[2]
            self.items[key] = (entry, epoch, size)
            self.size += size
            while self.size > self.limit and self.items:
                _, (_, _, dropped) = self.items.popitem(last=False)
                self.size -= dropped

    def drop(self, key):
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= old[2]

    def clear(self):
        with self.lock:
            self.items.clear()
            self.size = 0


class PageStore:
    def __init__(self):
        self.cache = caches["default"]
        self.clock = _clock()
        self.memory = _Memory(settings.DATELINE_PAGE_CACHE_MEMORY)
        self.kept_values = {}  # name: (value, epoch when loaded, epoch last checked)
        self.files = _page_files(self.clock)

    def lookup(self, key):
        """The stored page for `key` if it is still fresh, else None."""
        epoch = self.clock.epoch()  # read before the versions: see clock.py
        now = time.time()
        remembered = self.memory.get(key)
        if remembered is not None:
            entry, validated_at, _ = remembered
            if not entry.fresh_at(now):
                self.memory.drop(key)
                return None
            if validated_at == epoch:
                return entry
        else:
            entry = self.cache.get(_entry_key(key))
            if entry is None or not entry.fresh_at(now):
                return None
        if any(version > entry.epoch for version in self.clock.versions(entry.tags)):
            self.memory.drop(key)
            return None
        self.memory.put(key, entry, epoch)
        return entry

    def lookup_many(self, keys):
        """`lookup` for several keys at once, {key: entry} for the fresh ones,
        reading the clock once and fetching what memory lacks in one call:
        with Redis each lookup is a round trip, and a search's twenty
        results are forty kept parts."""
        epoch = self.clock.epoch()
        now = time.time()
        found, unchecked, not_in_memory = {}, {}, []
        for key in keys:
            remembered = self.memory.get(key)
            if remembered is None:
                not_in_memory.append(key)
                continue
            entry, validated_at, _ = remembered
            if not entry.fresh_at(now):
                self.memory.drop(key)
            elif validated_at == epoch:
                found[key] = entry
            else:
                unchecked[key] = entry
        if not_in_memory:
            stored = self.cache.get_many([_entry_key(key) for key in not_in_memory])
            for key in not_in_memory:
                entry = stored.get(_entry_key(key))
                if entry is not None and entry.fresh_at(now):
                    unchecked[key] = entry
        if unchecked:
            tags = sorted({tag for entry in unchecked.values() for tag in entry.tags})
            versions = dict(zip(tags, self.clock.versions(tags), strict=True))
            for key, entry in unchecked.items():
                if any(versions[tag] > entry.epoch for tag in entry.tags):
                    self.memory.drop(key)
                else:
                    self.memory.put(key, entry, epoch)
                    found[key] = entry
        return found

    def save(self, key, entry):
        """Store a page unless a purge of one of its tags came after it
        started rendering (it may hold what that purge replaced)."""
        if any(version > entry.epoch for version in self.clock.versions(entry.tags)):
            return False
        timeout = max(1, int(entry.expires_at - time.time()))
        self.cache.set(_entry_key(key), entry, timeout)
        self.memory.drop(key)
        return True

    def offer_file(self, key, entry):
        """Write a stored page (not a fragment) as the front's file, if this
        machine lacks it."""
        if self.files is None:
            return
        try:
            self.files.offer(key, entry)
        except Exception:
            # The reader still gets the page; the front asks the node.
            logger.exception("Page cache: could not write %s for the front", key)

    def purge(self, tags):
        if not tags:
            return
        tags = sorted(set(tags))
        try:
            epoch = self.clock.purge(tags)
        except Exception as error:
            # The change is committed: keep its purge for the due work to
            # retry, rather than lose it or fail the editor's request.
            _failed_purges().objects.create(tags=tags, error=f"{type(error).__name__}: {error}")
            logger.exception("Page cache: could not purge %s; kept for the due work to retry", ", ".join(tags))
            return
        self._delete_files(tags, epoch)

    def _delete_files(self, tags, epoch):
        if self.files is not None:
            try:
                self.files.delete_tagged(tags, purged_at=epoch)
            except Exception:
                logger.exception(
                    "Page cache: could not delete the front's files for %s; the keeper deletes them"
                    " within %s s (dateline serve)",
                    ", ".join(tags),
                    settings.DATELINE_FRONT_CHECK_INTERVAL,
                )

    def retry_failed_purges(self):
        """Take the purges that failed, oldest first, until one fails again.
        Returns how many are left."""
        FailedPurge = _failed_purges()
        for failed in FailedPurge.objects.all():
            try:
                epoch = self.clock.purge(failed.tags)
            except Exception as error:
                failed.attempts += 1
                failed.error = f"{type(error).__name__}: {error}"
                failed.save(update_fields=["attempts", "error"])
                logger.warning("Page cache: a purge failed again (%s); retrying with the next due work", failed)
                break
            self._delete_files(failed.tags, epoch)
            failed.delete()
            logger.info("Page cache: a failed purge was taken (%s)", failed)
        return FailedPurge.objects.count()

    def kept(self, name, tags, load):
        """The value `load()` returns, kept in this process's memory until a
        purge of one of `tags`: for small lookups every render repeats (the
        site for a host name, the sections), which no Django or Wagtail
        cache refreshes on change. Keep only what no request alters."""
        epoch = self.clock.epoch()  # read before loading, as for a page
        item = self.kept_values.get(name)
        if item is not None:
            value, loaded_at, checked_at = item
            if checked_at == epoch or all(version <= loaded_at for version in self.clock.versions(tags)):
                self.kept_values[name] = (value, loaded_at, epoch)
                return value
        value = load()
        if len(self.kept_values) >= KEPT_VALUES:
            self.kept_values.clear()
        self.kept_values[name] = (value, epoch, epoch)
        return value

    def clear(self):
        """Forget everything (tests only)."""
        self.memory.clear()
        self.kept_values.clear()
        self.clock.clear()
        if self.files is not None:
            self.files.delete_all()


def _entry_key(key):
    return ENTRY_PREFIX + hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _clock():
    location = settings.CACHES["default"].get("LOCATION", "")
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        return RedisClock(location if isinstance(location, str) else location[0])
    return LocalClock(settings.DATELINE_HOME / "pagecache")


def _failed_purges():
    """The FailedPurge model, looked up when needed: this module is loaded
    (by the package) before Django's app registry is ready for models."""
    return apps.get_model("pagecache", "FailedPurge")


def _page_files(clock):
    """The front's page files, when DATELINE_FRONT_FILES is on and `dateline
    setup` or `serve` has written the front's configuration."""
    if not settings.DATELINE_FRONT_FILES:
        return None
    folder = settings.DATELINE_HOME / "front"
    profile = FrontProfile.load(folder)
    if profile is None:
        logger.warning("Page cache: DATELINE_FRONT_FILES is on, but %s has no profile: run dateline setup", folder)
        return None
    return PageFiles(folder, profile, clock)


_store = None
_store_lock = threading.Lock()


def page_store():
    """The process's one PageStore, made on first use."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                _store = PageStore()
    return _store
