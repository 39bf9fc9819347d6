"""Feeds, checked by parsers and specifications nobody here wrote."""

import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import jsonschema
import pytest
from defusedxml import ElementTree
from django.utils import timezone

from dateline.articles.tests.factories import ArticlePageFactory

SCHEMA = json.loads((Path(__file__).parent / "vendor" / "jsonfeed-schema" / "schema-v1.1.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://127.0.0.1:8000"


def feed_addresses(site):
    return [
        "/feeds/{kind}/",
        "/feeds/sections/middle-east/{kind}/",
        "/feeds/tags/deir-ezzur/{kind}/",
        f"/feeds/authors/{site.reporter.slug}/{{kind}}/",
    ]


@pytest.fixture
def feeds_site(full_site):
    full_site.article.tags.add("Deir Ezzur")
    full_site.article.save_revision().publish()
    return full_site


def get(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return response


def test_every_feed_parses_cleanly(client, feeds_site):
    for template in feed_addresses(feeds_site):
        for kind in ("rss", "atom"):
            parsed = feedparser.parse(get(client, template.format(kind=kind)).content)
            assert not parsed.bozo, (template, kind, parsed.get("bozo_exception"))
            assert parsed.entries, (template, kind)


def test_rss_follows_the_rss_2_0_specification(client, feeds_site):
    response = get(client, "/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Dateline"
    assert channel.findtext("link") == f"{BASE}/"
    assert channel.findtext("description")
    self_link = channel.find(f"{ATOM}link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", f"{BASE}/feeds/rss/")
    items = channel.findall("item")
    assert 1 <= len(items) <= 50
    for item in items:
        guid = item.find("guid")
        assert guid.text.startswith("urn:uuid:") and guid.get("isPermaLink") == "false"
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None  # RFC 822 with a zone
        assert item.findtext("title") and item.findtext("link").startswith(BASE)
        assert item.findall("{http://purl.org/dc/elements/1.1/}creator")
        assert item.find("author") is None  # RSS <author> is an email: never used


def test_atom_follows_rfc_4287(client, feeds_site):
    root = ElementTree.fromstring(get(client, "/feeds/atom/").content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}title") == "Dateline"
    assert root.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == f"{BASE}/feeds/atom/"
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}author/{ATOM}email") is None


def test_json_feed_validates_against_the_json_feed_1_1_schema(client, feeds_site):
    for template in feed_addresses(feeds_site):
        response = get(client, template.format(kind="json"))
        assert response["Content-Type"].startswith("application/feed+json")
        feed = json.loads(response.content)
        jsonschema.validate(feed, SCHEMA)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["items"]


def test_entries_carry_what_readers_need(client, feeds_site):
    feature = feeds_site.feature
    feed = json.loads(get(client, "/feeds/json/").content)
    entry = next(item for item in feed["items"] if item["title"] == feature.title)
    assert entry["id"] == f"urn:uuid:{feature.translation_key}"
    assert entry["url"] == f"{BASE}{feature.url}"
    assert [a["name"] for a in entry["authors"]] == ["Rania Haddad", "Omid Karimi"]
    assert entry["authors"][0]["url"] == f"{BASE}/authors/rania-haddad/"
    assert set(entry["tags"]) >= {"Middle East", "Aid", "Deir Ezzur"}
    assert entry["summary"] == feature.standfirst
    assert entry["date_published"].endswith("+00:00") or entry["date_published"].endswith("Z")
    assert entry["image"].startswith(f"{BASE}/media/images/")
    html = entry["content_html"]
    assert "The first convoy arrived at dawn." in html
    assert 'src="/' not in html and 'href="/' not in html  # every address absolute
    assert f'src="{BASE}/media/images/' in html
    assert "@example.org" not in json.dumps(feed)  # commenters' and authors' emails never


def test_rss_enclosure_is_the_hero_image(client, feeds_site):
    channel = ElementTree.fromstring(get(client, "/feeds/rss/").content).find("channel")
    item = next(i for i in channel.findall("item") if i.findtext("title") == feeds_site.feature.title)
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg" and int(enclosure.get("length")) > 0
    assert enclosure.get("url").startswith(f"{BASE}/media/images/")


def test_guid_survives_a_change_of_address(client, feeds_site, purges):
    feature = feeds_site.feature
    before = json.loads(get(client, "/feeds/json/").content)
    feature.slug = "aid-convoys-reach-deir-ezzur"
    with purges():  # as the publish commits
        feature.save_revision().publish()
    after = json.loads(get(client, "/feeds/json/").content)
    find = lambda feed: next(i for i in feed["items"] if i["title"] == feature.title)  # noqa: E731
    assert find(before)["id"] == find(after)["id"]
    assert find(before)["url"] != find(after)["url"]


def test_feeds_hold_the_newest_fifty(client, demo_site):
    section = demo_site.sections["World News"]
    start = timezone.now() - timedelta(days=10)
    for n in range(55):
        ArticlePageFactory(parent=section, title=f"World {n}", first_published_at=start + timedelta(hours=n))
    feed = json.loads(get(client, "/feeds/json/").content)
    assert len(feed["items"]) == 50
    assert feed["items"][0]["title"] == demo_site.article.title
    assert feed["items"][1]["title"] == demo_site.live_story.title  # first published 52 hours ago
    assert feed["items"][2]["title"] == "World 54"


def test_conditional_get(client, feeds_site):
    first = get(client, "/feeds/atom/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/feeds/atom/", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/atom/", headers={"If-Modified-Since": modified}).status_code == 304
    ArticlePageFactory(parent=feeds_site.sections["Others"], title="Something new")
    assert client.get("/feeds/atom/", headers={"If-None-Match": etag}).status_code == 200


def test_taking_a_story_down_changes_the_feed_at_once(client, feeds_site):
    etag = get(client, "/feeds/rss/")["ETag"]
    feeds_site.article.unpublish()
    response = client.get("/feeds/rss/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert feeds_site.article.title not in response.content.decode()


def test_unknown_scopes_are_404(client, demo_site):
    for address in ["/feeds/sections/nope/rss/", "/feeds/tags/nope/atom/", "/feeds/authors/nope/json/", "/feeds/xml/"]:
        assert client.get(address).status_code == 404


def test_pages_advertise_their_feeds(client, feeds_site):
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Dateline (RSS)" href="/feeds/rss/">' in home
    json_feed = '<link rel="alternate" type="application/feed+json" title="Dateline (JSON Feed)" href="/feeds/json/">'
    assert json_feed in home
    section = client.get("/middle-east/").content.decode()
    assert 'href="/feeds/sections/middle-east/atom/"' in section
    tag = client.get("/tags/deir-ezzur/").content.decode()
    assert 'href="/feeds/tags/deir-ezzur/rss/"' in tag
    author = client.get(feeds_site.reporter.url).content.decode()
    assert f'href="/feeds/authors/{feeds_site.reporter.slug}/json/"' in author


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_a_kept_entry_is_written_again_when_what_it_shows_changes(client, feeds_site, purges, kind):
    """Each story's entry is kept as written between renders of a feed; a
    change to the story, its author, its tags or its section's name writes
    it again, as the change commits."""
    address = f"/feeds/{kind}/?fresh"  # a query string: rendered by Django each time, entries kept
    feature = feeds_site.feature
    assert feature.title in get(client, address).content.decode()
    changes = [
        ("the story", lambda: setattr(feature, "title", "Convoys turned back at Deir Ezzur"), feature),
        ("its author", lambda: setattr(feeds_site.reporter, "title", "Rania H. Haddad"), feeds_site.reporter),
        ("its section", lambda: setattr(feeds_site.sections["Middle East"], "title", "Mideast"),
         feeds_site.sections["Middle East"]),
    ]  # fmt: skip
    for what, change, page in changes:
        change()
        with purges():
            page.save_revision().publish()
        assert page.title in get(client, address).content.decode(), what
    tag = feature.tags.get(slug="aid")
    tag.name = "Humanitarian aid"
    with purges():
        tag.save()
    assert "Humanitarian aid" in get(client, address).content.decode()
