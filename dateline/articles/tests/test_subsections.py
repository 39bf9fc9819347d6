"""Subsections: a section under a section (Syria under Middle East), as
newsrooms file stories and as nested WordPress categories arrive. A section
lists its subsections' stories with its own; the menu keeps to the top
level; feeds, search and the API name a subsection by its slug."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from dateline.articles.models import SectionPage
from dateline.articles.tests.factories import ArticlePageFactory, SectionPageFactory
from dateline.articles.tests.test_navigation import SEED_MENU, menu
from dateline.pagecache.tests.test_invalidation import caching, warm
from dateline.search.tests.test_search import found


@pytest.fixture
def syria(demo_site):
    """Syria under Middle East, with a story of its own."""
    section = SectionPageFactory(
        parent=demo_site.sections["Middle East"], title="Syria", slug="syria", introduction="Reporting from Syria."
    )
    section.story = ArticlePageFactory(parent=section, title="Bakeries reopen in Idlib", authors=[demo_site.staff])
    return section


def json_ld(html, kind):
    found = [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]
    return next(data for data in found if data.get("@type") == kind)


def test_a_subsection_has_its_own_page_under_its_section(client, demo_site, syria):
    assert syria.url == "/middle-east/syria/"
    assert syria.story.url == "/middle-east/syria/bakeries-reopen-in-idlib/"
    html = re.sub(r">\s+<", "><", client.get("/middle-east/syria/").content.decode())
    assert "<h1>Syria</h1>" in html and "Bakeries reopen in Idlib" in html
    # It says where it belongs: a link up to Middle East, and in JSON-LD.
    assert '<nav class="listing-header__kicker" aria-label="Part of"><a href="/middle-east/">Middle East</a>' in html
    trail = [item["name"] for item in json_ld(html, "BreadcrumbList")["itemListElement"]]
    assert trail == ["Home", "Middle East", "Syria"]
    # The menu keeps to the top-level sections, Middle East marked as where the reader is.
    assert menu(client, "/middle-east/syria/") == SEED_MENU
    assert '<a href="/middle-east/" aria-current="true">Middle East</a>' in html


def test_a_section_lists_its_subsections_and_their_stories(client, purges, demo_site, syria):
    html = re.sub(r">\s+<", "><", client.get("/middle-east/").content.decode())
    subsections = html.split('<nav class="subsections"')[1].split("</nav>")[0]
    assert 'aria-label="Subsections of Middle East"' in subsections
    assert '<a href="/middle-east/syria/">Syria</a>' in subsections
    assert "Bakeries reopen in Idlib" in html
    assert "Bakeries reopen in Idlib" in client.get("/").content.decode()
    assert "Bakeries reopen in Idlib" not in client.get("/world-news/").content.decode()
    # A subsection hidden from menus keeps its page but leaves the list.
    syria.show_in_menus = False
    with purges():
        syria.save_revision().publish()
    assert '<nav class="subsections"' not in client.get("/middle-east/").content.decode()
    assert client.get("/middle-east/syria/").status_code == 200


def test_a_story_in_a_subsection_carries_the_whole_trail(client, demo_site, syria):
    html = client.get(syria.story.url).content.decode()
    trail = [item["name"] for item in json_ld(html, "BreadcrumbList")["itemListElement"]]
    assert trail == ["Home", "Middle East", "Syria", "Bakeries reopen in Idlib"]
    assert json_ld(html, "ReportageNewsArticle")["articleSection"] == ["Syria"]
    assert '<a href="/middle-east/" aria-current="true">Middle East</a>' in html


def test_a_new_story_in_a_subsection_refreshes_the_sections_above_it(front, purges, demo_site, syria):
    refreshed = ["/middle-east/syria/", "/middle-east/", "/"]
    unrelated = ["/world-news/", "/others/", "/feeds/sections/world-news/rss/"]
    warm(front, *refreshed, *unrelated)
    with purges():
        ArticlePageFactory(parent=syria, title="Power returns to Aleppo", authors=[demo_site.staff])
    assert caching(front, *unrelated) == dict.fromkeys(unrelated, "hit")
    for address in refreshed:
        answer = front.get(address)
        assert answer.cache == "miss" and b"Power returns to Aleppo" in answer.body, address


def test_feeds_search_and_the_api_find_a_subsection_by_its_slug(client, demo_site, syria):
    feed = client.get("/feeds/sections/syria/rss/")
    assert feed.status_code == 200 and b"Bakeries reopen in Idlib" in feed.content
    assert b"Bakeries reopen in Idlib" in client.get("/feeds/sections/middle-east/rss/").content
    assert 'href="/feeds/sections/syria/rss/"' in client.get("/middle-east/syria/").content.decode()

    search = client.get("/search/", {"q": "bakeries", "section": "syria"}).content.decode()
    assert '<option value="syria" selected>Middle East › Syria</option>' in search
    assert found(client, "bakeries", section="syria") == ["Bakeries reopen in Idlib"]
    assert found(client, "bakeries", section="middle-east") == ["Bakeries reopen in Idlib"]
    assert found(client, "bakeries", section="others") == []

    sections = client.get("/api/v1/sections").json()["results"]
    by_slug = {section["slug"]: section for section in sections}
    assert by_slug["syria"]["parent"] == "middle-east" and by_slug["middle-east"]["parent"] is None
    slugs = [section["slug"] for section in sections]
    assert slugs.index("syria") == slugs.index("middle-east") + 1  # right after its section
    assert client.get("/api/v1/sections/syria").json()["url"].endswith("/middle-east/syria/")
    in_middle_east = client.get("/api/v1/articles", {"section": "middle-east"}).json()["results"]
    assert "Bakeries reopen in Idlib" in [story["headline"] for story in in_middle_east]


def test_a_sections_slug_is_unique_in_its_edition(demo_site, syria):
    """Feeds, search and the API name sections by slug alone."""
    with pytest.raises(ValidationError, match="Another section of this edition has the slug “syria”"):
        SectionPageFactory(parent=demo_site.sections["World News"], title="Syria", slug="syria")
    with pytest.raises(ValidationError, match="“middle-east”"):
        SectionPageFactory(parent=demo_site.sections["World News"], title="Middle East", slug="middle-east")
    # Another edition has sections of its own.
    world = demo_site.sections["World News"]
    arabic_world = SectionPage.objects.descendant_of(demo_site.editions["ar"]).get(
        translation_key=world.translation_key
    )
    SectionPageFactory(parent=arabic_world, title="سوريا", slug="syria")


def test_editors_add_a_subsection_in_the_admin_and_hear_why_a_slug_is_refused(admin_client, demo_site, syria):
    world = demo_site.sections["World News"]
    address = f"/admin/pages/add/articles/sectionpage/{world.pk}/"
    assert address in admin_client.get(f"/admin/pages/{world.pk}/add_subpage/").content.decode()

    def form(title, slug):
        fields = {"title": title, "slug": slug, "introduction": "", "comments": inline_formset([])}
        return nested_form_data({**fields, "action-publish": "publish"})

    refused = admin_client.post(address, form("Syria", "syria"))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Another section of this edition has the slug “syria”" in html
    assert 'value="Syria"' in html  # what the editor typed is kept
    assert admin_client.post(address, form("Europe", "europe")).status_code == 302
    europe = SectionPage.objects.get(slug="europe")
    assert europe.live and europe.get_parent().pk == world.pk
