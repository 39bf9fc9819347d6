"""Static assets: hashed, precompressed, and an article page within its weight budget."""

import gzip
import os
import re
import shutil
from pathlib import Path

import brotli
import pytest
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


@pytest.mark.once  # files only
def test_collectstatic_hashes_precompresses_and_compresses_each_version_once(settings, tmp_path):
    """The site's own storage, on the site's own files (Wagtail's would take
    20 s to compress, and `dateline demo` is tested end to end elsewhere)."""
    source = tmp_path / "source"
    shutil.copytree(Path(finders.find("dateline/css/site.css")).parents[2], source)
    root = tmp_path / "static"
    settings.STATIC_ROOT = root
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "dateline.core.staticfiles.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    css = [p.name for p in (root / "dateline" / "css").iterdir()]
    hashed = [name for name in css if re.fullmatch(r"site\.[0-9a-f]{12}\.css", name)]
    assert hashed, css
    assert f"{hashed[0]}.br" in css and f"{hashed[0]}.gz" in css
    js = [p.name for p in (root / "dateline" / "js").iterdir()]
    assert any(re.fullmatch(r"back-to-top\.[0-9a-f]{12}\.js\.br", name) for name in js), js

    def compressed():
        return {p: p.stat().st_ctime_ns for p in root.rglob("*") if p.suffix in (".br", ".gz")}

    first = compressed()
    call_command("collectstatic", interactive=False, verbosity=0)
    assert compressed() == first, "a second run compresses nothing again"

    stylesheet = source / "dateline" / "css" / "site.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* a new version */\n")
    later = stylesheet.stat().st_mtime + 10  # collectstatic copies only what is newer, to the second
    os.utime(stylesheet, (later, later))
    call_command("collectstatic", interactive=False, verbosity=0)
    assert brotli.decompress((root / "dateline" / "css" / "site.css.br").read_bytes()).endswith(
        b"/* a new version */\n"
    )
    new_names = {p.name for p in (root / "dateline" / "css").iterdir()} - set(css)
    assert any(re.fullmatch(r"site\.[0-9a-f]{12}\.css\.br", name) for name in new_names), new_names


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
