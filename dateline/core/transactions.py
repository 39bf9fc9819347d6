from contextlib import contextmanager

from django.db import transaction


@contextmanager
def atomic_or_dry_run(dry_run):
    """All the writes inside happen together, or, for a command's --dry-run, not at all."""
    with transaction.atomic():
        yield
        if dry_run:
            transaction.set_rollback(True)
