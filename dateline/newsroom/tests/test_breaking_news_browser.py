"""The breaking-news banner in Chromium, on a real `dateline serve` (its page
cache's front, and its supervisor that runs due work): it appears on a
stored page, can be dismissed by keyboard, covers nothing that has focus,
passes axe and the Nu Html Checker, and goes away at its expiry with no
editor doing anything."""

import json
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from dateline.articles.tests.test_html_validity import vnu_errors
from dateline.testing.browser import axe_results, tab_to

pytestmark = pytest.mark.browser

BANNER = "Earthquake hits Homs"
DISMISS = "el.matches('[data-breaking-news-dismiss]')"

# Run with the site's environment (ProductionServer.run_python), as an editor
# saving the setting would: the save purges the stored pages.
PUT_UP = """
import os
from datetime import timedelta

from dateline.cli import _django

_django()
from django.utils import timezone
from wagtail.models import Site

from dateline.articles.models import ArticlePage
from dateline.newsroom.models import BreakingNewsSettings

banner = BreakingNewsSettings.for_site(Site.objects.get(is_default_site=True))
banner.showing = {showing}
banner.text = {text!r}
banner.link_page = ArticlePage.objects.live().order_by("path").first()
banner.link_url = ""
banner.expires_at = timezone.now() + timedelta(seconds={seconds})
banner.full_clean()
banner.save()  # in autocommit: the purge has run when save() returns
print(banner.expires_at.timestamp(), flush=True)
os._exit(0)  # without a second of interpreter shutdown, while the clock runs
"""

# Is the focused element, at its centre, what the reader sees there?
NOT_COVERED = """
() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const seen = document.elementFromPoint(x, y);
  return {
    what: el.outerHTML.slice(0, 120),
    inView: x >= 0 && y >= 0 && x < innerWidth && y < innerHeight,
    covered: !(seen && (seen === el || el.contains(seen))),
    coveredBy: seen ? seen.outerHTML.slice(0, 120) : null,
  };
}
"""


def put_up(server, *, seconds, text=BANNER, showing=True):
    """Puts the banner up on the server's site; returns its expiry (seconds since the epoch)."""
    script = PUT_UP.format(text=text, seconds=seconds, showing=showing)
    return float(server.run_python("-c", script).stdout.split()[-1])


def showing(server):
    """Whether the banner is switched on, in the server's database."""
    return [bool(on) for (on,) in server.sql("SELECT showing FROM newsroom_breakingnewssettings")]


@pytest.fixture
def server(production_server):
    """The run's server, with no banner up. Taken down (a purge) at the start
    too: the suite empties the cache before each test, and on Redis the
    server shares it, so pages its processes hold in memory from an earlier
    test would otherwise look fresh again."""
    put_up(production_server, seconds=60, showing=False)
    yield production_server
    put_up(production_server, seconds=60, showing=False)


@pytest.fixture
def new_context(chromium, server):
    """Browser profiles on the server that refuse third-party hosts and
    report what the Content-Security-Policy refused (as browser_context does
    on the live server), and JavaScript errors."""
    contexts = []

    def make(**options):
        host = urlsplit(server.base).netloc
        context = chromium.new_context(
            **{"base_url": server.base, "viewport": {"width": 1280, "height": 900}, **options}
        )
        context.set_default_timeout(10_000)
        context.foreign_requests, context.refused_by_policy, context.errors = [], [], []

        def guard(route):
            if urlsplit(route.request.url).netloc in (host, ""):
                route.continue_()
            else:
                context.foreign_requests.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and context.refused_by_policy.append(message.text)
            ),
        )
        context.on("page", lambda page: watch(context, page))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    for context in contexts:
        assert context.foreign_requests == [], context.foreign_requests
        assert context.refused_by_policy == [], context.refused_by_policy
        assert context.errors == [], f"JavaScript errors on the page: {context.errors}"


def watch(context, page):
    """Reports the page's JavaScript errors, and turns its HTTP cache off: a
    page Chromium revalidates (a 304) reports the headers it first had, and
    the test reads each answer's own X-Cache."""
    page.on("pageerror", lambda error: context.errors.append(str(error)))
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})


def banner(page):
    return page.locator("[data-breaking-news]")


def load(page, address):
    """Goes to `address`; returns how the server answered ("hit", "miss")."""
    response = page.goto(address)
    assert response.status == 200, address
    return response.headers.get("x-cache")


def test_the_banner_covers_nothing_that_has_focus_and_passes_axe_and_nu(server, new_context, tmp_path):
    put_up(server, seconds=90)  # the pages that show it are stored no longer
    found = {}
    for width, scheme in [(1280, "light"), (320, "dark")]:
        context = new_context(viewport={"width": width, "height": 640}, color_scheme=scheme)
        page = context.new_page()
        for address in ["/", "/middle-east/"]:
            load(page, address)
            assert banner(page).is_visible()
            # In the page's flow: it scrolls away rather than float over the page.
            assert banner(page).evaluate("el => getComputedStyle(el).position") == "static"
            page.locator("body").focus()
            seen = []
            for _ in range(15):
                page.keyboard.press("Tab")
                state = page.evaluate(NOT_COVERED)
                seen.append(state["what"])
                assert state["inView"], f"{width}px {address}: {state['what']} has focus out of sight"
                assert not state["covered"], f"{width}px {address}: {state['what']} is under {state['coveredBy']}"
            assert any("breaking-news__dismiss" in what for what in seen), seen
            result = axe_results(page)
            assert result["passes"] or result["incomplete"] or result["inapplicable"], "axe did not run"
            violations = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
            if violations:
                found[f"{address} {width}px {scheme}"] = violations
    assert found == {}, json.dumps(found, indent=1)

    files = []
    for name, address in [("home", "/"), ("section", "/middle-east/")]:
        with urllib.request.urlopen(server.base + address, timeout=10) as response:
            html = response.read()
        assert b'class="breaking-news"' in html
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(html)
    assert vnu_errors(files) == []


def test_the_banner_appears_on_a_stored_page_and_goes_at_its_expiry(server, new_context):
    page = new_context().new_page()
    address = "/middle-east/"
    assert "hit" in [load(page, address) for _ in range(3)], "the page is stored"
    assert banner(page).count() == 0

    expires = put_up(server, seconds=6)

    # Shown at once on the stored page, which is stored again with it (each
    # of the server's worker processes renders it once after a purge).
    answers = []
    while "hit" not in answers and len(answers) < 4:
        answers.append(load(page, address))
        assert banner(page).is_visible(), f"no banner after {answers}"
    assert answers[0] == "miss" and answers[-1] == "hit", answers
    status = banner(page).get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    assert BANNER in status.inner_text()
    assert status.get_by_role("link", name=BANNER).is_visible()
    assert banner(page).get_attribute("aria-label") == "Breaking news"

    # Dismissed by keyboard: focus goes to the masthead, and the dismissal
    # is kept in this browser (no cookie), over a reload.
    page.locator("body").focus()
    tab_to(page, DISMISS, limit=10)
    page.keyboard.press("Enter")
    assert not banner(page).is_visible()
    assert page.evaluate("document.activeElement.id") == "top"
    assert page.context.cookies() == []
    page.reload()
    assert banner(page).count() == 1 and not banner(page).is_visible()

    # Another reader, who did not dismiss it, still sees it.
    other = new_context().new_page()
    load(other, address)
    assert banner(other).is_visible()
    assert time.time() < expires, "the machine was too slow: the banner expired before the checks"

    # No one does anything: a reader reloading stops seeing it at its expiry,
    # when the stored page that showed it expires.
    deadline, gone_at, answer = expires + 20, None, None
    while time.time() < deadline and banner(other).count():
        other.wait_for_timeout(250)
        gone_at = time.time()
        answer = load(other, address)
    assert banner(other).count() == 0, "the banner outlived its expiry"
    assert gone_at >= expires - 1, "the banner went before its time"
    assert answer == "miss", "rendered afresh, not answered from the store"
    page.reload()
    assert banner(page).count() == 0

    # The due work switched it off on its own (a save, which purged the
    # stored pages once more), and the page without it is stored in turn.
    # (A short-lived Django process: starting one can take ten seconds on a busy machine.)
    deadline = expires + 60
    while time.time() < deadline and showing(server) != [False]:
        time.sleep(0.25)
    assert showing(server) == [False], "the due work did not take the banner down"
    other.wait_for_timeout(500)  # its purge follows the commit
    answers = []
    while "hit" not in answers[-1:] and len(answers) < 4:
        answers.append(load(other, address))
        assert banner(other).count() == 0, answers
    assert answers[-1] == "hit", answers
