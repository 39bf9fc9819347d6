"""What nginx must know to answer stored pages as the node would.

nginx answers a page file with headers from its configuration, so Dateline
writes that part of the configuration itself, from the same settings the
node answers with, into two files deploy/nginx.conf.template includes:

- `front/nginx-http.conf`: which requests may get a stored page (GET or
  HEAD, no session, CSRF or messages cookie, no Authorization, no query
  string but tracking parameters), the edition's language of an address,
  and the cookies and query left out when such a request goes on to a node;
- `front/nginx-pages.conf`: where the files are, and the headers every
  stored page is sent with: the *profile*.

The profile is read off the node's own answer (its middleware's headers:
the content security policy, framing, referrer and permissions policies),
so it cannot drift from what the node sends; `PageFiles` writes a page
only if its headers are the profile's. `dateline setup` and `dateline
serve` rewrite both files; reload nginx after a deploy that changes them
(until then its older profile's folder is empty, and every page comes from
the nodes).
"""

import hashlib
import io
import json
import re
from pathlib import Path

from django.conf import settings

PROFILE_FILE = "profile.json"
# Headers that say nothing about the page's policies, or that nginx makes.
NOT_IN_PROFILE = {
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "date",
    "etag",
    "expires",
    "last-modified",
    "server",
    "set-cookie",
    "vary",
    "x-cache",
}
# Query parameters that only say where a reader came from; a request with
# nothing else gets the stored page, and the node never sees them.
TRACKING_PARAMETERS = (
    "utm_[a-z_]+",
    "fbclid",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "twclid",
    "igshid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
)
# What nginx's configuration cannot quote.
_UNQUOTABLE = re.compile(r'["\\$\x00-\x1f\x7f]')


class FrontProfile:
    """The headers every stored page is sent with, and the editions' languages."""

    def __init__(self, headers, languages, default_language):
        self.headers = tuple(sorted(_canonical(name, value) for name, value in headers))
        self.languages = tuple(languages)
        self.default_language = default_language
        described = json.dumps([self.headers, self.languages, self.default_language])
        self.name = hashlib.blake2b(described.encode(), digest_size=6).hexdigest()

    @classmethod
    def from_node(cls):
        """The profile of this node's settings, read off its answer to a request."""
        return cls(
            [(name, value) for name, value in _node_headers() if name.lower() not in NOT_IN_PROFILE],
            [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE],
            settings.LANGUAGE_CODE,
        )

    @classmethod
    def load(cls, folder):
        """The profile `save` wrote in `folder`, or None."""
        try:
            saved = json.loads((Path(folder) / PROFILE_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return None
        return cls(saved["headers"], saved["languages"], saved["default_language"])

    def save(self, folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        described = {"headers": self.headers, "languages": self.languages, "default_language": self.default_language}
        _write(folder / PROFILE_FILE, json.dumps(described, indent=2))

    def language_of(self, path):
        """The language nginx's map names for `path`: EditionMiddleware's
        prefix, read the way the map below reads it."""
        for code in self.languages:
            if path == f"/{code}" or path.startswith(f"/{code}/"):
                return code
        return self.default_language

    def answers_as_node(self, entry, path):
        """Whether nginx, answering the stored `entry` for `path` from its
        file, sends what the node would."""
        named = [(name.lower(), value) for name, value in entry.headers]
        first = dict(reversed(named))
        return (
            entry.status == 200
            and not entry.sends_age
            and first.get("content-type") == "text/html; charset=utf-8"
            and first.get("cache-control") == "no-cache"
            and first.get("content-language") == self.language_of(path)
            and all(value.strip().lower() == "accept-encoding" for name, value in named if name == "vary")
            and tuple(sorted(_canonical(name, value) for name, value in named if name not in NOT_IN_PROFILE))
            == self.headers
        )


def _canonical(name, value):
    """A header as compared and sent: a content security policy's directives
    in one order (django-csp's order changes from process to process)."""
    name = name.lower()
    if name in ("content-security-policy", "content-security-policy-report-only"):
        value = "; ".join(sorted(directive.strip() for directive in value.split(";") if directive.strip()))
    return name, value


def write_nginx_config(folder, profile):
    """Write the profile and the two files nginx includes into `folder`."""
    folder = Path(folder)
    unquotable = [name for name, value in profile.headers if _UNQUOTABLE.search(value)]
    if unquotable:
        raise ValueError(f"nginx cannot send these headers as the node does: {', '.join(unquotable)}")
    profile.save(folder)
    pages = folder / "pages" / profile.name
    pages.mkdir(parents=True, exist_ok=True)
    _write(folder / "nginx-http.conf", _http_config(profile))
    _write(folder / "nginx-pages.conf", _pages_config(profile, pages))


def _http_config(profile):
    languages = "".join(f'    "~^/{re.escape(code)}(/|$)" {code};\n' for code in profile.languages)
    cookies = "|".join(
        re.escape(name) for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages")
    )
    tracking = "|".join(TRACKING_PARAMETERS)
    return f"""\
# Written by Dateline (dateline setup, dateline serve) from its settings:
# do not edit. Included at http level by deploy/nginx.conf.template.

# The edition's language of an address, as Dateline's EditionMiddleware reads it.
map $uri $dateline_language {{
    default {profile.default_language};
{languages}}}

# A reader with a session, CSRF or messages cookie may see a page of their own.
map $http_cookie $dateline_private_cookie {{
    default 0;
    "~(^|[;,]\\s*)({cookies})=" 1;
}}

# plain: no query; tracking: only parameters that say where a reader came from.
map $args $dateline_query {{
    default other;
    "" plain;
    "~^(({tracking})(=[^&]*)?(&|$))+$" tracking;
}}

map "$request_method:$dateline_private_cookie:$dateline_query:$http_authorization" $dateline_storable {{
    default 0;
    "GET:0:plain:" 1;
    "HEAD:0:plain:" 1;
    "GET:0:tracking:" 1;
    "HEAD:0:tracking:" 1;
}}

# The stored page's file, or a name no file has (a node then answers).
map $dateline_storable $dateline_page_file {{
    default /-;
    1 /$scheme/$host${{uri}}index.html;
}}

# The address a node is asked for: the reader's, less a query of tracking
# parameters only (the node stores only pages asked for without a query).
map "$dateline_query:$request_uri" $dateline_node_uri {{
    default $request_uri;
    "~^tracking:(?<dateline_path>[^?]*)" $dateline_path;
}}

# A request that could have had a stored page reaches a node without cookies,
# so the node stores the page it renders.
map $dateline_storable $dateline_cookie {{
    default $http_cookie;
    1 "";
}}
"""


def _pages_config(profile, pages):
    headers = "".join(f'add_header {name} "{value}";\n' for name, value in profile.headers)
    return f"""\
# Written by Dateline (dateline setup, dateline serve) from its settings:
# do not edit. Included by deploy/nginx.conf.template where it answers
# stored pages: the headers every stored page is sent with (profile {profile.name}).
root {pages};
types {{ text/html html; }}
charset utf-8;
gzip_static on;
gzip_vary on;
etag on;
# Read now: once the address is rewritten to the file's, $uri is the file's name.
set $dateline_page_language $dateline_language;
add_header Cache-Control "no-cache";
add_header Content-Language $dateline_page_language;
{headers}add_header X-Cache "front";
"""


def _node_headers():
    """The headers the node answers a plain request with, all middleware
    included: its answer to /healthz, asked in this process (without the
    request signals, which would close the caller's database connection)."""
    from django.core.handlers.base import BaseHandler
    from django.core.handlers.wsgi import WSGIRequest

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h.lstrip(".") and "*" not in h), "localhost")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    handler = BaseHandler()
    handler.load_middleware()
    return list(handler.get_response(WSGIRequest(environ)).items())


def _write(path, text):
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)
