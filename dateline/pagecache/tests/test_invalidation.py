"""A change refreshes every stored page that shows it, at the next request
after it commits, and nothing else: unrelated pages stay hits."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from dateline.articles.models import ArticlePage, SectionPage
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.comments.models import Comment, CommentPolicy
from dateline.newsroom.models import BrandingSettings


@pytest.fixture
def site(full_site):
    """The full site plus a story in another section, with a tag of its own."""
    world = full_site.sections["World News"]
    full_site.elsewhere = ArticlePageFactory(parent=world, title="Floods in the delta", authors=[full_site.staff])
    full_site.elsewhere.tags.add("Floods")
    full_site.elsewhere.save_revision().publish()
    # The page cache remembers which listings each story was in at its last
    # publication (articles/purges.py): the shared site was built before this
    # test emptied the cache, which must then purge every listing to be safe.
    full_site.feature.save_revision().publish()
    return full_site


def warm(front, *addresses):
    for address in addresses:
        front.get(address)
        answer = front.get(address)
        assert (answer.status, answer.cache) == (200, "hit"), address


def caching(front, *addresses):
    """What the next request for each address gets: "hit" (the stored page) or "miss" (rendered again)."""
    return {address: front.get(address).cache for address in addresses}


def test_editing_a_story_refreshes_the_pages_that_show_it_and_nothing_else(front, purges, site):
    feature = site.feature
    # The seed story shows it among its section's newest (related stories).
    shown = [feature.url, site.article.url, "/", "/middle-east/", "/tags/deir-ezzur/", site.reporter.url, "/feeds/rss/"]
    unrelated = [site.elsewhere.url, "/world-news/", "/tags/floods/", "/middle-east/page/2/"]
    warm(front, *shown, *unrelated)
    with purges():
        feature.title = "Aid convoys reach Deir Ezzur at last"
        feature.save_revision().publish()
    assert caching(front, *shown) == dict.fromkeys(shown, "miss")
    assert caching(front, *unrelated) == dict.fromkeys(unrelated, "hit")
    for address in shown:
        assert b"reach Deir Ezzur at last" in front.get(address).body, address


def test_a_new_story_refreshes_its_listings_and_its_sections_stories(front, purges, site):
    middle_east = site.sections["Middle East"]
    refreshed = ["/", "/middle-east/", "/middle-east/page/2/", site.feature.url, "/feeds/rss/", "/sitemap.xml"]
    unrelated = [site.elsewhere.url, "/world-news/", "/tags/floods/", "/tags/deir-ezzur/"]
    warm(front, *refreshed, *unrelated)
    with purges():
        ArticlePageFactory(parent=middle_east, title="Ceasefire talks resume", authors=[site.reporter])
    assert caching(front, *refreshed) == dict.fromkeys(refreshed, "miss")
    assert caching(front, *unrelated) == dict.fromkeys(unrelated, "hit")
    assert b"Ceasefire talks resume" in front.get(site.feature.url).body  # in its related stories


def test_a_taken_down_story_leaves_every_page_at_once(front, purges, site):
    feature_url = site.feature.url
    warm(front, feature_url, "/", "/tags/deir-ezzur/", "/feeds/json/")
    with purges():
        site.feature.unpublish()
    assert front.get(feature_url).status == 410
    for address in ("/", "/tags/deir-ezzur/", "/feeds/json/"):
        answer = front.get(address)
        assert answer.cache == "miss" and b"Aid convoys" not in answer.body, address


def test_a_moved_story_leaves_its_old_address_and_section(front, purges, site):
    old_url = site.feature.url
    warm(front, old_url, "/middle-east/", "/world-news/")
    with purges():
        site.feature.move(site.sections["World News"], pos="last-child")
    assert front.get(old_url).status in (301, 404, 410)
    assert caching(front, "/middle-east/", "/world-news/") == {"/middle-east/": "miss", "/world-news/": "miss"}
    assert b"Aid convoys" in front.get("/world-news/").body


def test_an_approved_comment_refreshes_its_story_only(front, purges, site):
    feature = site.feature
    warm(front, feature.url, site.elsewhere.url)
    with purges():
        held = Comment.objects.create(article=feature, name="Lina", email="lina@example.org", body="First!")
    assert caching(front, feature.url) == {feature.url: "hit"}, "a held comment changes no public page"
    with purges():
        held.status = Comment.Status.APPROVED
        held.save(update_fields=["status"])
    answer = front.get(feature.url)
    assert answer.cache == "miss" and b"First!" in answer.body
    assert caching(front, site.elsewhere.url) == {site.elsewhere.url: "hit"}
    with purges():
        held.status = Comment.Status.TRASH
        held.save(update_fields=["status"])
    answer = front.get(feature.url)
    assert answer.cache == "miss" and b"First!" not in answer.body


def test_renaming_a_section_refreshes_every_page_with_the_menu(front, purges, site):
    pages = [site.elsewhere.url, "/", "/tags/floods/", "/feeds/rss/"]
    warm(front, *pages)
    with purges():
        others = SectionPage.objects.get(title="Others")
        others.title = "Elsewhere"
        others.save_revision().publish()
    assert caching(front, *pages) == dict.fromkeys(pages, "miss")
    assert b"Elsewhere" in front.get(site.elsewhere.url).body


def test_a_site_setting_refreshes_every_page(front, purges, site):
    pages = [site.elsewhere.url, "/", "/robots.txt"]
    warm(front, *pages)
    with purges():
        branding = BrandingSettings.objects.get(site__root_page=site.home)
        branding.tagline = "News from the river towns"
        branding.save()
    assert caching(front, *pages) == dict.fromkeys(pages, "miss")
    assert b"News from the river towns" in front.get(site.elsewhere.url).body


def test_a_change_to_the_logo_image_refreshes_every_page(front, purges, site):
    logo = site.feature.hero_image
    with purges():
        branding = BrandingSettings.objects.get(site__root_page=site.home)
        branding.logo = logo
        branding.save()
    pages = [site.elsewhere.url, "/", "/world-news/"]
    warm(front, *pages)
    with purges():
        logo.focal_point_x, logo.focal_point_y, logo.focal_point_width, logo.focal_point_height = 10, 10, 100, 100
        logo.save()
    assert caching(front, *pages) == dict.fromkeys(pages, "miss")


def test_renaming_an_author_refreshes_their_bylines(front, purges, site):
    warm(front, site.feature.url, site.elsewhere.url)
    with purges():
        site.reporter.title = "Rania Haddad-Khoury"
        site.reporter.save_revision().publish()
    assert caching(front, site.feature.url, site.elsewhere.url) == {site.feature.url: "miss", site.elsewhere.url: "hit"}


def test_comments_closing_by_the_clock_refreshes_the_story(front, purges, site, settings):
    settings.DATELINE_PAGE_CACHE_MAX_AGE = 7 * 24 * 60 * 60
    with purges():
        policy, _ = CommentPolicy.objects.get_or_create(site=Site.objects.get(root_page=site.home))
        policy.close_after_days = 3
        policy.save()
    feature = ArticlePage.objects.get(pk=site.feature.pk)
    closes = feature.first_published_at + timedelta(days=3)
    warm(front, feature.url)
    with time_machine.travel(closes - timedelta(minutes=1)):
        assert front.get(feature.url).cache == "hit"
    with time_machine.travel(closes + timedelta(seconds=1)):
        answer = front.get(feature.url)
        assert answer.cache == "miss" and b"Post Comment" not in answer.body


def test_the_news_sitemap_is_kept_no_longer_than_its_max_age(front, site):
    first = front.get("/news-sitemap.xml")
    max_age = int(first.headers["cache-control"].partition("max-age=")[2].partition(",")[0])
    with time_machine.travel(timezone.now() + timedelta(seconds=max_age - 5)):
        answer = front.get("/news-sitemap.xml")
        assert answer.cache == "hit" and 0 < int(answer.headers["age"]) <= max_age
    with time_machine.travel(timezone.now() + timedelta(seconds=max_age + 1)):
        assert front.get("/news-sitemap.xml").cache == "miss"


def test_scheduled_publishing_refreshes_the_front_page(front, purges, site):
    go_live = timezone.now() + timedelta(hours=1)
    story = ArticlePageFactory.build(
        title="Embargoed report", authors=[site.reporter], live=False, go_live_at=go_live, first_published_at=None
    )
    site.sections["Middle East"].add_child(instance=story)
    with purges():
        story.save_revision().publish()
    warm(front, "/")
    assert b"Embargoed report" not in front.get("/").body
    with time_machine.travel(go_live + timedelta(seconds=1)), purges():
        call_command("publish_scheduled")
    answer = front.get("/")
    assert answer.cache == "miss" and b"Embargoed report" in answer.body
