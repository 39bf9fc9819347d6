"""The suite's own rules: a skipped test fails the run, and a failing test
that used a real server shows that server's log. Its fixtures are in
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


def pytest_runtest_makereport(item, call):
    """A failing test that used a real `dateline serve` reports the end of
    that server's log: its temporary folder is gone when CI's run ends."""
    from dateline.testing.servers import ProductionServer

    if call.excinfo is None:
        return
    values = list(item.funcargs.values())
    values += [inner for value in values if isinstance(value, dict) for inner in value.values()]
    for value in values:
        if isinstance(value, ProductionServer) and value.log is not None:
            tail = "\n".join(value.output().splitlines()[-80:])
            item.add_report_section(call.when, f"log of the server on port {value.port} (last 80 lines)", tail)
