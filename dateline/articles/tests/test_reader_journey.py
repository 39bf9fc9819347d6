"""A reader in a real browser (Debian's Chromium), moving only by clicks and keys."""

import pytest

from dateline.testing.fixtures.browser import ARTIFACTS

pytestmark = pytest.mark.browser

RECORD_SCROLLS = """
window.__scrolls = [];
const scrollTo = window.scrollTo.bind(window);
window.scrollTo = (options) => { window.__scrolls.push(options && options.behavior); scrollTo(options); };
"""


def back_to_top(page):
    return page.get_by_role("link", name="Back to top")


def scroll_to_bottom(page):
    page.mouse.wheel(0, 20_000)
    page.wait_for_function(
        "() => window.scrollY > 0 && window.scrollY + window.innerHeight >= document.body.scrollHeight - 2"
    )


def screenshot(page, name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_reader_finds_and_reads_the_seed_article(browser_page, demo_site):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.add_init_script(RECORD_SCROLLS)
    page.goto("/")
    screenshot(page, "home-desktop")

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Middle East").click()
    page.wait_for_url("**/middle-east/")
    assert page.get_by_role("heading", level=1).inner_text() == "Middle East"
    screenshot(page, "section-desktop")

    seed = demo_site.seed["article"]
    page.get_by_role("link", name=seed["headline"]).click()
    page.wait_for_url(f"**/middle-east/{seed['slug']}/")
    assert page.get_by_role("heading", level=1).inner_text() == seed["headline"]
    assert page.locator(".story__body p").all_inner_texts() == seed["paragraphs"]
    screenshot(page, "article-desktop")

    # The floating control appears only once the reader has scrolled.
    button = back_to_top(page)
    assert not button.is_visible()
    scroll_to_bottom(page)
    page.wait_for_function("() => document.querySelector('[data-back-to-top]').classList.contains('is-visible')")
    page.wait_for_function("() => getComputedStyle(document.querySelector('[data-back-to-top]')).opacity === '1'")

    button.click()  # by mouse
    page.wait_for_function("() => window.scrollY === 0")
    assert page.evaluate("document.activeElement.id") == "top"
    assert page.evaluate("window.__scrolls") == ["smooth"]


def test_back_to_top_by_keyboard_with_reduced_motion(browser_page, demo_site):
    page = browser_page
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.add_init_script(RECORD_SCROLLS)
    page.goto(demo_site.article.url)
    page.keyboard.press("End")
    page.wait_for_function("() => window.scrollY > 0")
    for _ in range(80):  # Tab through the page, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.backToTop !== undefined"):
            break
    else:
        pytest.fail("Back to top could not be reached with the Tab key")
    assert back_to_top(page).evaluate("el => getComputedStyle(el).opacity") == "1"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.scrollY === 0")
    assert page.evaluate("window.__scrolls") == ["auto"]
    assert page.evaluate("document.activeElement.id") == "top"
    page.keyboard.press("Tab")  # focus carries on from the top of the page
    assert page.evaluate("document.activeElement.textContent.trim()") == "Dateline"


def test_back_to_top_works_without_javascript(new_browser_context, demo_site):
    page = new_browser_context(java_script_enabled=False, viewport={"width": 1280, "height": 720}).new_page()
    page.goto(demo_site.article.url)
    scroll_to_bottom(page)
    link = back_to_top(page)
    assert link.is_visible()
    link.click()
    page.wait_for_function("() => window.scrollY === 0")
    assert page.url.endswith("#top")


@pytest.mark.parametrize("width", [320, 375])
def test_menu_works_on_a_phone(browser_context, demo_site, width):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": 700})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    menu = page.get_by_role("navigation", name="Sections").get_by_role("link")
    assert menu.all_inner_texts() == ["Latest developments", "Middle East", "Others", "Recovery services", "World News"]
    for link in menu.all():
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["height"] >= 24, "touch target too small"
    if width == 320:
        screenshot(page, "home-phone")
    menu.filter(has_text="Middle East").click()
    page.wait_for_url("**/middle-east/")
    if width == 320:
        screenshot(page, "section-phone")
    page.get_by_role("link", name=demo_site.seed["article"]["headline"]).click()
    page.wait_for_url(f"**{demo_site.article.url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 320:
        screenshot(page, "article-phone")


def test_embed_loads_from_its_provider_only_when_asked(browser_context, full_site):
    page = browser_context.new_page()
    page.goto(full_site.feature.url)
    assert page.locator("iframe").count() == 0
    load = page.get_by_role("button", name="Load it here")
    load.click()
    page.wait_for_selector("iframe[title='Briefing from the front line']", state="attached")
    # The guard refused the provider's request; it was made only after the click.
    assert any("youtube-nocookie.com" in url for url in browser_context.foreign_requests)
    browser_context.foreign_requests.clear()


def test_skip_link_moves_focus_to_the_story(browser_page, demo_site):
    page = browser_page
    page.goto(demo_site.article.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
