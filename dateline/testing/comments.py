"""Comment forms as a reader's browser fills them in, for tests and benches."""

import http.cookiejar
import json
import time
import urllib.request
import uuid

from django.core import signing

from dateline.comments import tokens


class BackdatedSigner(signing.TimestampSigner):
    def __init__(self, seconds, **kwargs):
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self):
        return signing.b62_encode(int(time.time() - self.seconds))


def aged_token(article_id, *, seconds=10):
    """A form token issued `seconds` ago, as if the reader took that long to write."""
    return BackdatedSigner(seconds, salt=tokens.SALT).sign(f"{article_id}:{uuid.uuid4()}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """The comment form answers 303: a test or bench reads that answer itself."""

    def redirect_request(self, *args, **kwargs):
        return None


def reader(base, article_id, n, *, comment=None):
    """Reader `n` on a running server: a browser with its own cookies and
    client address (sent through the trusted proxy on loopback), and the
    comment form filled in with the tokens the page script fetches.
    Returns (opener, headers, form)."""
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects)
    headers = {"X-Forwarded-For": address, "Origin": base}
    request = urllib.request.Request(f"{base}/comments/token/?article={article_id}", headers=headers)  # noqa: S310 (loopback)
    with opener.open(request, timeout=30) as response:
        tokens = json.load(response)
    form = {
        "comment": comment or f"Benchmark comment {n}: what the sources said about the advance.",
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
        "token": tokens["token"],
        "csrfmiddlewaretoken": tokens["csrf"],
    }
    return opener, headers, form
