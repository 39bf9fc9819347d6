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
        entry = page_store().lookup(key) if key is not None else None
        if entry is None:
            return self.application(environ, start_response)
        page_store().offer_file(key, entry)  # nginx asked: its file is missing here
        status, headers, body = entry.respond(
            environ["REQUEST_METHOD"],
            environ.get("HTTP_ACCEPT_ENCODING", ""),
            environ.get("HTTP_IF_NONE_MATCH", ""),
            environ.get("HTTP_IF_MODIFIED_SINCE", ""),
            "hit",
        )
        start_response(status, headers)
        return [body]
