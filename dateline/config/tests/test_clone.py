"""A lone clone of the project is complete: nothing reads beside the checkout,
and every link in the README and docs leads to a file in the project."""

import re
import subprocess

import pytest

from dateline.testing import REPO_ROOT

pytestmark = pytest.mark.once

# Spelt in two parts so that this file does not match itself.
BESIDE_THE_CHECKOUT = "../" + "shared"
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True)
    return [REPO_ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_no_file_of_the_project_refers_to_a_folder_beside_the_checkout():
    offenders = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the working tree, not yet committed
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: an image, a font
        if BESIDE_THE_CHECKOUT in text:
            offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []


DOCUMENTS = ["README.md", "CHANGELOG.md", *sorted(f"docs/{page.name}" for page in (REPO_ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relative_link_in_the_documentation_resolves(document):
    path = REPO_ROOT / document
    broken = []
    for target in MARKDOWN_LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address, a mail address, an anchor on the same page
        if not (path.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert broken == []
