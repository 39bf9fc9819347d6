"""The breaking-news banner: an editor sets it in the admin, every page shows
it until its expiry, and stored pages show it or drop it at once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import Site

from dateline.accounts.tests.test_roles import member_of, refused
from dateline.newsroom.models import BreakingNewsSettings

BANNER = "Earthquake hits Homs"


def settings_url(site):
    return f"/admin/settings/newsroom/breakingnewssettings/{site.pk}/"


def admin_time(moment):
    """A time as the admin's date and time field takes it."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def banner_form(**fields):
    form = {"showing": "on", "text": BANNER, "link_page": "", "link_url": "", "expires_at": ""}
    form.update(fields)
    return {name: value for name, value in form.items() if value is not None}


@pytest.fixture
def put_up(purges):
    """Saves a banner, as the admin does, and runs the purges its commit would."""

    def save(text=BANNER, expires_in=timedelta(hours=1), **fields):
        banner = BreakingNewsSettings.for_site(Site.objects.get(is_default_site=True))
        banner.showing = True
        banner.text = text
        banner.expires_at = timezone.now() + expires_in
        for name, value in fields.items():
            setattr(banner, name, value)
        with purges():
            banner.save()
        return banner

    return save


def banner_in(html):
    """The banner's markup in a page, or None."""
    found = re.search(r'<aside class="breaking-news".*?</aside>', html, re.S)
    return found and found.group(0)


@pytest.fixture
def editor_client(db):
    return member_of("Editors")[1]


def test_the_banner_is_on_every_kind_of_page_while_it_is_up(put_up, client, demo_site):
    banner = put_up(link_page=demo_site.article)
    for address in ["/", "/middle-east/", demo_site.article.url, "/search/?q=homs"]:
        response = client.get(address)
        assert response.status_code == 200, address
        shown = banner_in(response.content.decode())
        assert shown, f"no banner on {address}"
        assert 'aria-label="Breaking news"' in shown
        assert 'role="status" aria-live="polite"' in shown
        assert f'<a class="breaking-news__text" href="{demo_site.article.url}" dir="auto">{BANNER}</a>' in shown
        # The dismiss button waits for the script that makes it work.
        assert re.search(r"<button [^>]*data-breaking-news-dismiss hidden>Dismiss</button>", shown)
        assert "/static/dateline/js/breaking-news.js" in response.content.decode()
    assert BreakingNewsSettings.objects.get(pk=banner.pk).showing


def test_the_banner_may_link_elsewhere_or_nowhere(put_up, client, demo_site):
    put_up(link_url="https://example.org/live")
    assert 'href="https://example.org/live" dir="auto"' in banner_in(client.get("/").content.decode())
    put_up(link_url="")
    shown = banner_in(client.get("/").content.decode())
    assert f'<span class="breaking-news__text" dir="auto">{BANNER}</span>' in shown
    assert "<a " not in shown


def test_no_banner_when_switched_off_or_past_its_expiry(put_up, purges, client, demo_site):
    assert banner_in(client.get("/").content.decode()) is None  # none was ever set
    banner = put_up(expires_in=timedelta(minutes=10))
    assert banner_in(client.get("/").content.decode())
    with time_machine.travel(banner.expires_at + timedelta(seconds=1)):
        # Still "showing" (the due work has not run yet), but past its time.
        assert BreakingNewsSettings.objects.get(pk=banner.pk).showing
        assert banner_in(client.get("/").content.decode()) is None
    banner.showing = False
    with purges():
        banner.save()
    assert banner_in(client.get("/").content.decode()) is None


def test_a_hostile_text_is_escaped(put_up, client, demo_site):
    put_up(text='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = client.get("/").content.decode()
    shown = banner_in(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_an_editor_puts_the_banner_up_in_the_admin(editor_client, demo_site):
    site = Site.objects.get(is_default_site=True)
    form = editor_client.get(settings_url(site))
    assert form.status_code == 200
    for label in ["Show the banner", "Text", "Story", "Or address", "Take down at"]:
        assert label in form.content.decode(), label
    expiry = timezone.now() + timedelta(hours=2)
    response = editor_client.post(
        settings_url(site), banner_form(link_page=str(demo_site.article.pk), expires_at=admin_time(expiry))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    banner = BreakingNewsSettings.for_site(site)
    assert (banner.showing, banner.text, banner.link_page_id) == (True, BANNER, demo_site.article.pk)
    assert abs(banner.expires_at - expiry) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"expires_at": ""}, "expires_at", "Say when the banner comes down"),
        ({"expires_at": "past"}, "expires_at", "That time has passed"),
        ({"text": "  "}, "text", "Write the banner&#x27;s text"),
        ({"link_page": "article", "link_url": "https://example.org/"}, "link_url", "not both"),
    ],
    ids=["no-expiry", "past-expiry", "no-text", "two-links"],
)
def test_the_admin_refuses_a_banner_that_cannot_be_shown(editor_client, demo_site, fields, field, message):
    site = Site.objects.get(is_default_site=True)
    values = {"expires_at": admin_time(timezone.now() + timedelta(hours=1)), **fields}
    if values["expires_at"] == "past":
        values["expires_at"] = admin_time(timezone.now() - timedelta(hours=1))
    if values.get("link_page") == "article":
        values["link_page"] = str(demo_site.article.pk)
    response = editor_client.post(settings_url(site), banner_form(**values))
    assert response.status_code == 200, "the form is shown again, with the error"
    errors = re.search(rf'id="panel-child-{field}-errors">(.*?)</div>', response.content.decode(), re.S)
    assert errors, f"no error beside {field}"
    assert message in errors.group(1)
    assert not BreakingNewsSettings.objects.filter(showing=True).exists()


def test_a_writer_may_not_touch_the_banner(demo_site):
    site = Site.objects.get(is_default_site=True)
    _, writer = member_of("Writers")
    assert refused(writer.get(settings_url(site)))
    expiry = admin_time(timezone.now() + timedelta(hours=1))
    assert refused(writer.post(settings_url(site), banner_form(expires_at=expiry)))
    assert not BreakingNewsSettings.objects.filter(showing=True).exists()


def test_a_stored_page_shows_the_banner_as_soon_as_an_editor_saves_it(front, purges, editor_client, demo_site):
    site = Site.objects.get(is_default_site=True)
    pages = ["/", "/middle-east/", demo_site.article.url]
    for address in pages:
        front.get(address)
        answer = front.get(address)
        assert (answer.status, answer.cache) == (200, "hit"), address
        assert banner_in(answer.body.decode()) is None
    with purges():
        response = editor_client.post(
            settings_url(site), banner_form(expires_at=admin_time(timezone.now() + timedelta(hours=1)))
        )
        assert response.status_code == 302
    for address in pages:
        answer = front.get(address)
        assert answer.cache == "miss", f"{address} was answered from the store without the banner"
        assert BANNER in banner_in(answer.body.decode())
        assert front.get(address).cache == "hit", "and the page with the banner is stored in turn"


def test_a_stored_page_drops_the_banner_when_it_is_taken_down(put_up, front, purges, demo_site):
    banner = put_up(expires_in=timedelta(minutes=5))
    front.get("/")
    answer = front.get("/")
    assert answer.cache == "hit" and banner_in(answer.body.decode())
    with time_machine.travel(banner.expires_at + timedelta(seconds=1)):
        # At its time the page is no longer answered from the store, even
        # before the due work has switched the banner off...
        answer = front.get("/")
        assert answer.cache == "miss" and banner_in(answer.body.decode()) is None
        assert front.get("/").cache == "hit"
        # ...which purges the stored pages again.
        with purges():
            assert BreakingNewsSettings.take_down_expired() == 1
        answer = front.get("/")
        assert answer.cache == "miss" and banner_in(answer.body.decode()) is None


def test_an_editor_taking_the_banner_down_drops_it_from_stored_pages(put_up, front, purges, editor_client, demo_site):
    site = Site.objects.get(is_default_site=True)
    put_up()
    front.get("/")
    assert front.get("/").cache == "hit"
    with purges():
        response = editor_client.post(settings_url(site), banner_form(showing=None))  # the box unticked
        assert response.status_code == 302, response.content.decode()[:3000]
    answer = front.get("/")
    assert answer.cache == "miss" and banner_in(answer.body.decode()) is None


def test_take_down_expired_switches_off_only_banners_past_their_time(put_up, demo_site):
    banner = put_up(expires_in=timedelta(minutes=5))
    assert BreakingNewsSettings.take_down_expired() == 0
    assert BreakingNewsSettings.objects.get(pk=banner.pk).showing
    assert BreakingNewsSettings.take_down_expired(now=banner.expires_at + timedelta(seconds=1)) == 1
    banner.refresh_from_db()
    assert not banner.showing
    assert banner.text == BANNER, "the text stays, for the next time"
    assert BreakingNewsSettings.take_down_expired(now=banner.expires_at + timedelta(days=1)) == 0


def test_a_new_banner_has_a_new_id_so_a_dismissal_does_not_hide_it(put_up, client, demo_site):
    def banner_id():
        return re.search(r'data-banner="([0-9a-f]+)"', client.get("/").content.decode()).group(1)

    put_up()
    first = banner_id()
    assert banner_id() == first, "the same banner keeps its id"
    put_up(text="Aftershock felt in Aleppo")
    second = banner_id()
    put_up(text="Aftershock felt in Aleppo", expires_in=timedelta(hours=3))
    assert len({first, second, banner_id()}) == 3
