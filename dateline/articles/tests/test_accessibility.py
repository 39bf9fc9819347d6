"""axe-core, run in Chromium on every kind of public page, in light and dark
mode, at desktop and phone widths. No axe rule is disabled."""

import json

import pytest

from dateline.testing.browser import axe_results
from dateline.testing.fixtures.sites import public_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("scheme", "width"),
    [("light", 1280), ("dark", 1280), ("light", 320), ("dark", 320)],
)
def test_public_pages_have_no_axe_violations(browser_context, full_site, scheme, width):
    page = browser_context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    found = {}
    for name, address in public_pages(full_site).items():
        page.goto(address)
        result = axe_results(page)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        if violations:
            found[name] = violations
        assert result["passes"] or result["incomplete"] or result["inapplicable"], "axe did not run"
    assert found == {}, json.dumps(found, indent=1)
