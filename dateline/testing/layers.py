"""Content that many tests read, built once and shared, as Django's
TestCase.setUpTestData shares a class's data.

Most tests read the demo site and a hundred read the full site. Built in each
test, they took 1.5 and 2 more seconds a test (Wagtail's publishing, its
reference and search indexes): most of the suite's time. Here each is built
once, in a transaction of its own left open ("a layer"), and every test that
reads it runs in a savepoint inside that transaction, so what the test
changes rolls back to the layer. A test that needs less content (or a
transactional test, which flushes the database) first rolls the layers back.

pytest-django's `db` cannot know any of this: dateline/testing/fixtures/
databases.py prepares the layers a test needs before the test's own
transaction opens, and orders the tests so that each layer is built once
or twice a run."""

from django.db import connection, transaction

NONE, DEMO, FULL = 0, 1, 2


def layer_wanted(item):
    """The content `item` (a test) reads: FULL, DEMO or NONE."""
    if not _uses_database(item) or _is_transactional(item):
        return NONE
    names = item.fixturenames
    if "full_site" in names:
        return FULL
    if "demo_site" in names:
        return DEMO
    return NONE


def _uses_database(item):
    return "db" in getattr(item, "fixturenames", ()) or item.get_closest_marker("django_db") is not None


def _is_transactional(item):
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    flagged = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return bool(flagged) or "transactional_db" in names or "live_server" in names


class ContentLayers:
    """The layers open on the suite's connection, and how to build each."""

    def __init__(self, builders, blocker):
        self._builders = builders  # builders[0] makes DEMO, builders[1] adds FULL
        self._blocker = blocker
        self._open = []  # an entered transaction.atomic() per layer

    def holds(self, layer):
        return len(self._open) >= layer

    def lower_to(self, layer):
        """Roll back every layer above `layer`."""
        with self._blocker.unblock():
            while len(self._open) > layer:
                atomic = self._open.pop()
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    def raise_to(self, layer):
        """Build the layers up to `layer`, unless a transaction that is not
        ours is open (a test that opened its own before asking): that test
        builds its content itself, as it would without layers."""
        if len(self._open) >= layer or (connection.in_atomic_block and not self._open):
            return
        with self._blocker.unblock():
            while len(self._open) < layer:
                atomic = transaction.atomic()
                atomic.__enter__()
                self._open.append(atomic)
                try:
                    self._builders[len(self._open) - 1]()
                except BaseException:
                    self.lower_to(len(self._open) - 1)
                    raise
