"""The read API as a client would use it: lists, filters, pages, one story,
and nothing that is not public."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dateline.articles.tests.factories import ArticlePageFactory

BASE = "http://127.0.0.1:8000"


def get(client, address, **params):
    response = client.get(address, params)
    assert response.status_code == 200, (address, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def headlines(data):
    return [article["headline"] for article in data["results"]]


def test_articles_newest_first_with_what_a_client_needs(client, full_site):
    data = get(client, "/api/v1/articles")
    assert data["count"] == 25 and data["page"] == 1 and data["pages"] == 2
    assert len(data["results"]) == 20
    assert data["next"] == f"{BASE}/api/v1/articles?page=2" and data["previous"] is None
    feature = next(a for a in data["results"] if a["headline"] == full_site.feature.title)
    assert feature["url"] == f"{BASE}{full_site.feature.url}"
    assert feature["uuid"] == str(full_site.feature.translation_key)
    assert feature["section"] == {"slug": "middle-east", "name": "Middle East", "url": f"{BASE}/middle-east/"}
    assert [a["name"] for a in feature["authors"]] == ["Rania Haddad", "Omid Karimi"]
    assert {t["slug"] for t in feature["tags"]} >= {"aid", "deir-ezzur"}
    assert feature["image"]["url"].startswith(f"{BASE}/media/images/") and feature["image"]["width"] == 1200
    assert "body_html" not in feature


def test_one_article_with_its_full_text(client, full_site):
    feature = full_site.feature
    data = get(client, f"/api/v1/articles/{feature.pk}")
    assert data["headline"] == feature.title
    assert "The first convoy arrived at dawn." in data["body_html"]
    assert 'src="/' not in data["body_html"] and 'href="/' not in data["body_html"]


def test_filters(client, full_site):
    reporter = full_site.reporter.slug
    by_author = headlines(get(client, "/api/v1/articles", author=reporter))
    assert full_site.feature.title in by_author
    assert full_site.article.title not in by_author
    assert headlines(get(client, "/api/v1/articles", tag="aid")) == [full_site.feature.title]
    world = headlines(get(client, "/api/v1/articles", section="world-news"))
    assert full_site.feature.title not in world
    old = ArticlePageFactory(
        parent=full_site.sections["Others"],
        title="From last year",
        first_published_at=timezone.now() - timedelta(days=400),
    )
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert headlines(get(client, "/api/v1/articles", until=year_ago)) == [old.title]
    assert old.title not in headlines(get(client, "/api/v1/articles", since=year_ago, page_size=100))


def test_pages_walk_the_whole_list_once(client, full_site):
    seen, address = [], "/api/v1/articles?page_size=7"
    while address:
        data = get(client, address)
        seen += headlines(data)
        address = data["next"].removeprefix(BASE) if data["next"] else None
    assert len(seen) == len(set(seen)) == 25


@pytest.mark.parametrize(
    ("address", "status"),
    [
        ("/api/v1/articles?page=99", 404),
        ("/api/v1/articles?page=0", 422),
        ("/api/v1/articles?page_size=1000", 422),
        ("/api/v1/articles?since=yesterday", 422),
        ("/api/v1/articles?section=nowhere", 404),
        ("/api/v1/articles?tag=nothing", 404),
        ("/api/v1/articles?section=a%00b", 404),
        ("/api/v1/articles/99999", 404),
        ("/api/v1/articles/abc", 422),
        ("/api/v1/articles/99999999999999999999", 422),
        ("/api/v1/sections/nowhere", 404),
        ("/api/v1/authors/nobody", 404),
    ],
)
def test_bad_requests_get_a_clear_json_answer(client, full_site, address, status):
    response = client.get(address)
    assert response.status_code == status
    assert json.loads(response.content)["detail"]


def test_drafts_are_never_shown_and_withdrawn_stories_are_gone(client, full_site):
    draft = ArticlePageFactory(
        parent=full_site.sections["Others"],
        title="Embargoed until Monday",
        publish=False,
        live=False,
        first_published_at=None,
    )
    assert client.get(f"/api/v1/articles/{draft.pk}").status_code == 404
    assert draft.title not in json.dumps(get(client, "/api/v1/articles", page_size=100))
    article = full_site.article
    article.unpublish()
    response = client.get(f"/api/v1/articles/{article.pk}")
    assert response.status_code == 410
    assert article.title not in headlines(get(client, "/api/v1/articles", page_size=100))


def test_sections_and_authors(client, full_site):
    sections = get(client, "/api/v1/sections")["results"]
    assert [s["title"] for s in sections] == [
        "Latest developments",
        "Middle East",
        "Others",
        "Recovery services",
        "World News",
    ]
    middle_east = get(client, "/api/v1/sections/middle-east")
    assert middle_east["url"] == f"{BASE}/middle-east/"
    assert middle_east["feed"] == f"{BASE}/feeds/sections/middle-east/json/"
    authors = get(client, "/api/v1/authors")
    assert "Rania Haddad" in [a["name"] for a in authors["results"]]
    author = get(client, f"/api/v1/authors/{full_site.reporter.slug}")
    assert author["url"] == f"{BASE}{full_site.reporter.url}"


def test_nothing_private_leaves(client, full_site, admin_user):
    text = json.dumps([get(client, "/api/v1/articles", page_size=100), get(client, "/api/v1/authors")])
    text += json.dumps(get(client, f"/api/v1/articles/{full_site.article.pk}"))
    for private in ("@", "owner", "latest_revision", "ip_address", "email", "locked", "draft_title"):
        assert private not in text, private


def test_only_reading_is_possible(client, full_site):
    for method in ("post", "put", "patch", "delete"):
        for address in ("/api/v1/articles", f"/api/v1/articles/{full_site.article.pk}", "/api/v1/sections"):
            assert getattr(client, method)(address).status_code == 405, (method, address)
    schema = get(client, "/api/v1/openapi.json")
    methods = {method for operations in schema["paths"].values() for method in operations}
    assert methods == {"get"}


def test_the_api_is_rate_limited_per_client(client, full_site, settings):
    settings.DATELINE_SEARCH_RATE_LIMIT = (3, 60)
    # One frozen moment: the limit counts per fixed window, which a slow run
    # could otherwise straddle.
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            assert client.get("/api/v1/sections").status_code == 200
        response = client.get("/api/v1/articles")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert client.get("/api/v1/sections", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_the_documentation_page_is_served_from_the_site(client, full_site):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_the_index_links_the_description_the_documentation_and_the_resources(client, demo_site):
    """A newcomer who opens /api/v1/, as the README presents it, finds where to go."""
    data = get(client, "/api/v1/")
    assert data["openapi"] == f"{BASE}/api/v1/openapi.json"
    assert data["documentation"] == f"{BASE}/api/v1/docs"
    assert data["resources"] == {name: f"{BASE}/api/v1/{name}" for name in ("articles", "sections", "authors")}
    for address in [data["openapi"], data["documentation"], *data["resources"].values()]:
        assert client.get(address.removeprefix(BASE)).status_code == 200, address
    assert client.get("/api/v1").status_code == 301


def test_each_edition_is_listed_on_its_own_and_any_story_is_described_in_its_edition(client, full_site):
    english = get(client, "/api/v1/articles", page_size=100)
    assert {article["language"] for article in english["results"]} == {"en"}
    arabic_home = full_site.editions["ar"]
    arabic = get(client, "/api/v1/articles", language="ar")
    story = full_site.article.get_translation(arabic_home.locale)
    assert story.title in headlines(arabic)
    assert full_site.article.title not in headlines(arabic)
    described = next(a for a in arabic["results"] if a["headline"] == story.title)
    assert described["language"] == "ar"
    assert described["url"] == f"{BASE}{story.url}"
    assert described["section"]["url"].startswith(f"{BASE}/ar/")
    assert get(client, f"/api/v1/articles/{story.pk}")["section"] == described["section"]

    sections = get(client, "/api/v1/sections", language="fa")["results"]
    assert [section["title"] for section in sections][1] == "خاورمیانه"
    assert all(section["url"].startswith(f"{BASE}/fa/") for section in sections)
    assert sections[0]["feed"].startswith(f"{BASE}/fa/feeds/sections/")


@pytest.mark.parametrize("language", ["xx", "de"])
def test_an_edition_the_site_does_not_have_is_not_found(client, full_site, language):
    response = client.get("/api/v1/articles", {"language": language})
    assert response.status_code == 404
    assert language in json.loads(response.content)["detail"]
