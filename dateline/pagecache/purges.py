"""What each change purges: a registry the apps above fill in.

The page cache knows no app above it. Each app tells it, from its
AppConfig.ready(), which tags a change to its own models touches:

    purges.when_page_changes(article_page_tags)       # listener(page, change)
    purges.when_saved_or_deleted(Comment, comment_tags)  # tags_for(instance, **signal_kwargs)

A page's own tag is always purged when it is published, unpublished, moved
or deleted while live; site settings, sites and view restrictions purge
every page. Purges run after the transaction commits (`pagecache.purge`):
the next request renders from the committed data.
"""

from enum import StrEnum

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from dateline.pagecache import purge, tags


class PageChange(StrEnum):
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    MOVED = "moved"
    DELETED = "deleted"  # sent before the page's rows go, while they can still be read


_page_listeners = []


def when_page_changes(listener):
    """Register `listener(page, change)`, which returns the tags a change to
    `page` touches besides the page's own (or none). Usable as a decorator."""
    if listener not in _page_listeners:
        _page_listeners.append(listener)
    return listener


def when_saved_or_deleted(model, tags_for):
    """Purge `tags_for(instance, **signal_kwargs)` whenever an instance of
    `model` is saved or deleted."""

    def changed(sender, instance, **kwargs):
        purge(*tags_for(instance, **kwargs))

    uid = f"pagecache:{model._meta.label}:{tags_for.__module__}.{tags_for.__qualname__}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def page_changed(page, change):
    touched = {tags.page(page.pk)}
    for listener in _page_listeners:
        touched.update(listener(page, change) or ())
    if Site.objects.filter(root_page__translation_key=page.translation_key).exists():
        # The kept site lookups hold their home page (lookups.py), and each
        # edition's home is a translation of it.
        touched.add(tags.SITE)
    purge(*touched)


def _published(sender, instance, **kwargs):
    page_changed(instance, PageChange.PUBLISHED)


def _unpublished(sender, instance, **kwargs):
    page_changed(instance, PageChange.UNPUBLISHED)


def _moved(sender, instance, **kwargs):
    page_changed(instance.specific_deferred, PageChange.MOVED)


def _deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        page_changed(instance, PageChange.DELETED)


def _site_changed(sender, instance, **kwargs):
    if isinstance(instance, BaseSiteSetting | Site | PageViewRestriction):
        purge(tags.SITE)


def connect():
    """Called once, from the page cache's AppConfig.ready()."""
    page_published.connect(_published, dispatch_uid="pagecache:published")
    page_unpublished.connect(_unpublished, dispatch_uid="pagecache:unpublished")
    post_page_move.connect(_moved, dispatch_uid="pagecache:moved")
    pre_delete.connect(_deleted, dispatch_uid="pagecache:deleted")
    post_save.connect(_site_changed, dispatch_uid="pagecache:site-saved")
    post_delete.connect(_site_changed, dispatch_uid="pagecache:site-deleted")
