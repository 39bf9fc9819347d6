"""Headers that tell browsers what a page may do (issue 16): a strict
Content-Security-Policy and a Permissions-Policy on every public page,
kept by the page store; with an https address, https only."""

import subprocess
import sys

import pytest
from django.test import Client

from dateline.testing.fixtures.sites import public_pages
from dateline.testing.servers import outside_environment


def policy(response_headers):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response_headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_every_public_page_carries_a_strict_policy(client, full_site):
    for name, address in public_pages(full_site).items():
        response = client.get(address)
        assert response.status_code in (200, 404), name
        directives = policy(response.headers)
        assert directives["script-src"] == ["'self'"], name
        assert directives["default-src"] == ["'none'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == ["'none'"], name
        assert directives["form-action"] == ["'self'"], name
        assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives), name
        permissions = response.headers["Permissions-Policy"]
        for feature in ("camera=()", "geolocation=()", "microphone=()", "browsing-topics=()"):
            assert feature in permissions, name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_a_stored_page_keeps_its_headers(front, full_site):
    first = front.get(full_site.feature.url)
    second = front.get(full_site.feature.url)
    assert (first.cache, second.cache) == ("miss", "hit")
    for header in ("content-security-policy", "permissions-policy", "x-frame-options"):
        assert second.headers[header] == first.headers[header]


def test_plain_http_is_served_when_the_site_address_is_http(client, demo_site):
    response = client.get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert "upgrade-insecure-requests" not in response.headers["Content-Security-Policy"]


@pytest.fixture
def https_site(settings, demo_site):
    """The settings an https base URL gives (checked in a fresh process
    below), behind a proxy at 10.0.0.1."""
    from ipaddress import ip_network

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DATELINE_TRUSTED_PROXIES = [ip_network("10.0.0.1/32")]
    return demo_site


def test_with_an_https_address_plain_http_is_redirected_and_https_is_kept(https_site):
    client = Client(REMOTE_ADDR="10.0.0.1")
    plain = client.get("/middle-east/?page=1", headers={"X-Forwarded-Proto": "http"})
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/middle-east/?page=1"
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_health_check_answers_over_plain_http(https_site):
    """A load balancer checks a node on its private address, without TLS."""
    response = Client(REMOTE_ADDR="10.0.0.1").get("/healthz")
    assert response.status_code == 200


def run_settings(tmp_path, **variables):
    environment = outside_environment(DATELINE_HOME=str(tmp_path), **variables)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the suite's, for Playwright beside the live server
    return subprocess.run(
        [sys.executable, "-m", "dateline.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DATELINE_BASE_URL": "https://news.example.org",
    "DATELINE_TRUSTED_PROXIES": "127.0.0.1",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "DATELINE_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
}


@pytest.mark.once
def test_production_settings_pass_djangos_deployment_checks(tmp_path):
    result = run_settings(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.once
def test_an_https_address_without_a_trusted_proxy_is_refused(tmp_path):
    """Behind a proxy that ends TLS, only a trusted proxy can say a request
    came over https; without one every request would be redirected forever."""
    result = run_settings(tmp_path, **{**PRODUCTION, "DATELINE_TRUSTED_PROXIES": ""})
    assert result.returncode != 0
    assert "DATELINE_TRUSTED_PROXIES is not set" in result.stderr


@pytest.mark.browser
def test_the_browser_refuses_a_script_that_got_into_a_page(new_browser_context, demo_site):
    """If escaping ever failed, an injected inline script or event handler
    would still not run: the page's own policy forbids it."""
    context = new_browser_context()

    def inject(route):
        response = route.fetch()
        html = response.text().replace(
            "</main>", '<script>window.injected = true</script><img src="/x" onerror="window.injected = true"></main>'
        )
        route.fulfill(response=response, body=html)

    context.route("**/middle-east/", inject)
    page = context.new_page()
    page.goto("/middle-east/")
    page.wait_for_load_state("load")
    assert page.evaluate("window.injected") is None
    assert any("inline" in message for message in context.refused_by_policy)
    context.refused_by_policy.clear()  # refused as it should be


@pytest.mark.browser
def test_the_api_documentation_works_under_the_policy(browser_page, demo_site):
    """Swagger UI, served from the site's static files, runs with the same
    policy as every page (the browser context fails the test on a refusal)."""
    browser_page.goto("/api/v1/docs")
    browser_page.get_by_role("heading", name="Dateline").first.wait_for()
    assert browser_page.locator(".opblock").count() > 3
