"""axe-core, run in Chromium on every kind of public page, in light and dark
mode, at desktop and phone widths. No axe rule is disabled."""

import json

import pytest

from dateline.conftest import REPO_ROOT, public_pages

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize(
    ("scheme", "width"),
    [("light", 1280), ("dark", 1280), ("light", 320), ("dark", 320)],
)
def test_public_pages_have_no_axe_violations(browser_context, full_site, scheme, width):
    if not AXE.exists():
        pytest.fail("axe-core is missing from node_modules: run scripts/test, which installs it.")
    page = browser_context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    found = {}
    for name, address in public_pages(full_site).items():
        page.goto(address)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        if violations:
            found[name] = violations
        assert result["passes"] or result["incomplete"] or result["inapplicable"], "axe did not run"
    assert found == {}, json.dumps(found, indent=1)
