"""The suite's own rule: a skipped test fails the run. Its fixtures are in
dateline/testing/fixtures/, loaded by the conftest.py beside pyproject.toml."""


def pytest_sessionfinish(session, exitstatus):
    """A check that cannot run must fail loudly: any skip fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) were skipped. In Dateline a skipped test is a failure: "
            "install what it needs (scripts/test does) rather than skip it.",
            red=True,
        )
        session.exitstatus = 1
