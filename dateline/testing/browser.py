"""Driving a page by keyboard, as a reader without a mouse does, and
checking it with axe-core."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def tab_to(page, test, limit=150):
    """Press Tab until the focused element passes `test` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached: {test}")


def axe_results(page):
    """axe-core's findings on the page as it is now. The script is run
    through the browser's developer protocol, which the site's
    Content-Security-Policy does not govern, so the page keeps its policy."""
    if not AXE.exists():
        pytest.fail("axe-core is missing from node_modules: run scripts/test, which installs it.")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
