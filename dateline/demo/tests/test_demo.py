"""The demo content is the seed page, exactly, and loading it twice changes nothing."""

from io import StringIO

from django.core.management import call_command
from wagtail.models import Page, Site

from dateline.articles.models import ArticlePage, AuthorPage, SectionPage
from dateline.newsroom.models import BrandingSettings
from dateline.testing import SEED_PAGE


def seed_page_article():
    """The headline and paragraphs of the original page, read straight from it."""
    lines = SEED_PAGE.read_text(encoding="utf-8").split("\n")
    text = [line for line in lines[3:] if line.strip()]
    return lines[2], text[: text.index("Leave a Reply")]


def test_the_bundled_seed_matches_the_original_page_character_for_character():
    from dateline.demo.seed import seed_content

    headline, paragraphs = seed_page_article()
    seed = seed_content()["article"]
    assert seed["headline"] == headline
    assert seed["paragraphs"] == paragraphs
    assert len(paragraphs) == 9
    assert "".join(seed_content()["sections"]) == SEED_PAGE.read_text(encoding="utf-8").split("\n")[0]


def test_demo_has_the_seed_sections_in_menu_order(demo_site):
    sections = SectionPage.objects.live().child_of(demo_site.home).order_by("path")
    assert [s.title for s in sections] == [
        "Latest developments",
        "Middle East",
        "Others",
        "Recovery services",
        "World News",
    ]
    assert all(section.show_in_menus for section in sections)


def test_demo_article_is_the_seed_article(demo_site, client):
    headline, paragraphs = seed_page_article()
    article = demo_site.article
    assert article.title == headline
    assert article.live and article.live_revision_id == article.latest_revision_id
    assert article.get_parent().specific == demo_site.sections["Middle East"]
    assert list(article.also_in.all()) == [demo_site.sections["Latest developments"]]
    assert article.dateline == "Deir Ezzur"
    assert article.comments_open
    assert [byline.author.title for byline in article.bylines.all()] == ["Newsroom staff"]
    assert demo_site.staff.job_title == "Staff byline"
    rendered = [block.value.source for block in article.body]
    assert rendered == ["".join(f"<p>{p}</p>" for p in paragraphs).replace("’", "’")]
    assert (
        article.url == "/middle-east/syrian-army-popular-fighters-drive-isil-out-of-large-region-in-western-deir-ezzur/"
    )


def test_demo_replaces_wagtails_welcome_page_and_names_the_site(demo_site):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == demo_site.home
    assert site.site_name == "Dateline"
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
    branding = BrandingSettings.for_site(site)
    assert branding.tagline
    assert "newsroom staff byline" in branding.footer_text


def test_loading_twice_gives_one_copy(db):
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    counts = (Page.objects.count(), ArticlePage.objects.count(), AuthorPage.objects.count())
    call_command("load_demo", stdout=second)
    assert (Page.objects.count(), ArticlePage.objects.count(), AuthorPage.objects.count()) == counts
    assert "Created ArticlePage: Syrian Army" in first.getvalue()
    assert second.getvalue().strip() == "Demo content is already loaded; nothing to do."
    assert Page.find_problems() == ([], [], [], [], [])


def test_loading_again_keeps_an_editors_changes(demo_site):
    section = demo_site.sections["Others"]
    section.title = "Opinion"
    section.save_revision().publish()
    call_command("load_demo", stdout=StringIO())
    english = SectionPage.objects.child_of(demo_site.home).order_by("path")
    assert [s.title for s in english][2] == "Opinion"
    assert english.count() == 5
    # Each edition keeps its five sections, and gains no second copy.
    assert SectionPage.objects.count() == 5 * len(demo_site.editions)


def test_dry_run_changes_nothing(db):
    out = StringIO()
    call_command("load_demo", dry_run=True, stdout=out)
    assert "Would create ArticlePage: Syrian Army" in out.getvalue()
    assert not ArticlePage.objects.exists()


def test_the_demo_has_arabic_and_farsi_editions_with_their_menus_and_the_seed_article(demo_site, client):
    from dateline.demo.editions import edition_texts

    texts = edition_texts()
    assert sorted(texts) == ["ar", "fa"]
    for language, text in texts.items():
        home = demo_site.editions[language]
        menu = [section.title for section in SectionPage.objects.child_of(home).order_by("path")]
        assert menu == [text["sections"][title]["title"] for title in demo_site.seed["sections"]]
        article = demo_site.article.get_translation(home.locale)
        assert article.title == text["article"]["headline"]
        html = client.get(article.url).content.decode()
        assert f'<html lang="{language}" dir="rtl">' in html
        assert text["article"]["paragraphs"][0] in html
    assert "دير الزور" in texts["ar"]["article"]["headline"]
