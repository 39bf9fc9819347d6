"""A stored page: its body in each encoding and the headers to send with it.

An entry is built once, when the page is rendered, and answers every later
request as bytes and header lists prepared in advance: content negotiation
(Brotli, gzip or none), conditional requests (ETag, Last-Modified, 304) and
HEAD. The WSGI front (`front.py`) and the middleware (`middleware.py`) both
answer through `Entry.respond`, so a hit and a miss look the same.
"""

import gzip
import hashlib
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus

import brotli

# Only text compresses; images and the like are stored once.
COMPRESSIBLE = (
    "text/",
    "application/xml",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/javascript",
)
# Fast enough to run while a reader waits on a miss, within a few percent of the best ratio.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
MIN_COMPRESS = 256
# Headers an entry never replays: per-response or recomputed here.
DROPPED = {"content-length", "content-encoding", "set-cookie", "date", "etag", "last-modified", "vary", "x-cache"}


@dataclass
class Entry:
    status: int
    headers: list  # [(name, value)] of the original response, less DROPPED
    bodies: dict  # {"identity": bytes, "gzip": bytes, "br": bytes}
    etag: str
    last_modified: float  # seconds since the epoch
    epoch: int  # the clock's epoch when rendering started
    tags: tuple
    expires_at: float  # seconds since the epoch
    stored_at: float = 0.0
    # With a max-age for downstream caches, each answer says how old it is.
    sends_age: bool = False
    prepared: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, *, status, headers, body, epoch, tags, expires_at):
        named = {name.lower(): value for name, value in headers}
        content_type = named.get("content-type", "")
        bodies = {"identity": body}
        if content_type.startswith(COMPRESSIBLE) and len(body) >= MIN_COMPRESS:
            bodies["gzip"] = gzip.compress(body, GZIP_LEVEL, mtime=0)
            bodies["br"] = brotli.compress(body, quality=BROTLI_QUALITY)
        kept = [(name, value) for name, value in headers if name.lower() not in DROPPED]
        varies = [value for name, value in headers if name.lower() == "vary"]
        vary = ", ".join(dict.fromkeys(v.strip() for value in varies for v in value.split(",") if v.strip()))
        if "gzip" in bodies and "accept-encoding" not in vary.lower():
            vary = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        if vary:
            kept.append(("Vary", vary))
        now = time.time()
        return cls(
            status=status,
            headers=kept,
            bodies=bodies,
            etag=named.get("etag") or f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"',
            last_modified=_timestamp(named.get("last-modified")) or now,
            epoch=epoch,
            tags=tuple(sorted(tags)),
            expires_at=expires_at,
            stored_at=now,
            sends_age="max-age" in named.get("cache-control", ""),
        )

    def fresh_at(self, now):
        return now < self.expires_at

    @property
    def size(self):
        return sum(len(body) for body in self.bodies.values())

    def __getstate__(self):
        state = self.__dict__.copy()
        state["prepared"] = {}
        return state

    def respond(self, method, accept_encoding, if_none_match, if_modified_since, cache_status):
        """(status line, headers, body) for one request."""
        encoding = self._encoding(accept_encoding) if len(self.bodies) > 1 else "identity"
        not_modified = self._not_modified(if_none_match, if_modified_since)
        key = (encoding, not_modified, method == "HEAD", cache_status)
        prepared = self.prepared.get(key)
        if prepared is None:
            prepared = self.prepared[key] = self._prepare(*key)
        if self.sends_age:
            status, headers, body = prepared
            return status, [*headers, ("Age", str(int(time.time() - self.stored_at)))], body
        return prepared

    def _prepare(self, encoding, not_modified, head, cache_status):
        validators = [("ETag", self.etag), ("Last-Modified", formatdate(self.last_modified, usegmt=True))]
        if not_modified:
            kept = [(n, v) for n, v in self.headers if n.lower() in ("cache-control", "vary", "expires")]
            return "304 Not Modified", [*kept, *validators, ("X-Cache", cache_status)], b""
        body = self.bodies[encoding]
        headers = [*self.headers, *validators, ("Content-Length", str(len(body))), ("X-Cache", cache_status)]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        return f"{self.status} {HTTPStatus(self.status).phrase}", headers, b"" if head else body

    @staticmethod
    def _encoding(accept_encoding):
        if not accept_encoding:
            return "identity"
        if ";" not in accept_encoding:  # the usual header: no weights to read
            offered = {token.strip() for token in accept_encoding.split(",")}
        else:
            offered = set()
            for token in accept_encoding.split(","):
                name, _, params = token.strip().partition(";")
                weight = params.strip().removeprefix("q=")
                if not params or _positive(weight):
                    offered.add(name.strip())
        if "br" in offered:
            return "br"
        if "gzip" in offered:
            return "gzip"
        return "identity"

    def _not_modified(self, if_none_match, if_modified_since):
        if if_none_match:
            # Weak comparison (RFC 9110 13.1.2): the same page in any encoding.
            wanted = self.etag.removeprefix("W/")
            return if_none_match.strip() == "*" or any(
                tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(",")
            )
        if if_modified_since:
            since = _timestamp(if_modified_since)
            return since is not None and since >= int(self.last_modified)
        return False


def _timestamp(http_date):
    if not http_date:
        return None
    try:
        return parsedate_to_datetime(http_date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _positive(weight):
    try:
        return float(weight) > 0
    except ValueError:
        return False
