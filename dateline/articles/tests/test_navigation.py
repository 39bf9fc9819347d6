"""The section menu follows what editors do in the admin, with no code change."""

import re

import pytest
from django.core.exceptions import ValidationError

from dateline.articles.models import SectionPage
from dateline.articles.tests.factories import SectionPageFactory

SEED_MENU = ["Latest developments", "Middle East", "Others", "Recovery services", "World News"]


def menu(client, address="/"):
    html = client.get(address).content.decode()
    nav = html.split('<nav class="section-nav"')[1].split("</nav>")[0]
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]*)</a>', nav)


def test_menu_shows_the_seed_sections_in_order_on_every_page(client, demo_site):
    for address in ["/", "/middle-east/", demo_site.article.url, "/authors/staff/", "/authors/", "/no-such-page/"]:
        assert menu(client, address) == SEED_MENU, address


def test_current_section_is_marked(client, demo_site):
    html = client.get("/middle-east/").content.decode()
    assert '<a href="/middle-east/" aria-current="page">Middle East</a>' in html
    html = client.get(demo_site.article.url).content.decode()
    assert '<a href="/middle-east/" aria-current="true">Middle East</a>' in html


def test_renaming_a_section_renames_its_menu_entry(client, demo_site):
    others = demo_site.sections["Others"]
    others.title = "Opinion"
    others.save_revision().publish()
    assert menu(client) == ["Latest developments", "Middle East", "Opinion", "Recovery services", "World News"]


def test_reordering_sections_reorders_the_menu(client, demo_site):
    world = demo_site.sections["World News"]
    world.move(demo_site.sections["Latest developments"], pos="left")
    assert menu(client) == ["World News", "Latest developments", "Middle East", "Others", "Recovery services"]


def test_new_section_joins_the_menu(client, demo_site):
    SectionPageFactory(parent=demo_site.home, title="Sport", slug="sport")
    assert menu(client) == [*SEED_MENU, "Sport"]


def test_hidden_section_leaves_the_menu_but_keeps_its_page(client, demo_site):
    recovery = demo_site.sections["Recovery services"]
    recovery.show_in_menus = False
    recovery.save_revision().publish()
    assert "Recovery services" not in menu(client)
    assert client.get("/recovery-services/").status_code == 200


def test_unpublished_section_leaves_the_menu(client, demo_site):
    demo_site.sections["Others"].unpublish()
    assert "Others" not in menu(client)


@pytest.mark.parametrize("slug", ["tags", "search", "feeds", "api"])
def test_sections_cannot_take_addresses_the_site_uses(demo_site, slug):
    section = SectionPage(title="Tags", slug=slug)
    with pytest.raises(ValidationError, match="address the site uses itself"):
        demo_site.home.add_child(instance=section)
