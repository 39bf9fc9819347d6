"""Static assets: hashed, precompressed, and an article page within its weight budget."""

import gzip
import re
from pathlib import Path

import brotli
from django.contrib.staticfiles import finders
from django.core.management import call_command

BUDGET = 60 * 1024  # bytes, HTML + CSS + JS, compressed, images aside


def assets_of(html):
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html) + re.findall(
        r'<script type="module" src="/static/([^"]+)"', html
    )


def page_weight(client, address):
    """Bytes on the wire for a page and the CSS and JS it loads, gzip and Brotli."""
    html = client.get(address).content
    parts = [html] + [Path(finders.find(asset)).read_bytes() for asset in assets_of(html.decode())]
    return {
        "gzip": sum(len(gzip.compress(part, compresslevel=6)) for part in parts),
        "br": sum(len(brotli.compress(part)) for part in parts),
        "raw": sum(len(part) for part in parts),
        "assets": len(parts) - 1,
    }


def test_article_pages_stay_within_the_weight_budget(client, full_site):
    for address in [full_site.article.url, full_site.feature.url, "/", "/middle-east/"]:
        weight = page_weight(client, address)
        assert weight["assets"] >= 2, "the stylesheet and script were counted"
        assert weight["gzip"] < BUDGET, (address, weight)
        assert weight["br"] < BUDGET, (address, weight)


def test_collectstatic_hashes_and_precompresses(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    css = [p.name for p in (tmp_path / "dateline" / "css").iterdir()]
    hashed = [name for name in css if re.fullmatch(r"site\.[0-9a-f]{12}\.css", name)]
    assert hashed, css
    assert f"{hashed[0]}.br" in css and f"{hashed[0]}.gz" in css
    js = [p.name for p in (tmp_path / "dateline" / "js").iterdir()]
    assert any(re.fullmatch(r"back-to-top\.[0-9a-f]{12}\.js\.br", name) for name in js), js


def test_every_page_names_the_sites_icon_and_the_browsers_request_for_it_finds_one(client, demo_site):
    """Browsers ask for /favicon.ico whatever the page says; a 404 there was a
    console error on every first visit."""
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(answer.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
    for address in ["/", demo_site.article.url, "/no-such-page/"]:
        html = client.get(address).content.decode()
        icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
        assert len(icons) == 3, address
        for icon in icons:
            if icon.startswith("/static/"):  # collected and served by WhiteNoise in production (test above)
                assert finders.find(icon.removeprefix("/static/")), icon
            else:
                assert client.get(icon).status_code == 200, icon
