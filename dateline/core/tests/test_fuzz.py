"""Hostile input on every public route (issue 16): the Big List of Naughty
Strings, a sample of real XSS payloads and Hypothesis's text, sent as
paths, query parameters, headers and form fields, through the page cache's
front as `dateline serve` answers them. No answer is a 5xx, and no answer
echoes markup unescaped: not in HTML, not in its JSON-LD, not in feeds or
sitemaps, which must stay well-formed XML, nor in JSON.

Failures are collected and reported together, so one run names every
address that fails."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import defusedxml.ElementTree as SafeXML
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.comments.models import Comment
from dateline.testing import DATA
from dateline.testing.comments import aged_token

NAUGHTY = json.loads((DATA / "blns.json").read_text(encoding="utf-8"))
# Every 22nd of 6,613 payloads: 300 of every kind the list holds, in a second or two.
XSS = (DATA / "xss-payload-list.txt").read_text(encoding="utf-8").splitlines()[::22]
STRINGS = NAUGHTY + XSS

MARKUP = re.compile(r"<[a-zA-Z/!?]")
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data:text/html)", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data"}


class PageParser(HTMLParser):
    """What a browser would run from a page: event handlers, script
    addresses and script elements, as the HTML parser sees them (text
    escaped inside an attribute value is not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.json_ld = []
        self._in_json_ld = False
        self._templates = 0  # click-to-load embeds: the provider's frame, inert until asked for

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler <{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value and SCRIPT_URL.match(value):
                self.found.append(f"a script address <{tag} {name}={value[:60]!r}>")
        if tag == "script":
            # The only scripts Dateline's pages have: module files and JSON-LD.
            if attributes.get("type") == "application/ld+json" and len(attributes) == 1:
                self._in_json_ld = True
                self.json_ld.append("")
            elif not (attributes.get("type") == "module" and (attributes.get("src") or "").startswith("/static/")):
                self.found.append(f"a script the site did not write: {attrs}")
        if tag == "template":
            self._templates += 1
        elif (
            (tag == "iframe" and not self._templates)
            or tag in ("object", "embed", "base")
            or (tag == "meta" and "http-equiv" in attributes)
        ):
            self.found.append(f"an element the site did not write: <{tag} {attrs}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False
        elif tag == "template":
            self._templates -= 1

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


@pytest.fixture
def routes(full_site):
    """Every kind of public address, by the query parameters it reads."""
    story = full_site.feature
    return {
        "/": ["page"],
        "/middle-east/": ["page"],
        "/middle-east/page/2/": [],
        story.url: ["comment", "replytocom"],
        "/tags/aid/": ["page"],
        "/authors/": [],
        full_site.reporter.url: ["page"],
        "/privacy/": [],
        "/search/": ["q", "section", "since", "until", "page"],
        "/feeds/rss/": [],
        "/feeds/atom/": [],
        "/feeds/json/": [],
        "/feeds/sections/middle-east/rss/": [],
        "/feeds/tags/aid/atom/": [],
        "/feeds/authors/rania-haddad/json/": [],
        "/sitemap.xml": ["p"],
        "/sitemap-articles.xml": ["p"],
        "/news-sitemap.xml": [],
        "/robots.txt": [],
        "/api/v1/": [],
        "/api/v1/articles": ["page", "page_size", "section", "tag", "author", "since", "until"],
        f"/api/v1/articles/{story.pk}": [],
        "/api/v1/sections": ["page"],
        "/api/v1/sections/middle-east": [],
        "/api/v1/authors/rania-haddad": [],
        "/comments/token/": ["article"],
        "/healthz": [],
    }


class Findings:
    """What went wrong, by request, reported together at the end."""

    def __init__(self):
        self.problems = []

    def check(self, what, answer, payload):
        body = answer.body.decode("utf-8", errors="replace")
        content_type = answer.headers.get("content-type", "")
        if answer.status >= 500:
            self.problems.append(f"{what}: {answer.status}")
            return
        if "html" in content_type:
            self._check_html(what, body, payload)
        elif "xml" in content_type or "rss" in content_type or "atom" in content_type:
            try:
                SafeXML.fromstring(answer.body)
            except SafeXML.ParseError as error:
                self.problems.append(f"{what}: XML not well-formed ({error})")
        elif "json" in content_type:
            try:
                json.loads(body)
            except ValueError:
                self.problems.append(f"{what}: JSON not well-formed")

    def _check_html(self, what, body, payload):
        if payload and MARKUP.search(payload) and payload in body:
            self.problems.append(f"{what}: echoed unescaped")
        parser = PageParser()
        parser.feed(body)
        parser.close()
        self.problems += [f"{what}: {found}" for found in parser.found]
        for data in parser.json_ld:
            try:
                json.loads(data)
            except ValueError:
                self.problems.append(f"{what}: JSON-LD broken open")

    def assert_none(self):
        assert self.problems == [], f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems[:60])


def on_the_wire(text):
    """A header value as HTTP carries it: bytes read as Latin-1, no line breaks."""
    return text.encode("utf-8").decode("latin-1").replace("\r", "").replace("\n", "")


def test_naughty_paths(front, routes):
    findings = Findings()
    prefixes = ["/", "/middle-east/", "/tags/", "/feeds/sections/", "/api/v1/sections/", "/comments/", "/search/"]
    for n, text in enumerate(STRINGS):
        segment = quote(text, safe="")
        prefix = prefixes[n % len(prefixes)]
        path = f"{prefix}{segment}/" if not prefix.startswith("/api/") else f"{prefix}{segment}"
        findings.check(f"GET {path[:100]}", front.get(path), text)
    findings.assert_none()


def test_naughty_query_parameters(front, routes):
    findings = Findings()
    addresses = [(route, name) for route, names in routes.items() for name in [*names, "utm_source"]]
    for n, text in enumerate(STRINGS):
        route, name = addresses[n % len(addresses)]
        address = f"{route}?{urlencode({name: text})}"
        findings.check(f"GET {address[:120]}", front.get(address), text)
    # Search echoes its words: every other string goes through it too.
    for text in STRINGS[1::2]:
        address = f"/search/?{urlencode({'q': text})}"
        findings.check(f"GET {address[:120]}", front.get(address), text)
    findings.assert_none()


HEADERS = ["user_agent", "accept_language", "referer", "x_forwarded_for", "x_forwarded_proto", "accept",
           "if_none_match", "if_modified_since", "cookie", "accept_encoding"]  # fmt: skip


def test_naughty_headers(front, routes):
    findings = Findings()
    addresses = list(routes)
    for n, text in enumerate(STRINGS[::3]):
        header = HEADERS[n % len(HEADERS)]
        value = on_the_wire(text)
        if header == "cookie":
            value = f"sessionid={value}; csrftoken={value}"
        address = addresses[n % len(addresses)]
        findings.check(f"GET {address} with {header}: {value[:60]!r}", front.get(address, **{header: value}), None)
        host = front.get("/", host=on_the_wire(text)[:200] or "x")
        findings.check(f"GET / with host {text[:60]!r}", host, None)
    findings.assert_none()


def test_naughty_comments_are_stored_and_shown_escaped(full_site, front):
    """Every field of the comment form, each string in turn; then every kept
    comment approved and shown on the story, in its feeds and in the API."""
    findings = Findings()
    story = full_site.feature
    fields = ["comment", "name", "email", "website", "reply_to"]
    for n, text in enumerate(STRINGS[::4]):
        client = Client(REMOTE_ADDR=f"10.{n // 250}.{n % 250}.1", raise_request_exception=False)
        data = {"comment": f"Comment {n}", "name": f"Reader {n}", "email": f"reader{n}@mail.invalid",
                "token": aged_token(story.pk)}  # fmt: skip
        data[fields[n % len(fields)]] = text
        response = client.post(f"/comments/post/{story.pk}/", data)
        if response.status_code >= 500:
            findings.problems.append(
                f"POST comment with {fields[n % len(fields)]}={text[:60]!r}: {response.status_code}"
            )
        report = client.post(f"/comments/{n + 1}/report/", {"reason": text})
        if report.status_code >= 500:
            findings.problems.append(f"POST report {text[:60]!r}: {report.status_code}")
    # Stored as they came, whatever the filters said: now everyone sees them.
    for n, text in enumerate(STRINGS[::4]):
        Comment.objects.create(article=story, name=text[:100] or "x", email=f"stored{n}@mail.invalid",
                               body=text or "x", status=Comment.Status.APPROVED)  # fmt: skip
    assert Comment.objects.filter(article=story).count() > len(STRINGS[::4])
    page = front.get(f"{story.url}?fresh")
    assert page.status == 200
    body = page.body.decode()
    for text in STRINGS[::4]:
        findings.check(f"the story showing {text[:60]!r}", page, text)
    for address in ["/feeds/rss/", "/feeds/atom/", "/feeds/json/", f"/api/v1/articles/{story.pk}", "/"]:
        findings.check(address, front.get(f"{address}?fresh"), None)
    assert "mail.invalid" not in body, "a commenter's e-mail address is on the page"
    assert not re.search(r"\b10\.\d+\.\d+\.1\b", body), "a commenter's IP address is on the page"
    findings.assert_none()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40), route=st.integers(min_value=0))
def test_any_text_anywhere(front, routes, text, route):
    findings = Findings()
    addresses = list(routes.items())
    address, names = addresses[route % len(addresses)]
    findings.check("path", front.get(f"/{quote(text, safe='')}/"), text)
    findings.check("query", front.get(f"{address}?{urlencode({(names or ['x'])[0]: text})}"), text)
    findings.assert_none()
