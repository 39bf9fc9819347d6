"""`dateline serve` on PostgreSQL when the database goes away and comes
back (issue 16): stored pages keep being answered, everything else is a
503 with Retry-After, and the site recovers by itself, with no restart."""

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from dateline.testing.fixtures.servers import site_of_its_own
from dateline.testing.relay import Relay

pytestmark = pytest.mark.topology

CACHE_URL = "redis://127.0.0.1:6379/5"


def get(server, path):
    """(status, headers, body) of one request to the server."""
    try:
        with urllib.request.urlopen(server.base + path, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def server_and_relay(tmp_path_factory, collected_static):
    for site in site_of_its_own(tmp_path_factory, "outage", collected_static=collected_static, prepare=False):
        database = urlsplit(site.environment["DATABASE_URL"])
        relay = Relay(database.hostname, database.port or 5432)
        netloc = database.netloc.rsplit(":", 1)[0] if database.port else database.netloc
        site.environment["DATABASE_URL"] = urlunsplit(database._replace(netloc=f"{netloc}:{relay.port}"))
        site.environment["CACHE_URL"] = CACHE_URL
        redis.Redis.from_url(CACHE_URL).flushdb()
        site.dateline("setup")
        site.dateline("load-demo")
        try:
            yield site.start(), relay
        finally:
            relay.close()
            site.stop()


def test_a_database_outage_is_a_503_and_the_site_recovers_by_itself(server_and_relay):
    server, relay = server_and_relay
    story_path = urlsplit(json.loads(get(server, "/api/v1/articles")[2])["results"][0]["url"]).path
    assert get(server, story_path)[0] == 200
    assert get(server, story_path)[1]["X-Cache"] == "hit"

    relay.cut()
    status, headers, _ = get(server, story_path)
    assert (status, headers["X-Cache"]) == (200, "hit"), "a stored page is answered without the database"
    unstored = [
        "/middle-east/?from=outage",
        f"{story_path}?from=outage",
        "/world-news/",
        "/search/?q=syria",
        "/no-such-page/",
    ]
    for path in unstored:
        status, headers, body = get(server, path)
        assert status == 503, path
        assert headers["Retry-After"] == "30", path
        assert "not available just now" in body.decode(), path
    status, headers, body = get(server, "/api/v1/articles?page=1")
    assert (status, headers["Retry-After"], json.loads(body)) == (503, "30", {"detail": "Service Unavailable"})
    assert get(server, "/healthz")[0] == 503

    relay.restore()
    deadline = time.monotonic() + 20
    while (status := get(server, "/middle-east/?from=outage")[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200, "the site did not recover once the database was back"
    assert get(server, "/search/?q=syria")[0] == 200
    assert get(server, "/healthz")[0] == 200
