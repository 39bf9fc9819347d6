"""Driving a page by keyboard, as a reader without a mouse does."""

import pytest


def tab_to(page, test, limit=150):
    """Press Tab until the focused element passes `test` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached: {test}")
