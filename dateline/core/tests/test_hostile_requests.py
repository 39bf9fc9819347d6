"""Requests no reader's browser sends, found by probing the site as an
attacker would (issue 16): each gets a clear 4xx, never a 500."""

import pytest
from django.test import Client

NUL_PATHS = [
    "/a%00b/",
    "/middle-east/a%00b/",
    "/tags/a%00b/",
    "/api/v1/sections/a%00b",
    "/api/v1/authors/a%00b",
    "/feeds/authors/a%00b/json/",
    "/sitemap-a%00b.xml",
    "/healthz/a%00b",
    "/comments/%00/report/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_byte_in_a_path_is_not_found(client, demo_site, path):
    """Regression: PostgreSQL refuses NUL in text, and every 404 asked the
    database whether a story had been taken down at that address: a 500."""
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("article", ["%C2%B2", "%D9%A3", "12%00", "-1", "", "99999999999"])
def test_an_article_id_that_is_not_a_number_is_refused(client, demo_site, article):
    """Regression: "²".isdigit() is true and int("²") fails: a 500."""
    response = client.get(f"/comments/token/?article={article}")
    assert response.status_code == 400
    assert response.json() == {"error": "Say which article: ?article=<id>."}


def test_a_form_post_in_another_encoding_is_a_400(demo_site):
    """Regression: Django refuses a form body that is not UTF-8 (BadRequest)
    when the CSRF check reads it, and its error page ran the CSRF check
    again, which read the body again: a bare 500 on any address."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    token = "a" * 32
    client.cookies["csrftoken"] = token
    for address in ["/", f"/comments/post/{demo_site.article.pk}/", "/search/", "/admin/login/", "/no-such-page/"]:
        response = client.post(
            address,
            f"csrfmiddlewaretoken={token}&comment=Hello",
            content_type="application/x-www-form-urlencoded; charset=latin-1",
        )
        assert response.status_code == 400, address
        assert "could not read" in response.content.decode(), address


@pytest.mark.parametrize("page", ["/", "/middle-east/", "/authors/", "/privacy/"])
def test_pages_allow_only_reading(client, demo_site, page):
    """Regression: OPTIONS said every page took PUT, PATCH and DELETE."""
    assert client.options(page)["Allow"] == "GET, HEAD, OPTIONS"
    for method in (client.put, client.patch, client.delete):
        assert method(page).status_code == 405
    assert client.options(demo_site.article.url)["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("address", ["/search/?q=convoy", "/robots.txt", "/feeds/rss/", "/sitemap.xml"])
def test_head_is_answered_as_get_is(client, demo_site, address):
    """Regression: HEAD was a 405 when the page cache did not hold the page, and a 200 when it did."""
    head, get = client.head(address), client.get(address)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


def test_the_api_answers_an_unknown_address_in_json(client, demo_site):
    for address in ["/api/v1/nope/", "/api/v1/articles/1/extra/"]:
        response = client.get(address)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), address
        assert response.json() == {"detail": "Not Found"}
