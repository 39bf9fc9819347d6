"""One stylesheet, both directions: in Debian's Chromium, the demo article
with dir="rtl" set on its root (as /ar/ and /fa/ pages carry it) is the
left-to-right page mirrored, at a phone's width and a desktop's."""

import pytest

pytestmark = pytest.mark.browser

DIRECTIONS = [("ltr", "en"), ("rtl", "ar")]
WIDTHS = [360, 1280]
TOLERANCE = 1.5  # px: sub-pixel rounding of text and borders

# Where a box starts along the line and where it ends, in either direction.
EDGES = """
(el) => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    left: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
    right: box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth),
    top: box.top,
  };
}
"""
# The extent of an element's text, not of its box (a label in a column
# stretches across the form whichever side its words start on).
TEXT_EDGES = """
(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const box = range.getBoundingClientRect();
  return { left: box.left, right: box.right, top: box.top };
}
"""
# Visible boxes that reach past either side of the viewport: cut off in a
# right-to-left page (nothing scrolls to the right of its start), or a
# horizontal scrollbar in a left-to-right one.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll("*")]
    .filter((el) => !el.closest(".visually-hidden, .skip-link, template, [hidden]"))
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && box.height > 0 && (box.left < -1 || box.right > width + 1))
    .map(([el, box]) => `${el.tagName}.${el.className}: ${Math.round(box.left)}..${Math.round(box.right)}`);
}
"""


def set_direction(page, direction, language):
    page.evaluate(
        "([direction, language]) => Object.assign(document.documentElement, { dir: direction, lang: language })",
        [direction, language],
    )


def starts_at_the_start(direction, inner, outer):
    """Whether `inner` starts where `outer` does, on the side the line starts."""
    if direction == "ltr":
        return abs(inner["left"] - outer["left"]) <= TOLERANCE
    return abs(inner["right"] - outer["right"]) <= TOLERANCE


def on_one_line(first, second):
    return abs(first["top"] - second["top"]) <= TOLERANCE


def comes_first(direction, first, second):
    """Whether `first` comes before `second` on a line read in `direction`."""
    if direction == "ltr":
        return first["right"] <= second["left"]
    return first["left"] >= second["right"]


def reads_from_the_start(direction, items, container):
    """Whether `items` follow one another in `direction`, each line of them
    starting at the start edge of `container`. How many share a line."""
    assert starts_at_the_start(direction, items[0], container), (items[0], container)
    pairs = 0
    for before, after in zip(items, items[1:], strict=False):
        if on_one_line(before, after):
            assert comes_first(direction, before, after), (before, after)
            pairs += 1
        else:
            assert after["top"] > before["top"] and starts_at_the_start(direction, after, container), (before, after)
    return pairs


def scroll_to_bottom(page):
    page.mouse.wheel(0, 20_000)
    page.wait_for_function(
        "() => window.scrollY > 0 && window.scrollY + window.innerHeight >= document.body.scrollHeight - 2"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("direction", "language"), DIRECTIONS)
def test_the_article_page_is_laid_out_in_its_reading_direction(
    browser_page, demo_site, artifacts, direction, language, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(demo_site.article.url)
    set_direction(page, direction, language)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction

    # The section menu reads from the start: its first item at the start
    # (the right, in Arabic) and the second after it, wrapping to a new line
    # at the start edge again on a phone.
    menu = page.get_by_role("navigation", name="Sections")
    items = [link.evaluate(EDGES) for link in menu.get_by_role("link").all()]
    assert reads_from_the_start(direction, items, menu.locator("ul").evaluate(EDGES)) >= 1
    if width >= 1280:
        assert on_one_line(items[0], items[1]) and comes_first(direction, items[0], items[1]), items[:2]

    # The masthead's name stands at the start edge of the masthead.
    masthead = page.locator(".masthead").evaluate(EDGES)
    name = page.locator(".masthead__name").evaluate(EDGES)
    assert starts_at_the_start(direction, name, masthead), (name, masthead)

    # The comment form's labels start where its boxes start.
    for field in ("comment", "name", "email"):
        label = page.locator(f"label[for='id_{field}']").evaluate(TEXT_EDGES)
        box = page.locator(f"#id_{field}").evaluate("el => el.getBoundingClientRect().toJSON()")
        assert starts_at_the_start(direction, label, box), (field, label, box)

    # Nothing reaches past the sides: no horizontal scrollbar, nothing cut off.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.evaluate(OVERFLOWING) == []
    page.screenshot(path=screenshots(artifacts) / f"article-{direction}-{width}.png", full_page=True)

    # Once the reader has scrolled, Back to top floats at the end corner.
    scroll_to_bottom(page)
    control = page.get_by_role("link", name="Back to top")
    page.wait_for_function("() => document.querySelector('[data-back-to-top]').classList.contains('is-visible')")
    page.wait_for_function("() => getComputedStyle(document.querySelector('[data-back-to-top]')).opacity === '1'")
    placed = control.bounding_box()
    viewport = page.evaluate("document.documentElement.clientWidth")
    margin = 16  # 1rem, inset-inline-end
    if direction == "ltr":
        assert abs(placed["x"] + placed["width"] - (viewport - margin)) <= TOLERANCE, (placed, viewport)
    else:
        assert abs(placed["x"] - margin) <= TOLERANCE, (placed, viewport)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=screenshots(artifacts) / f"article-{direction}-{width}-scrolled.png")


def screenshots(artifacts):
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
