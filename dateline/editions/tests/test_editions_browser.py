"""The Arabic and Farsi editions in Chromium, at desktop and phone widths:
laid out right to left, nothing wider than the screen, comments in mixed
scripts in their own direction. Screenshots are kept in test-artifacts/."""

import pytest

from dateline.comments.models import Comment

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 375}

# Readers write in their own script, and quote names and places in others.
COMMENTS = [
    ("عمر", "الخريطة منشورة على موقع الوزارة منذ أمس."),
    ("Omid Karimi", "این گزارش با گزارش Reuters در ۱۲ مارس همخوانی دارد."),
    ("رنا", "Which villages? The report names only Faydat Umm Muwaynah."),
]


@pytest.fixture
def edition_article(demo_site):
    """Each edition's version of the seed article, with a thread of mixed-script comments."""
    versions = {}
    for language in ("ar", "fa"):
        article = demo_site.article.get_translation(demo_site.editions[language].locale)
        parent = None
        for depth, (name, body) in enumerate(COMMENTS):
            parent = Comment.objects.create(
                article=article,
                parent=parent,
                thread_root_id=(parent.thread_root_id or parent.pk) if parent else None,
                depth=depth,
                name=name,
                email=f"reader{depth}@example.org",
                body=body,
                status=Comment.Status.APPROVED,
            )
        versions[language] = article
    return versions


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def assert_fits(page, where):
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where} is {overflow}px wider than the screen"


@pytest.mark.parametrize("language", ["ar", "fa"])
@pytest.mark.parametrize("device", list(WIDTHS))
def test_an_edition_reads_right_to_left_at_every_width(
    new_browser_context, demo_site, edition_article, artifacts, language, device
):
    width = WIDTHS[device]
    context = new_browser_context(viewport={"width": width, "height": 900}, locale=language)
    page = context.new_page()
    home = demo_site.editions[language]
    section = demo_site.sections["Middle East"].get_translation(home.locale)
    article = edition_article[language]
    for name, address in (("home", home.url), ("section", section.url), ("article", article.url)):
        page.goto(address)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [language, "rtl"]
        assert_fits(page, f"the {language} {name} page at {width}px")
        # The masthead starts at the right: the site's name sits nearer the right edge than the left.
        brand = box(page, ".masthead__name")
        assert width - (brand["x"] + brand["width"]) < brand["x"], f"{name}: the site's name is not on the right"
        page.screenshot(path=artifacts / f"edition-{language}-{name}-{device}.png", full_page=True)

    # The menu runs right to left: the first section is right of the second (on one row, at desktop width).
    first, second = (page.locator(".section-nav a").nth(i).bounding_box() for i in (0, 1))
    if first["y"] == second["y"]:
        assert first["x"] > second["x"]

    # Comments: each body takes the direction of its own words; names keep theirs.
    page.goto(f"{article.url}#comments")
    comments = page.locator(".comment__text")
    directions = [comments.nth(i).evaluate("el => getComputedStyle(el).direction") for i in range(len(COMMENTS))]
    assert directions == ["rtl", "rtl", "ltr"]
    assert page.locator(".comment__author bdi", has_text="Omid Karimi").count() == 1

    # The comment form mirrors: each label starts at the right edge of its field.
    label, field = box(page, "label[for$='name']"), box(page, "input[name='name']")
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2
    assert_fits(page, f"the {language} comments at {width}px")
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"edition-{language}-comments-{device}.png", full_page=True)
