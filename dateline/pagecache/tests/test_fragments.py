"""Parts of pages kept between renders, and the lookups each process keeps:
a page rendered again (a purge, a query string, an editor) reuses what did
not change and never shows what did."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from dateline.comments.models import Comment


def queries(client, address):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200, address
    return response, len(context.captured_queries)


def test_a_page_rendered_again_reuses_its_parts_and_shows_every_change(client, purges, full_site):
    feature = full_site.feature
    address = feature.url + "?utm_source=newsletter"  # a query string: rendered by Django every time
    _, from_scratch = queries(client, address)
    _, with_parts_kept = queries(client, address)
    assert with_parts_kept < from_scratch / 3
    with purges():
        Comment.objects.create(
            article=feature, name="Samir", email="samir@example.org", body="Seen from Raqqa.", status="approved"
        )
    response, _ = queries(client, address)
    assert "Seen from Raqqa." in response.content.decode()
    with purges():
        feature.title = "Aid convoys reach Deir Ezzur at last"
        feature.save_revision().publish()
    html = client.get(address).content.decode()
    assert '<h1 class="story__headline">Aid convoys reach Deir Ezzur at last</h1>' in html
    assert '<meta property="og:title" content="Aid convoys reach Deir Ezzur at last">' in html


def test_what_a_kept_part_shows_purges_the_stored_page(front, purges, full_site):
    """The page is stored from parts rendered for an earlier request: their
    tags (here its authors') must still reach the stored page."""
    feature, reporter = full_site.feature, full_site.reporter
    front.get(feature.url + "?from=search")  # renders and keeps the parts, stores no page
    assert front.get(feature.url).cache == "miss"  # stored, from the kept parts
    assert front.get(feature.url).cache == "hit"
    with purges():
        reporter.title = "Lina Haddad-Khoury"
        reporter.save_revision().publish()
    answer = front.get(feature.url)
    assert answer.cache == "miss"
    assert b"Lina Haddad-Khoury" in answer.body


def test_a_preview_neither_uses_nor_leaves_kept_parts(client, full_site):
    feature = full_site.feature
    live_title = feature.title
    client.get(feature.url)  # the live story's parts are kept
    feature.title = "Draft: convoys stopped at the border"
    preview = feature.make_preview_request()
    assert b"Draft: convoys stopped at the border" in preview.content
    html = client.get(feature.url + "?after=preview").content.decode()
    assert f'<h1 class="story__headline">{live_title}</h1>' in html
    assert "Draft: convoys" not in html


def test_a_new_view_restriction_applies_at_once(client, purges, full_site):
    """Whether the site has any private page is kept by each process; a new
    restriction must still close the page at the next request."""
    address = full_site.feature.url + "?ref=home"
    assert client.get(address).status_code == 200
    with purges():
        PageViewRestriction.objects.create(
            page=full_site.sections["Middle East"], restriction_type=PageViewRestriction.PASSWORD, password="embargo"
        )
    html = client.get(address).content.decode()
    assert 'name="password"' in html  # Wagtail's password form, instead of the story
    assert full_site.feature.title not in html
