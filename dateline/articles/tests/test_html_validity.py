"""Every kind of public page is valid HTML by the Nu Html Checker (vnu.jar),
a validator nobody here wrote: no error and no warning. No message is filtered."""

import json
import shutil
import subprocess

import pytest

from dateline.testing import REPO_ROOT
from dateline.testing.fixtures.sites import public_pages

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(files):
    """The Nu Html Checker's errors and warnings for the given HTML files, none filtered."""
    if not VNU_JAR.exists() or shutil.which("java") is None:
        pytest.fail("The Nu Html Checker needs Java and node_modules/vnu-jar: run scripts/test, which installs both.")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") in ("fatal", "warning")
    ]


def saved(tmp_path, name, response, statuses=(200, 404)):
    assert response.status_code in statuses, name
    path = tmp_path / f"{name}.html"
    path.write_bytes(response.content)
    return path


def test_public_pages_have_no_html_errors(client, full_site, tmp_path):
    files = [saved(tmp_path, name, client.get(address)) for name, address in public_pages(full_site).items()]
    assert vnu_errors(files) == []


def test_comment_pages_have_no_html_errors(client, full_site, tmp_path):
    article = full_site.feature
    post = f"/comments/post/{article.pk}/"
    comment = article.comments.first()
    files = [
        saved(tmp_path, "confirm", client.post(post, {"comment": "Hi", "name": "R", "email": "r@example.org"})),
        saved(tmp_path, "errors", client.post(post, {"comment": "", "name": "", "email": "nope"}), statuses=(400,)),
        saved(tmp_path, "report", client.get(f"/comments/{comment.pk}/report/")),
        saved(tmp_path, "reply", client.get(f"{article.url}?replytocom={comment.pk}")),
    ]
    assert vnu_errors(files) == []
