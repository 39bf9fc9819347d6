"""Arabic and Persian search with known answers: stories written as a
newsroom writes them, queries typed another way (with or without hamza,
Persian or Arabic letters, harakat, tatweel, a ZWNJ, a space or joined,
other digits), each with the stories it must find, in order, and those it
must not. The fixture (data/arabic_persian_relevance.json) says why each
query finds what it finds; dateline.core.folding says how.

The search page is read as a reader reads it: the results' headlines in
the order shown, and the words marked in each. The suite runs it on
SQLite and on PostgreSQL."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.html import escape

from dateline.articles.tests.factories import ArticlePageFactory

FIXTURE = json.loads((Path(__file__).parent / "data" / "arabic_persian_relevance.json").read_text(encoding="utf-8"))
STORIES = FIXTURE["stories"]
QUERIES = FIXTURE["queries"]


@pytest.fixture
def relevance_stories(demo_site):
    """The fixture's stories, published in the demo's Middle East section:
    {headline: key}."""
    section = demo_site.sections["Middle East"]
    now = timezone.now()
    for story in STORIES.values():
        ArticlePageFactory(
            parent=section,
            title=story["title"],
            standfirst="",
            body=[("paragraph", f"<p>{escape(story['body'])}</p>")],
            first_published_at=now - timedelta(hours=story["hours_ago"]),
        )
    return {story["title"]: key for key, story in STORIES.items()}


def results(client, query):
    """The results as shown: for each, its headline and the words marked on its card."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200, query
    cards = BeautifulSoup(response.content, "html.parser").select("ol.article-list article.card")
    return [
        (card.select_one(".card__headline").get_text().strip(), [mark.get_text() for mark in card.find_all("mark")])
        for card in cards
    ]


def test_the_fixture_is_consistent():
    """Every query names stories that exist, once each, and no story both found and not."""
    ids = [case["id"] for case in QUERIES]
    assert len(ids) == len(set(ids))
    titles = [story["title"] for story in STORIES.values()]
    assert len(titles) == len(set(titles))
    for case in QUERIES:
        assert set(case["top"]) | set(case["not"]) <= STORIES.keys(), case["id"]
        assert len(case["top"]) == len(set(case["top"])) and not set(case["top"]) & set(case["not"]), case["id"]


def test_known_answers(client, relevance_stories, subtests, settings):
    """One query a subtest, on stories built once: built for each query,
    they took most of a minute."""
    settings.DATELINE_SEARCH_RATE_LIMIT = (len(QUERIES), 60)
    for case in QUERIES:
        with subtests.test(case["id"]):
            shown = results(client, case["q"])
            found = [relevance_stories.get(headline) for headline, _ in shown]  # None: a demo story
            why = f"{case['q']!r}: {case['why']}; found {found}"
            # The expected stories are the top results, in order, and no other of ours follows.
            assert found[: len(case["top"])] == case["top"], why
            assert [key for key in found if key] == case["top"], why
            assert not set(case["not"]) & set(found), why
            # And each shows the reader where it matched, however the words were typed.
            for (_, marked), key in zip(shown, found, strict=True):
                assert marked or not key, f"{why}: nothing marked on {key}"
