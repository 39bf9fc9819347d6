"""Stores the pages readers are sent, as they leave Django.

This is the outermost middleware, so the entry holds every header the
others add. It stores a response only when all of these hold:

- the request could be answered from the store (`store.cache_key`): a
  plain GET with no query string, from a reader with no session;
- the view said what the page shows (`dateline.pagecache.depends_on`);
- the response is a 200 that sets no cookie and is not private.

The reader who caused the render gets the entry's own answer (compressed,
with ETag and Last-Modified), so a miss and a later hit are the same bytes.
"""

import time

from django.conf import settings
from django.http import HttpResponse

from dateline.pagecache import REQUEST_ATTRIBUTE, Dependencies, tags
from dateline.pagecache.entries import Entry
from dateline.pagecache.store import cache_key, page_store, wsgi_path

UNSTORABLE_CACHE_CONTROL = ("private", "no-store", "no-cache")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.DATELINE_PAGE_CACHE

    def __call__(self, request):
        key = cache_key(request.META, wsgi_path(request)) if self.enabled and request.method == "GET" else None
        if key is None:
            return self.get_response(request)
        store = page_store()
        dependencies = Dependencies(epoch=store.clock.epoch())
        setattr(request, REQUEST_ATTRIBUTE, dependencies)
        response = self.get_response(request)
        if not (dependencies.storable and _storable(response)):
            return response
        now = time.time()
        expires_at = now + settings.DATELINE_PAGE_CACHE_MAX_AGE
        max_age = response.get("Cache-Control", "").partition("max-age=")[2].partition(",")[0]
        if max_age.strip().isdigit():
            expires_at = min(expires_at, now + int(max_age))
        if dependencies.expires_at is not None:
            expires_at = min(expires_at, dependencies.expires_at)
        if expires_at <= now:
            return response
        if not response.has_header("Cache-Control"):
            # Browsers keep the page but ask again each time: the answer is a
            # 304 from the front until the page changes.
            response["Cache-Control"] = "no-cache"
        entry = Entry.build(
            status=response.status_code,
            headers=list(response.items()),
            body=response.content,
            epoch=dependencies.epoch,
            tags={tags.SITE, *dependencies.tags},
            expires_at=expires_at,
        )
        if store.save(key, entry):
            store.offer_file(key, entry)
        status, headers, body = entry.respond(
            request.method,
            request.META.get("HTTP_ACCEPT_ENCODING", ""),
            request.META.get("HTTP_IF_NONE_MATCH", ""),
            request.META.get("HTTP_IF_MODIFIED_SINCE", ""),
            "miss",
        )
        answer = HttpResponse(body, status=int(status.split()[0]))
        for name, value in headers:
            answer[name] = value
        return answer


def _storable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in UNSTORABLE_CACHE_CONTROL)
