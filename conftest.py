"""Loads the suite's fixtures, a module for each concern in dateline/testing/fixtures/.

pytest takes `pytest_plugins` only from the conftest.py at its rootdir (here,
beside pyproject.toml), whatever paths it is given. The suite's own rules are
in dateline/conftest.py."""

pytest_plugins = [
    "dateline.testing.fixtures.databases",
    "dateline.testing.fixtures.sites",
    "dateline.testing.fixtures.browser",
    "dateline.testing.fixtures.servers",
    "dateline.testing.fixtures.archive",
]
