"""Content that many tests read, built once and shared, as Django's
TestCase.setUpTestData shares a class's data.

Most tests read the demo site and a hundred read the full site. Built in each
test, they took 1.5 and 2 more seconds a test (Wagtail's publishing, its
reference and search indexes): most of the suite's time. Here each is built
once, in a transaction of its own left open ("a layer"), and every test that
reads it runs in a savepoint inside that transaction, so what the test
changes rolls back to the layer. A test that needs less content (or a
transactional test, which flushes the database) first rolls the layers back.

WordPress's theme unit test export, imported into the empty site, is a layer
too: three import tests read it, and importing it took each of them tens of
seconds on PostgreSQL under the suite's load.

A layer is named by its path, the names of what is built in turn: FULL is
built on DEMO, WORDPRESS on the empty site. Sorting tests by their layer
(tuples sort by their first names first) puts each layer's tests together.

pytest-django's `db` cannot know any of this: dateline/testing/fixtures/
databases.py prepares the layers a test needs before the test's own
transaction opens, and orders the tests so that each layer is built once
or twice a run."""

from django.db import connection, transaction

NONE = ()
DEMO = ("demo",)
FULL = (*DEMO, "full")
WORDPRESS = ("wordpress",)

# The fixture that asks for each layer; the first a test uses wins.
FIXTURES = {"full_site": FULL, "demo_site": DEMO, "theme_unit_test_import": WORDPRESS}


def layer_wanted(item):
    """The content `item` (a test) reads: one of the layers above."""
    if not _uses_database(item) or _is_transactional(item):
        return NONE
    names = item.fixturenames
    return next((layer for fixture, layer in FIXTURES.items() if fixture in names), NONE)


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
        self._builders = builders  # name -> function that builds it on the names before it
        self._blocker = blocker
        self._open = []  # (name, its entered transaction.atomic(), what its builder returned)

    def _names(self):
        return tuple(name for name, _, _ in self._open)

    def holds(self, layer):
        return self._names()[: len(layer)] == layer

    def built(self, layer):
        """What the builder of `layer`'s last name returned (`layer` is held)."""
        return self._open[len(layer) - 1][2]

    def lower_to(self, layer):
        """Roll back every open layer that is not part of `layer`."""
        with self._blocker.unblock():
            while self._names() != layer[: len(self._open)]:
                _, atomic, _ = self._open.pop()
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    def raise_to(self, layer):
        """Build the layers up to `layer`, unless a transaction that is not
        ours is open (a test that opened its own before asking): that test
        builds its content itself, as it would without layers."""
        if self.holds(layer) or (connection.in_atomic_block and not self._open):
            return
        self.lower_to(layer)
        with self._blocker.unblock():
            while len(self._open) < len(layer):
                self._build(layer[len(self._open)])

    def _build(self, name):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            made = self._builders[name]()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        self._open.append((name, atomic, made))
