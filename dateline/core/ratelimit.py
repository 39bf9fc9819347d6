"""Fixed-window rate limits kept in the shared cache (disk or Redis), so
every worker process and every node counts the same requests.

Keys are HMACs of what they count (an address, an email), so the cache
never holds a reader's address or email in the clear.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window resets


def _key(scope, subject, window_start):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{subject}".encode(), hashlib.sha256).hexdigest()
    return f"dateline:rate:{scope}:{digest[:32]}:{window_start}"


def hit(scope, subject, *, limit, seconds, now=None):
    """Count one request by `subject` in `scope`; allowed while within `limit` per `seconds`."""
    now = now or time.time()
    window_start = int(now // seconds) * seconds
    key = _key(scope, subject, window_start)
    if cache.add(key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
            count = 1
    return Verdict(allowed=count <= limit, retry_after=max(1, int(window_start + seconds - now)))
