"""`dateline backup` and `dateline restore`, round trip, on the database
kind the suite runs on (issue 16): a site with a story, a reader's comment
and an uploaded image comes back whole in an empty data folder or
database, and a restore never overwrites a site unless told to."""

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from dateline.testing.fixtures.servers import site_of_its_own

ADD_CONTENT = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
django.setup()
from io import BytesIO
from django.core.files.images import ImageFile
from PIL import Image
from dateline.articles.models import ArticlePage
from dateline.comments.models import Comment
from dateline.newsroom.models import NewsImage
buffer = BytesIO()
Image.new("RGB", (640, 360), "#345").save(buffer, "JPEG")
image = NewsImage.objects.create(title="Homs", file=ImageFile(buffer, name="homs.jpg"))
image.get_rendition("width-320")
story = ArticlePage.objects.live().first()
Comment.objects.create(article=story, name="Rania", email="rania@example.org", ip_address="198.51.100.7",
                       body="Kept through a restore.", status=Comment.Status.APPROVED)
print(story.url)
"""
DATELINE = Path(sys.executable).parent / "dateline"
TABLES = ["wagtailcore_page", "wagtailcore_revision", "comments_comment", "wagtailimages_image", "auth_user"]


def counts(site):
    return {table: site.sql(f"SELECT COUNT(*) FROM {table}")[0][0] for table in TABLES}  # noqa: S608 (fixed names)


def media(site):
    folder = site.home / "media"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def restore(site, folder, *extra):
    return subprocess.run(
        [str(DATELINE), "restore", str(folder), *extra],
        env=site.environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory, collected_static):
    for site in site_of_its_own(tmp_path_factory, "backup_source", collected_static=collected_static):
        site.story_url = site.run_python("-c", ADD_CONTENT).stdout.strip()
        yield site


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory):
    folder = tmp_path_factory.mktemp("backups") / "backup"
    source.dateline("backup", str(folder))
    return folder


@pytest.fixture
def target(tmp_path_factory, collected_static):
    yield from site_of_its_own(tmp_path_factory, "backup_target", collected_static=collected_static, prepare=False)


def test_a_backup_restores_the_whole_site_into_an_empty_one(source, backup, target):
    folder = backup
    assert folder.stat().st_mode & 0o777 == 0o700, "a backup holds commenters' e-mail addresses"
    manifest = json.loads((folder / "backup.json").read_text())
    assert "database.sqlite3" in manifest["files"] or "database.dump" in manifest["files"]

    result = restore(target, folder)
    assert result.returncode == 0, result.stderr
    assert counts(target) == counts(source)
    assert target.sql("SELECT email, body FROM comments_comment") == [("rania@example.org", "Kept through a restore.")]
    assert media(target) == media(source) and len(media(source)) >= 2  # the original and its rendition

    target.start()
    with urllib.request.urlopen(target.base + source.story_url, timeout=30) as response:
        page = response.read().decode()
    assert "Kept through a restore." in page
    assert "rania@example.org" not in page


def test_a_restore_never_overwrites_a_site_unless_told_to(source, backup):
    folder = backup
    before = counts(source)
    refused = restore(source, folder)
    assert refused.returncode != 0
    assert "already holds a site" in refused.stderr
    assert counts(source) == before
    forced = restore(source, folder, "--force")
    assert forced.returncode == 0, forced.stderr
    assert counts(source) == before


def test_a_damaged_or_foreign_folder_is_refused(source, backup, target, tmp_path):
    folder = tmp_path / "backup"
    shutil.copytree(backup, folder)
    database = next(folder.glob("database.*"))
    with database.open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff\xff")
    damaged = restore(target, folder)
    assert damaged.returncode != 0 and "is damaged" in damaged.stderr
    not_a_backup = restore(target, tmp_path)
    assert not_a_backup.returncode != 0 and "is not a Dateline backup" in not_a_backup.stderr
    assert (
        "not empty"
        in subprocess.run(
            [str(DATELINE), "backup", str(folder)], env=source.environment, capture_output=True, text=True
        ).stderr
    )
