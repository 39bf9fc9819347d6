"""One stylesheet lays out both directions: site.css says start and end,
never left and right, so an Arabic or Farsi edition (dir="rtl") mirrors
itself. Arrows that point along the line turn round with it."""

import html
import re
import sys
import unicodedata

import pytest

from dateline.testing import REPO_ROOT

pytestmark = pytest.mark.once  # files only

DATELINE = REPO_ROOT / "dateline"
STYLESHEET = DATELINE / "static" / "dateline" / "css" / "site.css"

# Physical property: its logical replacement.
PHYSICAL_PROPERTIES = {
    f"{box}-{side}{part}": f"{box}-inline-{edge}{part}"
    for box in ("margin", "padding", "border", "scroll-margin", "scroll-padding")
    for side, edge in (("left", "start"), ("right", "end"))
    for part in (("", "-width", "-style", "-color") if box == "border" else ("",))
}
PHYSICAL_PROPERTIES |= {
    "left": "inset-inline-start",
    "right": "inset-inline-end",
    "border-top-left-radius": "border-start-start-radius",
    "border-top-right-radius": "border-start-end-radius",
    "border-bottom-left-radius": "border-end-start-radius",
    "border-bottom-right-radius": "border-end-end-radius",
    "background-position-x": "a background-position that is the same both ways, or one per direction under :dir()",
    "direction": "a dir attribute in the markup, which the text's own direction and assistive technology follow",
}
# Shorthands whose four sides run top, right, bottom, left.
FOUR_SIDES = {
    "margin",
    "padding",
    "inset",
    "border-width",
    "border-style",
    "border-color",
    "scroll-margin",
    "scroll-padding",
}
# A keyword `left` or `right` in a value: text-align, float, clear,
# background-position, object-position, transform-origin, justify-*...
SIDE_KEYWORD = re.compile(r"(?<![\w-])(left|right)(?![\w-])", re.IGNORECASE)
# A move along the line: translateX(1rem), translate(1rem), translate(1rem, 0).
HORIZONTAL_MOVE = re.compile(r"translate(?:X|3d)?\(\s*(?!0(?:px)?\s*[,)])", re.IGNORECASE)


def blanked(pattern, text):
    """`text` with what `pattern` matches turned to spaces, line breaks kept."""
    return re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.DOTALL)


def declarations(css, *, strings=False):
    """(line, selector, property, value) for each declaration in `css`, with
    comments left out and, unless `strings`, what strings say as well."""
    text = blanked(r"/\*.*?\*/", css)
    if not strings:
        text = re.sub(r'"((?:[^"\\\n]|\\.)*)"', lambda m: '"' + " " * len(m.group(1)) + '"', text)
    for block in re.finditer(r"([^{}]*)\{([^{}]*)\}", text):
        selector = " ".join(block.group(1).split())
        offset = block.start(2)
        for declaration in re.finditer(r"([^;]+)", block.group(2)):
            name, colon, value = declaration.group().partition(":")
            if not colon or not name.strip():
                continue
            start = offset + declaration.start() + (len(name) - len(name.lstrip()))
            line = text.count("\n", 0, start) + 1
            yield line, selector, name.strip().lower(), " ".join(value.split())


def mirror_asymmetric(prop, value):
    """Whether a shorthand sets the left and right sides (or corners) apart."""
    value = value.replace("!important", "").strip()
    if prop in FOUR_SIDES:
        parts = value.split()  # top right bottom left
        return len(parts) == 4 and parts[1] != parts[3]
    if prop == "border-radius":
        for axis in value.split("/"):
            parts = axis.split()  # top-left top-right bottom-right bottom-left, the last ones optional
            if len(parts) in (2, 3) and parts[0] != parts[1]:
                return True
            if len(parts) == 3 and parts[2] != parts[1]:
                return True
            if len(parts) == 4 and (parts[0] != parts[1] or parts[2] != parts[3]):
                return True
    return False


def physical_direction(css):
    """Every declaration in `css` that would not mirror under dir="rtl", as
    messages naming its line."""
    found = []
    for line, selector, prop, value in declarations(css):
        where = f"line {line} ({selector} {{ {prop}: {value} }})"
        if prop.startswith("--"):
            continue  # a custom property is judged where it is used
        if prop in PHYSICAL_PROPERTIES:
            found.append(f"{where}: {prop} does not follow the page's direction; use {PHYSICAL_PROPERTIES[prop]}")
        elif SIDE_KEYWORD.search(value):
            keyword = SIDE_KEYWORD.search(value).group(1).lower()
            logical = {"left": "start", "right": "end"}[keyword]
            if prop in ("float", "clear"):
                logical = f"inline-{logical}"
            found.append(f"{where}: `{keyword}` is physical; use `{logical}` (or choose by :dir() if it has none)")
        elif mirror_asymmetric(prop, value) and prop == "border-radius":
            found.append(f"{where}: the left and right corners differ; use border-start-start-radius and the like")
        elif mirror_asymmetric(prop, value):
            if prop.startswith("border-"):
                part = prop.removeprefix("border-")
                logical = f"border-block-{part} with border-inline-start-{part} and border-inline-end-{part}"
            else:
                logical = f"{prop}-block with {prop}-inline-start and {prop}-inline-end"
            found.append(f"{where}: the left and right sides differ; use {logical}")
        elif prop == "transform" and HORIZONTAL_MOVE.search(value) and ":dir(" not in selector:
            found.append(f"{where}: a sideways move does not turn round; set one per direction under :dir()")
    return found


def test_the_stylesheet_says_start_and_end_never_left_and_right():
    problems = physical_direction(STYLESHEET.read_text())
    assert not problems, (
        "site.css lays out right-to-left editions too, from logical properties only. Found in "
        + STYLESHEET.relative_to(REPO_ROOT).as_posix()
        + ":\n  "
        + "\n  ".join(problems)
    )


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem; }",
        ".a { padding-right: 0; }",
        ".a { border-left: 4px solid red; }",
        ".a { border-right-color: red; }",
        ".a { position: absolute; left: 0; }",
        ".a { right: 1rem; }",
        ".a { text-align: left; }",
        ".a { text-align: RIGHT !important; }",
        ".a { float: right; }",
        ".a { clear: left; }",
        ".a { border-top-left-radius: 4px; }",
        ".a { border-radius: 4px 0 0 4px; }",
        ".a { border-radius: 4px 0; }",
        ".a { margin: 0 1rem 0 2rem; }",
        ".a { inset: 0 auto 0 0; }",
        ".a { background: url(x.svg) no-repeat left center; }",
        ".a { background-position: right 1rem top; }",
        ".a { transform-origin: left top; }",
        ".a { justify-content: right; }",
        ".a { transform: translateX(1rem); }",
        ".a { transform: translate(-50%); }",
        ".a { border-width: 0 1px 0 4px; }",
        ".a { scroll-margin: 0 0 0 1rem; }",
        ".a { direction: ltr; }",
        "@media (min-width: 48rem) {\n  .a { margin-right: 1rem; }\n}",
    ],
)
def test_the_check_finds_each_physical_direction(css):
    problems = physical_direction(css)
    assert len(problems) == 1, problems
    assert problems[0].startswith("line "), problems


def test_the_check_leaves_logical_and_symmetric_rules_alone():
    css = """
    /* margin-left: 1rem; text-align: left in a comment */
    .a:hover, .b[data-side="left"] { margin-inline-start: 1rem; padding: 0.5rem 1rem; margin: 0 auto 1rem; }
    .c { text-align: start; float: inline-end; clear: inline-start; border-radius: 4px; border-radius: 50%; }
    .d { inset-inline-end: 1rem; inset-block-end: 1rem; border-inline-start: 4px solid var(--left-rule); }
    .e::before { content: "left right"; transform: translateY(1rem); border-start-end-radius: 3px; }
    .f:dir(rtl) { transform: scaleX(-1); }
    .g { --gutter-left: 1rem; list-style-type: "\\200B"; transition: opacity 0.2s, transform 0.2s; }
    .h { transform: translate(0, 1rem); }
    """
    assert physical_direction(css) == []


def test_the_message_names_the_line():
    css = ".a { color: red; }\n\n.b {\n  margin: 0;\n  margin-right: 1rem;\n}\n"
    [problem] = physical_direction(css)
    assert problem.startswith("line 5 (.b { margin-right: 1rem })"), problem
    assert "margin-inline-end" in problem


# Arrows and pointers that point along the line and that the Unicode
# bidirectional algorithm does not mirror by itself (it does ‹ › « »).
SIDEWAYS_ARROWS = {
    chr(code)
    for first, last in ((0x2190, 0x21FF), (0x25A0, 0x25FF), (0x2700, 0x27BF), (0x27F0, 0x27FF), (0x2900, 0x297F))
    for code in range(first, last + 1)
    if re.search(r"LEFTWARDS|RIGHTWARDS|LEFT-POINTING|RIGHT-POINTING", unicodedata.name(chr(code), ""))
    and not unicodedata.mirrored(chr(code))
}
MIRRORED_SPAN = re.compile(r'<span class="mirrored"[^>]*>\s*$')
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t]?")
JS_ESCAPE = re.compile(r"\\u\{?([0-9a-fA-F]{4,6})\}?")


def unmirrored_in_markup(line):
    """Sideways arrows in a line of a template that are not in a span.mirrored."""
    text = html.unescape(line)
    return [
        character
        for position, character in enumerate(text)
        if character in SIDEWAYS_ARROWS and not MIRRORED_SPAN.search(text[:position])
    ]


def unmirrored_in_stylesheet(css):
    """(line, selector, arrow) for arrows in generated content not chosen by :dir()."""
    css = CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) <= sys.maxunicode else "", css)
    return [
        (line, selector, character)
        for line, selector, _, value in declarations(css, strings=True)
        for character in sorted(set(value) & SIDEWAYS_ARROWS)
        if ":dir(" not in selector
    ]


def test_arrows_that_point_along_the_line_turn_round_in_right_to_left_editions():
    """A "next" or "read more" arrow means the opposite in Arabic if it keeps
    pointing right. Markup puts it in <span class="mirrored" aria-hidden="true">
    (site.css turns the span round under :dir(rtl)); the stylesheet chooses
    one per direction under :dir(). Up and down arrows (Back to top) stay."""
    templates = sorted([*DATELINE.glob("templates/**/*.html"), *DATELINE.glob("*/templates/**/*.html")])
    scripts = sorted((DATELINE / "static").rglob("*.js"))
    assert templates and scripts
    problems = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {arrow} is not in a span.mirrored"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for arrow in unmirrored_in_markup(line)
    ]
    problems += [
        f"{path.relative_to(REPO_ROOT)}:{number}: {arrow} in a script: put it in the page's markup, in a span.mirrored"
        for path in scripts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for arrow in set(JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)) & SIDEWAYS_ARROWS
    ]
    problems += [
        f"site.css:{line}: {arrow} in {selector}: choose it under :dir(ltr) and :dir(rtl)"
        for line, selector, arrow in unmirrored_in_stylesheet(STYLESHEET.read_text())
    ]
    assert not problems, "Arrows that would point the wrong way in /ar/ and /fa/:\n  " + "\n  ".join(problems)


def test_the_arrow_check_finds_a_stray_arrow_and_knows_which_point_sideways():
    assert {"\u2192", "\u2190", "\u25b6", "\u27a1"} <= SIDEWAYS_ARROWS  # → ← ▶ ➡
    assert not {"\u2191", "\u2193", "\u203a", "\u00bb"} & SIDEWAYS_ARROWS  # ↑ ↓ stay; › » mirror themselves
    assert unmirrored_in_markup('Older <span class="mirrored" aria-hidden="true">&rarr;</span> Read more →') == ["→"]
    css = '.a::after { content: "\\2192"; }\n.a:dir(rtl)::after { content: "\\2190"; }\n.b::before { content: "— "; }'
    assert unmirrored_in_stylesheet(css) == [(1, ".a::after", "→")]
    assert ".mirrored:dir(rtl) { transform: scaleX(-1); }" in STYLESHEET.read_text()
