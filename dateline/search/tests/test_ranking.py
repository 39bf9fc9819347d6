"""Many matches are walked newest first instead of sorted (results.py): the
walk must list exactly what the sort lists, in the same order, page by
page, on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dateline.articles.tests.factories import ArticlePageFactory
from dateline.core.folding import terms
from dateline.search import results
from dateline.search.results import RankedSearch


@pytest.fixture
def archive(demo_site):
    """Twenty-four stories about convoys: a third with the word in the
    headline, at times that interleave, some at the same moment, and one
    in Arabic whose headline folds (أ to ا) unlike the index's headline column."""
    section = demo_site.sections["Middle East"]
    start = timezone.now() - timedelta(days=10)
    for n in range(24):
        headline = f"Convoy report {n}" if n % 3 == 0 else f"Northern report {n}"
        ArticlePageFactory(
            parent=section,
            title=headline,
            standfirst="",
            body=[("paragraph", f"<p>A convoy of trucks, day {n}.</p>")],
            first_published_at=start + timedelta(hours=n // 2),  # pairs published at the same moment
        )
    ArticlePageFactory(
        parent=section,
        title="أخبار القافلة convoy",
        standfirst="",
        body=[("paragraph", "<p>The convoy in Arabic news.</p>")],
        first_published_at=start + timedelta(hours=5, minutes=30),
    )
    return demo_site


def pages(search, size):
    listed, start = [], 0
    while True:
        page = [story.title for story in search[start : start + size]]
        if not page:
            return listed
        listed.append(page)
        start += size


@pytest.mark.parametrize("headlines", ["fetched", "walked"])
@pytest.mark.parametrize("body", ["asked story by story", "listed once"])
@pytest.mark.parametrize("size", [1, 7, 20])
def test_walking_many_matches_lists_what_sorting_them_lists(archive, monkeypatch, headlines, body, size):
    words = terms("convoy")
    sorted_search = RankedSearch(words)
    assert sorted_search.exact and sorted_search.count() == 25
    expected = pages(sorted_search, size)
    assert expected[0][0].startswith("Convoy report") or expected[0][0] == "أخبار القافلة convoy"

    # 25 matches are now "many"; the 9 headline matches are few enough to fetch.
    monkeypatch.setattr(results, "FEW", 10)
    # Whichever way costs less is taken: make the one under test cost nothing.
    monkeypatch.setattr(results, "FETCH_ONE", 0 if headlines == "fetched" else 10**9)
    monkeypatch.setattr(results, "ASK_ONE", 0 if body == "asked story by story" else 10**9)
    walked = RankedSearch(words)
    assert not walked.exact and walked.count() == results.MAX_RESULTS
    assert walked._fetch_headline_matches(size) == (headlines == "fetched")
    assert pages(walked, size) == expected


def test_a_large_result_lists_its_first_stories_and_says_there_are_more(client, archive, monkeypatch):
    monkeypatch.setattr(results, "FEW", 5)
    monkeypatch.setattr(results, "MAX_RESULTS", 10)
    first = client.get("/search/", {"q": "convoy"})
    html = first.content.decode()
    assert "More than 5 stories found" in html
    assert "The first 10 are listed" in html
    assert len(first.context["hits"]) == 10
    assert client.get("/search/", {"q": "convoy", "page": 2}).status_code == 404
