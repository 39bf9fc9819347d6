"""With the database unreachable, what cannot come from the page store is a
503 with Retry-After, a page a reader can read (JSON for the API), and the
site is itself again as soon as the database is back (issue 16, defect 6)."""

from unittest import mock

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

# Addresses the page store never answers (a query string, search, the API)
# or has not stored (a 404).
UNCACHED = {
    "section": "/middle-east/?page=1",
    "story": "{story}?from=outage",
    "search": "/search/?q=aid",
    "not found": "/no-such-page/",
    "feed": "/feeds/rss/?from=outage",
}
API = ["/api/v1/articles", "/api/v1/sections", "/api/v1/no-such-resource"]


def refuse(self):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def database_down():
    """Every query fails as it does when PostgreSQL refuses connections
    (tests/test_outage_server.py cuts a real server's connections)."""
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse)


def test_pages_answer_503_with_retry_after_while_the_database_is_down(demo_site):
    client = Client(raise_request_exception=False)
    addresses = {name: address.format(story=demo_site.article.url) for name, address in UNCACHED.items()}
    for name, address in addresses.items():
        with database_down():
            response = client.get(address)
        assert response.status_code == 503, name
        assert response["Retry-After"] == "30", name
        html = response.content.decode()
        assert "This page is not available just now" in html, name
        assert "Please try again in a minute" in html, name
        assert '<html lang="en" dir="ltr">' in html, name


def test_the_api_answers_503_in_json_while_the_database_is_down(demo_site):
    client = Client(raise_request_exception=False)
    for address in API:
        with database_down():
            response = client.get(address)
        assert response.status_code == 503, address
        assert response["Retry-After"] == "30", address
        assert response.json() == {"detail": "Service Unavailable"}, address


def test_the_site_is_itself_again_when_the_database_is_back(demo_site):
    client = Client(raise_request_exception=False)
    with database_down():
        assert client.get("/middle-east/?page=1").status_code == 503
    response = client.get("/middle-east/?page=1")
    assert response.status_code == 200
    assert "Retry-After" not in response


def test_a_bug_is_still_a_500(demo_site, monkeypatch):
    """Only an unreachable database is a 503: a proxy must not retry a bug."""
    from dateline.articles.models import SectionPage

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(SectionPage, "get_context", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/middle-east/?page=1")
    assert response.status_code == 500
    assert "Retry-After" not in response
    api = client.get("/api/v1/sections", headers={"Accept": "application/json"})
    assert api.status_code == 200
