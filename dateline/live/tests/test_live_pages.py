"""A live story (issue 19) as readers, feed readers and search engines meet
it: updates newest first with anchors and share links, key updates, earlier
updates on pages of their own, the latest-updates resource that open pages
poll, its feed, its JSON-LD, the end of coverage, and the sections that
lead with it."""

import json
from datetime import timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone, translation

from dateline.articles.tests.count_queries import queries_for
from dateline.core.links import absolute
from dateline.demo.live_story import LIVE_STORY, UPDATES
from dateline.live.models import UPDATES_PER_PAGE, LiveStoryPage, LiveUpdate, new_updates_phrases
from dateline.testing import schemaorg


@pytest.fixture
def story(demo_site):
    """The demo's live story, under Latest developments, with five updates (two key)."""
    return LiveStoryPage.objects.get(slug=LIVE_STORY["slug"])


def post(story, text, *, minutes_ago=0, **fields):
    return LiveUpdate.objects.create(
        story=story,
        body=[("paragraph", f"<p>{text}</p>")],
        posted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def updates_on(html):
    """The ids of the updates a page shows, in order."""
    return [int(article["data-update"]) for article in BeautifulSoup(html, "html.parser").select("[data-update]")]


def json_ld(html):
    scripts = BeautifulSoup(html, "html.parser").select('script[type="application/ld+json"]')
    return [json.loads(script.string) for script in scripts]


def test_updates_are_shown_newest_first_each_with_its_anchor_time_byline_and_link(client, story):
    response = client.get(story.url)
    html = response.content.decode()
    newest_first = list(story.updates.order_by("-posted_at").values_list("pk", flat=True))
    assert len(newest_first) == len(UPDATES) >= 3
    assert updates_on(html) == newest_first
    soup = BeautifulSoup(html, "html.parser")
    for pk in newest_first:
        update = soup.find(id=f"update-{pk}")
        assert update.find("time")["datetime"]
        assert update.select_one(".update__byline a")["href"] == "/authors/staff/"
        share = update.select_one(".update__share a")["href"]
        answer = client.get(share)
        assert (answer.status_code, answer["Location"]) == (302, f"{story.url}#update-{pk}")
    # Key updates lead, linking to their place on the page.
    key = [int(a["href"].removeprefix("#update-")) for a in soup.select(".live__key a")]
    assert key == list(story.updates.filter(pinned=True).order_by("-posted_at").values_list("pk", flat=True))
    assert len(key) == 2
    # The channel for new updates, announced politely.
    section = soup.select_one("[data-live-following]")
    assert section["data-live-updates"] == f"{story.url}updates/latest/"
    assert soup.select_one("[data-live-status]")["aria-live"] == "polite"


def test_the_page_gives_live_js_its_words_for_each_count_of_new_updates(client, story):
    soup = BeautifulSoup(client.get(story.url).content.decode(), "html.parser")
    # Data in the page's language, never run: the CSP allows no inline script.
    phrases = json.loads(soup.select_one('[data-live-following] script#live-phrases[type="application/json"]').string)
    assert len(phrases) == UPDATES_PER_PAGE  # as many as the latest updates hold
    assert phrases["1"] == {"show": "Show 1 new update", "status": "1 new update"}
    assert phrases["2"] == {"show": "Show 2 new updates", "status": "2 new updates"}
    # Arabic has a form for two, for three to ten and for eleven to ninety-nine,
    # and the Arabic edition writes its numbers in Arabic-Indic digits.
    with translation.override("ar"):
        arabic = new_updates_phrases()
    assert [arabic[count]["status"] for count in (2, 3, 11)] == [
        "٢ تحديثان جديدان",
        "٣ تحديثات جديدة",
        "١١ تحديثًا جديدًا",
    ]


def test_earlier_updates_have_pages_of_their_own_and_a_shared_link_finds_its_page(client, story):
    for n in range(UPDATES_PER_PAGE):
        post(story, f"Minute {n}", minutes_ago=n)
    first = client.get(story.url).content.decode()
    assert len(updates_on(first)) == UPDATES_PER_PAGE
    second = client.get(f"{story.url}updates/page/2/")
    assert second.status_code == 200
    assert set(updates_on(second.content.decode())) == set(story.updates.values_list("pk", flat=True)) - set(
        updates_on(first)
    )
    assert "data-live-following" not in second.content.decode()  # only the first page takes new updates
    oldest = story.updates.order_by("posted_at").first()
    answer = client.get(f"{story.url}updates/{oldest.pk}/")
    assert answer["Location"] == f"{story.url}updates/page/2/#update-{oldest.pk}"
    for missing in ("updates/page/3/", "updates/page/1/", "updates/99999/"):
        assert client.get(f"{story.url}{missing}").status_code == 404, missing


def test_the_latest_updates_are_a_small_stored_resource_refreshed_by_a_new_update(front, purges, story, demo_site):
    latest = f"{story.url}updates/latest/"
    first = front.get(latest)
    assert first.status == 200 and first.headers["content-type"] == "application/json"
    answer = json.loads(first.body)
    assert [update["id"] for update in answer["updates"]] == updates_on(front.get(story.url).body.decode())
    assert answer["ended"] is False
    # Asked again with its ETag: a 304 from the store, without Django.
    again = front.get(latest, if_none_match=first.headers["etag"])
    assert (again.status, again.cache) == (304, "hit")

    showing = [story.url, latest, "/latest-developments/", f"/feeds/live/{story.pk}/atom/"]
    elsewhere = ["/", demo_site.article.url, "/middle-east/", "/world-news/"]
    for address in showing + elsewhere:
        front.get(address)
        assert front.get(address).cache == "hit", address
    with purges():
        update = post(story, "Shelling resumed at dusk.", headline="Shelling resumes")
    assert {address: front.get(address).cache for address in showing} == dict.fromkeys(showing, "miss")
    assert {address: front.get(address).cache for address in elsewhere} == dict.fromkeys(elsewhere, "hit")
    newest = json.loads(front.get(latest).body)["updates"][0]
    assert newest["id"] == update.pk and "Shelling resumed at dusk." in newest["html"]
    # An edit purges them again, and says so with its time of change.
    with purges():
        update.headline = "Shelling resumes near Al-Mayadeen"
        update.save()
    edited = json.loads(front.get(latest).body)["updates"][0]
    assert "near Al-Mayadeen" in edited["html"] and edited["changed"] != newest["changed"]


def test_a_correction_on_an_update_is_shown_with_it_marked_and_dated(client, story):
    update = story.updates.order_by("-posted_at").first()
    update.correction = "<p>The town is 40 km away, not 50 km.</p>"
    update.save()
    html = client.get(story.url).content.decode()
    note = BeautifulSoup(html, "html.parser").find(id=f"update-{update.pk}").select_one(".update__correction")
    assert "Correction" in note.get_text() and "40 km away" in note.get_text()
    assert note.find("time")["datetime"]


def test_updates_are_escaped_everywhere_they_are_shown(client, story):
    script = "<script>alert(1)</script>"
    post(story, "&lt;img src=x onerror=alert(1)&gt;", headline=script)
    for address in (story.url, f"{story.url}updates/latest/", "/latest-developments/", f"/feeds/live/{story.pk}/rss/"):
        body = client.get(address).content.decode()
        assert script not in body and "<img src=x" not in body, address


def test_the_story_is_described_as_a_live_blog_posting_with_its_updates(client, story):
    described = json_ld(client.get(story.url).content.decode())
    posting = next(item for item in described if item["@type"] == "LiveBlogPosting")
    schemaorg.assert_valid(posting)
    assert posting["coverageStartTime"] == story.coverage_started_at.isoformat(timespec="seconds")
    assert "coverageEndTime" not in posting
    updates = posting["liveBlogUpdate"]
    assert [update["url"].rsplit("#update-", 1)[1] for update in updates] == [
        str(pk) for pk in story.updates.order_by("-posted_at").values_list("pk", flat=True)
    ]
    first = story.updates.order_by("-posted_at").first()
    assert updates[0]["headline"] == first.headline
    assert updates[0]["articleBody"] == first.text
    assert updates[0]["datePublished"] == first.posted_at.isoformat(timespec="seconds")
    assert updates[0]["author"]["name"] == "Newsroom staff"


def test_ended_coverage_says_so_and_stops_taking_updates(client, story):
    ended = timezone.now().replace(microsecond=0)
    story.coverage_ended_at = ended
    story.save_revision().publish()
    html = client.get(story.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert "This live coverage has ended." in soup.select_one(".live__status").get_text()
    assert soup.select_one("[data-live-following]") is None
    posting = next(item for item in json_ld(html) if item["@type"] == "LiveBlogPosting")
    assert posting["coverageEndTime"] == ended.isoformat()
    assert json.loads(client.get(f"{story.url}updates/latest/").content)["ended"] is True
    assert "live-now" not in client.get("/latest-developments/").content.decode()


def test_the_feed_of_a_live_story_lists_its_updates(client, story):
    feed = feedparser.parse(client.get(f"/feeds/live/{story.pk}/atom/").content)
    assert not feed.bozo
    newest_first = story.updates.order_by("-posted_at")
    assert [entry.link for entry in feed.entries] == [absolute(f"{story.url}#update-{u.pk}") for u in newest_first]
    assert feed.entries[0].title == newest_first[0].headline
    assert feed.entries[0].author == "Newsroom staff"
    # The story's page names it.
    soup = BeautifulSoup(client.get(story.url).content, "html.parser")
    assert soup.select_one(f'link[rel="alternate"][href="/feeds/live/{story.pk}/atom/"]')


def test_a_story_that_is_not_published_shows_none_of_its_updates(client, story):
    story.unpublish()
    assert client.get(story.url).status_code == 410  # taken down: gone (articles.middleware)
    for address in (f"{story.url}updates/latest/", f"/feeds/live/{story.pk}/rss/"):
        assert client.get(address).status_code in (404, 410), address


def test_latest_developments_leads_with_its_running_live_stories_and_their_newest_updates(client, purges, story):
    html = client.get("/latest-developments/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    block = soup.select_one(".live-now")
    assert block.find_previous(class_="article-list") is None  # before the section's list of stories
    headlines = [a.get_text() for a in block.select(".live-now__headline a")]
    assert headlines == [story.title]
    newest = [update.gist for update in story.updates.order_by("-posted_at")[:3]]
    assert [a.get_text() for a in block.select(".live-now__updates a")] == newest
    # Another live story with a newer update comes first.
    with purges():
        other = LiveStoryPage(title="Floods in the delta, live", slug="floods-live")
        story.get_parent().add_child(instance=other)
        other.bylines.create(author=story.bylines.first().author)
        other.save_revision().publish()
        post(other, "The river has burst its banks.")
    block = BeautifulSoup(client.get("/latest-developments/").content, "html.parser").select_one(".live-now")
    assert [a.get_text() for a in block.select(".live-now__headline a")] == [other.title, story.title]
    # Listings elsewhere mark it as live coverage.
    card = BeautifulSoup(client.get("/").content, "html.parser").find("a", string=other.title).find_parent("article")
    assert "Live coverage" in card.get_text()


def test_a_story_with_a_thousand_updates_costs_the_same_queries_as_one_with_ten(client, story):
    for n in range(5):
        post(story, f"Early {n}", minutes_ago=100 + n)
    ten = {address: queries_for(client, address) for address in (story.url, f"{story.url}updates/latest/")}
    now = timezone.now()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(story=story, body=[("paragraph", f"<p>Update {n}</p>")], posted_at=now - timedelta(minutes=n))
        for n in range(990)
    )
    assert story.updates.count() == 1000
    thousand = {address: queries_for(client, address) for address in ten}
    assert thousand == ten
    # (status, from scratch, with parts kept): pinned as the other pages' are.
    assert thousand == {story.url: (200, 23, 2), f"{story.url}updates/latest/": (200, 6, 3)}
