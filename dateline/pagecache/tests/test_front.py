"""Stored pages are answered by the front, before Django runs, with the
same bytes a miss sends; anything personal never comes from the store."""

import gzip

import brotli
import pytest

from dateline.articles.models import ArticlePage


@pytest.fixture
def article_url(full_site):
    return full_site.feature.url


def test_a_second_reader_is_answered_before_django_runs(front, article_url):
    first = front.get(article_url)
    assert (first.status, first.cache) == (200, "miss")
    assert front.django_requests == 1
    second = front.get(article_url)
    assert (second.status, second.cache) == (200, "hit")
    assert front.django_requests == 1, "a hit must not reach Django's request handler"
    assert second.body == first.body
    assert b"Aid convoys reach Deir Ezzur" in second.body


def test_a_story_with_an_arabic_address_is_answered_from_the_store(front, full_site):
    """Regression: the front looked a page up under its address as WSGI hands
    it over (the request's bytes as Latin-1 text) while the middleware stored
    it under Django's decoded text, so a story with an Arabic slug was
    rendered again for every reader (and never written for nginx)."""
    story = ArticlePage.objects.live().filter(locale__language_code="ar").exact_type(ArticlePage).first()
    assert "%D8" in story.url
    first = front.get(story.url)
    assert (first.status, first.cache) == (200, "miss")
    second = front.get(story.url)
    assert (second.status, second.cache) == (200, "hit")
    assert front.django_requests == 1
    assert second.body == first.body


def test_what_a_client_sends_as_scheme_or_port_makes_no_new_copy(front, article_url):
    """Regression (issue 16): the store's key held X-Forwarded-Proto and the
    Host's port as sent, with no trusted proxy; 500 requests with distinct
    values made 500 renders and 500 copies."""
    front.get(article_url)
    for n in range(50):
        answer = front.get(article_url, x_forwarded_proto=f"gopher{n}", host=f"testserver:{1000 + n}")
        assert (answer.status, answer.cache) == (200, "hit")
    assert front.django_requests == 1


def test_a_host_the_site_does_not_serve_is_never_stored(front, article_url):
    for n in range(3):
        answer = front.get(article_url, host=f"evil{n}.example")
        assert answer.status == 400 and answer.cache is None
    assert front.get(article_url).cache == "miss"


PUBLIC_ADDRESSES = [
    "/",
    "/middle-east/",
    "/middle-east/page/2/",
    "/tags/deir-ezzur/",
    "/authors/rania-haddad/",
    "/authors/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/feeds/sections/middle-east/rss/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/news-sitemap.xml",
    "/robots.txt",
]


def test_every_kind_of_public_page_is_stored(front, full_site):
    for address in [full_site.article.url, *PUBLIC_ADDRESSES]:
        assert front.get(address).cache == "miss", address
        again = front.get(address)
        assert (again.status, again.cache) == (200, "hit"), address


def test_compressed_answers_are_the_same_page(front, article_url):
    plain = front.get(article_url).body
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        answer = front.get(article_url, accept_encoding=f"{encoding}")
        assert answer.cache == "hit"
        assert answer.headers["content-encoding"] == encoding
        assert "Accept-Encoding" in answer.headers["vary"]
        assert int(answer.headers["content-length"]) == len(answer.body) < len(plain) / 3
        assert decompress(answer.body) == plain
    preferred = front.get(article_url, accept_encoding="gzip, deflate, br")
    assert preferred.headers["content-encoding"] == "br"
    refused = front.get(article_url, accept_encoding="br;q=0, gzip;q=0.5")
    assert refused.headers["content-encoding"] == "gzip"
    identity = front.get(article_url, accept_encoding="identity")
    assert "content-encoding" not in identity.headers and identity.body == plain


def test_conditional_requests_get_304_from_the_front(front, article_url):
    first = front.get(article_url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"  # browsers keep it but ask each time
    requests_before = front.django_requests
    for headers in ({"if_none_match": etag}, {"if_none_match": f'"other", {etag}'}, {"if_modified_since": modified}):
        answer = front.get(article_url, **headers)
        assert (answer.status, answer.body) == (304, b"")
        assert answer.headers["etag"] == etag
    assert front.get(article_url, if_none_match='"something-else"').status == 200
    assert front.django_requests == requests_before


def test_head_is_answered_without_a_body(front, article_url):
    body = front.get(article_url).body
    answer = front.get(article_url, method="HEAD")
    assert (answer.status, answer.cache, answer.body) == (200, "hit", b"")
    assert int(answer.headers["content-length"]) == len(body)


def test_editors_and_personal_addresses_always_reach_django(front, full_site, article_url, client, django_user_model):
    front.get(article_url)
    assert front.get(article_url).cache == "hit"
    editor = django_user_model.objects.create_superuser("editor", password="x")
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    for answer in (
        front.get(article_url, cookie=f"sessionid={session}"),
        front.get(f"{article_url}?comment=1"),  # a reader's own held comment
        front.get(article_url, authorization="Basic eDp5"),
    ):
        assert answer.status == 200 and answer.cache is None
    # What an editor was sent is not stored for readers either.
    assert front.get("/authors/", cookie=f"sessionid={session}").cache is None
    assert front.get("/authors/").cache == "miss"


def test_pages_that_set_cookies_or_are_private_are_not_stored(front, full_site):
    # The token endpoint sets the CSRF cookie; search answers depend on the query.
    # The read API is not a page (yet): its answers say nothing of what they show.
    for address in (f"/comments/token/?article={full_site.feature.pk}", "/search/?q=aid", "/api/v1/articles"):
        front.get(address)
        assert front.get(address).cache is None
    assert front.get("/no-such-page/").status == 404
    assert front.get("/no-such-page/").cache is None


def test_a_post_is_never_answered_from_the_store(front, article_url):
    front.get(article_url)
    answer = front.get(article_url, method="POST")
    assert answer.cache is None
