"""What Dateline's tests and benches share: the third-party data they read,
and where the project is.

The data lives in the project (`data/`, with its sources and licences in
`data/README.md`), so a lone clone runs every test."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SEED_PAGE = DATA / "seed" / "000_c64d6496a6c6b3f9.txt"
THEME_UNIT_TEST = DATA / "wxr" / "themeunittestdata.wordpress.xml"
