"""Comments under load and under failure, against the real server.

`dateline serve` runs with two worker processes on a database of its own, of
the kind the suite runs on (SQLite in one run, PostgreSQL in the other), and
is reached through its trusted proxy address (127.0.0.1) with a different
client address for each reader, so the real rate limits apply."""

import http.cookiejar
import json
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from dateline.comments.models import Comment
from dateline.comments.tests.conftest import Reader, hidden_value
from dateline.testing.comments import aged_token


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class ServerReader:
    """One reader's browser against the server: own cookies, own address."""

    def __init__(self, server, article_id, address):
        self.server = server
        self.article_id = article_id
        self.address = address
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirects)

    def open(self, path, data=None):
        request = urllib.request.Request(
            self.server.base + path,
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={"X-Forwarded-For": self.address, "Origin": self.server.base},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def form(self, comment, email):
        _, _, body = self.open(f"/comments/token/?article={self.article_id}")
        tokens = json.loads(body)
        return {
            "comment": comment,
            "name": "Load Tester",
            "email": email,
            "token": tokens["token"],
            "csrfmiddlewaretoken": tokens["csrf"],
        }

    def post(self, form):
        return self.open(f"/comments/post/{self.article_id}/", form)


def seed_article_id(server):
    return server.seed_article_id()


def test_concurrent_posts_are_each_stored_exactly_once(production_server):
    article_id = seed_article_id(production_server)
    readers = [ServerReader(production_server, article_id, f"198.51.100.{n + 1}") for n in range(40)]
    forms = [reader.form(f"Concurrent comment {n}", f"load{n}@example.org") for n, reader in enumerate(readers)]
    time.sleep(3.2)  # the forms' minimum age
    # Everyone posts at once, and a quarter of them double-click.
    jobs = list(zip(readers, forms, strict=True)) + list(zip(readers[::4], forms[::4], strict=True))
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda job: job[0].post(job[1]), jobs))
    statuses = [status for status, _, _ in results]
    assert 500 not in statuses
    acknowledged = {form["comment"] for (status, _, _), (_, form) in zip(results, jobs, strict=True) if status == 303}
    assert len(acknowledged) == len(forms), statuses
    stored = production_server.sql("SELECT body, COUNT(*) FROM comments_comment GROUP BY body")
    counts = dict(stored)
    assert {body: counts.get(body) for body in acknowledged} == dict.fromkeys(acknowledged, 1)


# Real failures, no mocks: on SQLite, the database locked by another writer;
# on PostgreSQL, an address that refuses connections. Each run of the suite
# defines the test for the database it runs on.
ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_sqlite_write_lock_gets_a_503_that_keeps_the_text(production_server):
    server = production_server
    reader = ServerReader(server, seed_article_id(server), "198.51.100.250")
    form = reader.form("Written while the database was locked.", "locked@example.org")
    time.sleep(3.2)
    holder = sqlite3.connect(server.home / "dateline.sqlite3", isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, headers, body = reader.post(form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert "Written while the database was locked.</textarea>" in body
    assert 'value="locked@example.org"' in body
    assert server.sql("SELECT COUNT(*) FROM comments_comment WHERE email = ?", ("locked@example.org",)) == [(0,)]
    # The same form, posted again once the lock is gone, is saved once.
    resent = dict(
        form, token=hidden_value(body, "token"), csrfmiddlewaretoken=hidden_value(body, "csrfmiddlewaretoken")
    )
    assert reader.post(resent)[0] == 303
    assert server.sql("SELECT COUNT(*) FROM comments_comment WHERE email = ?", ("locked@example.org",)) == [(1,)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_refused_postgresql_gets_a_503_that_keeps_the_text(demo_site):
    article = demo_site.article
    reader = Reader(Client(enforce_csrf_checks=True), article)
    data = {"comment": "Written while the database was down.", "name": "Rania", "email": "down@example.org"}
    data.update(reader.tokens())
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "9"})  # nothing listens there
    try:
        response = reader.client.post(f"/comments/post/{article.pk}/", data)
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Written while the database was down.</textarea>" in html
    assert hidden_value(html, "token") == data["token"]
    assert not Comment.objects.filter(email="down@example.org").exists()
    assert reader.client.post(f"/comments/post/{article.pk}/", data).status_code == 303
    assert Comment.objects.filter(email="down@example.org").count() == 1


if ON_SQLITE:
    del test_refused_postgresql_gets_a_503_that_keeps_the_text
else:
    del test_sqlite_write_lock_gets_a_503_that_keeps_the_text


def test_aged_token_helper_matches_the_real_format(article):
    """The tests' backdated tokens are the ones the site issues, only older."""
    from dateline.comments import tokens

    assert tokens.check(aged_token(article.pk), article_id=article.pk).article_id == article.pk
    with pytest.raises(tokens.TokenTooFresh):
        tokens.check(tokens.issue(article.pk), article_id=article.pk)
