"""Dateline's page cache: published pages answered before Django runs, and
refreshed exactly when something they show changes.

Views opt in by saying what a page shows while they render it, in tags
(surrogate keys: `tags.py` here, and each app's `cache_tags.py`):

    from dateline import pagecache
    from dateline.pagecache import tags

    pagecache.depends_on(request, tags.page(article.pk), comments_tags.comments(article.pk))
    pagecache.expires_at(request, comments_close_at)   # a change that comes with the clock

Shared parts of pages (the menu, a comment thread) call `also_shows`, which
records without opting in. A page is stored only if its view called
`depends_on` (see middleware.py), and answered from the store by the WSGI
front (front.py) until a purge of one of its tags or its expiry. Each app
registers what its own models' changes purge (purges.py), so the page cache
knows no app above it. docs/performance.md tells the whole design.
"""

from datetime import datetime

from django.db import transaction

from dateline.pagecache.store import page_store

REQUEST_ATTRIBUTE = "page_cache"


class Dependencies:
    """What one request's page shows, gathered while it renders."""

    def __init__(self, epoch):
        self.epoch = epoch
        self.tags = set()
        self.storable = False  # until the view calls depends_on
        self.expires_at = None  # seconds since the epoch

    def expire_at(self, when):
        if self.expires_at is None or when < self.expires_at:
            self.expires_at = when


def depends_on(request, *tags):
    """Record that the page being rendered for `request` shows what `tags`
    name, and let it be stored: a view calls this for its page."""
    dependencies = getattr(request, REQUEST_ATTRIBUTE, None)
    if dependencies is not None:
        dependencies.tags.update(tags)
        dependencies.storable = True


def also_shows(request, *tags):
    """Record what a shared part of a page shows (the menu, a comment thread)
    without letting the page be stored: only its view may decide that."""
    dependencies = getattr(request, REQUEST_ATTRIBUTE, None)
    if dependencies is not None:
        dependencies.tags.update(tags)


def expires_at(request, when):
    """The page must not be answered from the store after `when` (a datetime)."""
    dependencies = getattr(request, REQUEST_ATTRIBUTE, None)
    if dependencies is not None and when is not None:
        dependencies.expire_at(when.timestamp() if isinstance(when, datetime) else float(when))


def purge(*tags):
    """Refresh every stored page that shows what `tags` name, once the
    current transaction commits (readers must not re-store the old data)."""
    if tags:
        transaction.on_commit(lambda: page_store().purge(tags))
