"""Every kind of public page is valid HTML by the Nu Html Checker (vnu.jar),
a validator nobody here wrote. No message is filtered."""

import json
import shutil
import subprocess

import pytest

from dateline.conftest import REPO_ROOT, public_pages

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_public_pages_have_no_html_errors(client, full_site, tmp_path):
    if not VNU_JAR.exists() or shutil.which("java") is None:
        pytest.fail("The Nu Html Checker needs Java and node_modules/vnu-jar: run scripts/test, which installs both.")
    files = []
    for name, address in public_pages(full_site).items():
        response = client.get(address)
        assert response.status_code in (200, 404), address
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert errors == []
    checked = {m["url"].rsplit("/", 1)[-1] for m in messages} | {f.name for f in files}
    assert len(checked) == len(files)
