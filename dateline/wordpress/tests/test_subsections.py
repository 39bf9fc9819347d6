"""Nested WordPress categories become subsections of their parent's section,
whatever order the file lists them in, and their old archive addresses
lead to them."""

import re

import pytest
from django.test import Client

from dateline.articles.models import ArticlePage, HomePage, SectionPage
from dateline.articles.tests.factories import SectionPageFactory
from dateline.wordpress.models import ImportedItem
from dateline.wordpress.tests.conftest import THEME_UNIT_TEST, WXR_HEAD, post, run_import

pytestmark = pytest.mark.django_db


def nested_categories(path):
    """(slug, parent slug) of every nested category the file lists."""
    xml = path.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"<wp:category>(.*?)</wp:category>", xml, re.S):
        slug = re.search(r"<wp:category_nicename>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</wp:category_nicename>", block)[1]
        parent = re.search(r"<wp:category_parent(?:/>|>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</wp:category_parent>)", block)
        if parent and parent[1]:
            found.append((slug, parent[1]))
    return found


def section_of(category_slug):
    imported = ImportedItem.objects.get(kind=ImportedItem.Kind.CATEGORY, key=category_slug)
    return SectionPage.objects.get(pk=imported.object_id)


def test_the_theme_unit_tests_nested_categories_are_subsections(theme_unit_test_import):
    nested = nested_categories(THEME_UNIT_TEST)
    assert len(nested) == 10  # counted from the file: three levels under "Parent Category"
    for slug, parent in nested:
        assert section_of(slug).get_parent().pk == section_of(parent).pk, slug
    grandchild = section_of("grandchild-category")
    assert grandchild.url == "/parent-category/child-category-03/grandchild-category/"
    assert section_of("parent-category").get_parent().specific_class is HomePage
    assert "created as a subsection" in theme_unit_test_import

    client = Client()
    response = client.get("/category/parent-category/child-category-03/grandchild-category/")
    assert (response.status_code, response["Location"]) == (301, grandchild.url)
    # The parent's listing holds its subsections' stories.
    parent_page = client.get(section_of("parent-category").url).content.decode()
    for story in ArticlePage.objects.live().public().descendant_of(section_of("child-category-01"))[:3]:
        assert story.title in parent_page


CATEGORY = (
    "<wp:category><wp:term_id>{id}</wp:term_id><wp:category_nicename>{slug}</wp:category_nicename>"
    "<wp:category_parent>{parent}</wp:category_parent><wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>\n"
)


def export_with(tmp_path, categories, *items):
    head = WXR_HEAD.format(version="1.2")
    listed = "".join(CATEGORY.format(**category) for category in categories)
    path = tmp_path / "export.xml"
    path.write_text(head + listed + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")
    return path


def filed_in(slug, name, item):
    """The post filed under this category instead of the usual News."""
    return item.replace('nicename="news"><![CDATA[News]]>', f'nicename="{slug}"><![CDATA[{name}]]>')


def test_a_child_listed_before_its_parent_and_a_loop_of_parents(tmp_path, demo_site):
    categories = [
        {"id": 20, "slug": "aleppo", "parent": "syria", "name": "Aleppo"},
        {"id": 21, "slug": "syria", "parent": "levant", "name": "Syria"},
        {"id": 22, "slug": "levant", "parent": "", "name": "Levant"},
        # WordPress prevents these; an edited file may hold them.
        {"id": 23, "slug": "ping", "parent": "pong", "name": "Ping"},
        {"id": 24, "slug": "pong", "parent": "ping", "name": "Pong"},
    ]
    path = export_with(tmp_path, categories, filed_in("aleppo", "Aleppo", post(1, "Bread queues in Aleppo")))
    run_import(path)
    aleppo = section_of("aleppo")
    assert aleppo.url == "/levant/syria/aleppo/"
    assert ArticlePage.objects.get(title="Bread queues in Aleppo").url == "/levant/syria/aleppo/post-1/"
    assert "Bread queues in Aleppo" in Client().get("/levant/").content.decode()
    looped = {section_of("ping").get_parent().pk, section_of("pong").get_parent().pk}
    assert demo_site.home.pk in looped  # one of the two is at the top, the other under it


def test_a_subsection_of_a_mapped_category_goes_under_the_existing_section(tmp_path, demo_site):
    categories = [
        {"id": 30, "slug": "mideast", "parent": "", "name": "Mideast"},
        {"id": 31, "slug": "iraq", "parent": "mideast", "name": "Iraq"},
    ]
    section_map = tmp_path / "sections.txt"
    section_map.write_text("mideast: middle-east\n")
    run_import(export_with(tmp_path, categories), "--section-map", str(section_map))
    assert section_of("iraq").url == "/middle-east/iraq/"


def test_a_categorys_slug_taken_elsewhere_in_the_edition_gets_another(tmp_path, demo_site):
    SectionPageFactory(parent=demo_site.sections["World News"], title="Gaza", slug="gaza")
    categories = [
        {"id": 40, "slug": "news", "parent": "", "name": "News"},
        {"id": 41, "slug": "gaza", "parent": "news", "name": "Gaza"},
    ]
    run_import(export_with(tmp_path, categories))
    assert section_of("gaza").url == "/news/gaza-2/"
