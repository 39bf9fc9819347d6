"""A client that asks for pages as `dateline serve` answers them: through the
page cache's front, then Django."""

import sys
from io import BytesIO
from urllib.parse import unquote_to_bytes, urlsplit

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    @property
    def cache(self):
        """ "hit" (answered by the front), "miss" (rendered and stored), or None (Django alone)."""
        return self.headers.get("x-cache")


class FrontClient:
    """Requests through the WSGI application `dateline serve` runs: the page
    cache's front, then Django, in the test's own transaction. Counts the
    requests that reached Django.

    As Django's test client does, each request leaves the database
    connection open: the server closes it at the end of a request, which
    would end the test's transaction (on PostgreSQL; SQLite's in-memory test
    database ignores it)."""

    def __init__(self, application):
        self.application = application
        self.django_requests = 0

    def get(self, address, method="GET", **headers):
        parts = urlsplit(address)
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            # As a WSGI server hands it over: the path's bytes, %-decoded, as Latin-1 text.
            "PATH_INFO": unquote_to_bytes(parts.path).decode("latin-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = response_headers

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        request_started.connect(self._count)
        try:
            chunks = self.application(environ, start_response)
            try:
                body = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        finally:
            request_started.disconnect(self._count)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Answer(answer["status"], answer["headers"], body)

    def _count(self, **kwargs):
        self.django_requests += 1
