"""The front: answers stored pages before Django's request handler runs.

`dateline serve` runs `PageCacheFront(get_wsgi_application())` (see
dateline/config/wsgi.py). For a request that may be answered from the store,
a hit costs a dictionary lookup and one read of the clock's epoch: no URL
resolving, no middleware, no database connection, no template. Anything
else, and every miss, goes to Django unchanged. With nginx answering stored
pages from files (files.py), a hit here means this machine has no file for
the page (another node stored it): the hit writes it.
"""

from django.conf import settings

from dateline.pagecache.store import cache_key, page_store


class PageCacheFront:
    def __init__(self, application):
        self.application = application
        self.enabled = settings.DATELINE_PAGE_CACHE

    def __call__(self, environ, start_response):
        key = cache_key(environ) if self.enabled else None
        if key is None:
            return self.application(environ, start_response)
        store = page_store()
        entry = store.lookup(key)
        if entry is None:
            return self.application(environ, start_response)
        store.offer_file(key, entry)  # with nginx in front, it asks only for a file it lacks
        status, headers, body = entry.respond(
            environ["REQUEST_METHOD"],
            environ.get("HTTP_ACCEPT_ENCODING", ""),
            environ.get("HTTP_IF_NONE_MATCH", ""),
            environ.get("HTTP_IF_MODIFIED_SINCE", ""),
            "hit",
        )
        start_response(status, headers)
        return [body]
