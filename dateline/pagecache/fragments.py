"""Rendered parts of pages, kept between renders and purged like pages.

When a page must be rendered (its stored copy was purged, or the request
cannot be answered from the store: a query string, an editor's session),
most of it has usually not changed: a new comment changes the comment
thread, not the story above it. Views render such parts through
`fragment`, which keeps the HTML in the page store, with the tags the part
recorded while it rendered, and answers it again until a purge of one of
those tags or its expiry, exactly as the store does for whole pages.

Django's `{% cache %}` tag keeps fragments for a fixed time; these are
kept until what they show changes, which no cache tag of Django or
Wagtail offers, hence this module.

    from dateline.pagecache.fragments import fragment

    html = fragment(request, f"article:{pk}:story", lambda: render_to_string(...))

The part's render function records what it shows with `also_shows` and
`expires_at`, as a page would; the page that includes the part shows it
too, so its tags and expiry are passed on to the page's own record.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.safestring import mark_safe

from dateline.pagecache import REQUEST_ATTRIBUTE, Dependencies
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.store import page_store

KEY_PREFIX = "fragment:"


@dataclass
class Fragment:
    html: str
    epoch: int  # the clock's epoch when rendering started
    tags: tuple
    expires_at: float  # seconds since the epoch

    def fresh_at(self, now):
        return now < self.expires_at

    @property
    def size(self):
        return len(self.html)


def fragment(request, name, render):
    """The HTML `render()` returns (safe), from the store when it is fresh."""
    if not settings.DATELINE_PAGE_CACHE or getattr(request, "is_preview", False):
        # An editor's preview shows a draft: it must neither use nor leave a fragment.
        return mark_safe(render())  # noqa: S308 (rendered by a template, which escaped it)
    store = page_store()
    key = KEY_PREFIX + name
    part = store.lookup(key)
    if part is None:
        part = _render(request, store, render)
        store.save(key, part)
    page = getattr(request, REQUEST_ATTRIBUTE, None)
    if page is not None:
        page.tags.update(part.tags)
        page.expire_at(part.expires_at)
    return mark_safe(part.html)  # noqa: S308 (rendered by a template, which escaped it)


def fragments(request, names, renderers):
    """Several parts at once, as `fragment` keeps each. `renderers(missing)`
    is called once with the names not kept and returns {name: render}, so
    what the missing parts show can be loaded in one query (a feed's
    entries). A name it has no render for (its object was deleted
    meanwhile) is left out."""
    if not settings.DATELINE_PAGE_CACHE or getattr(request, "is_preview", False):
        renders = renderers(list(names))
        return [mark_safe(renders[name]()) for name in names if name in renders]  # noqa: S308 (escaped by their writers)
    store = page_store()
    kept = store.lookup_many([KEY_PREFIX + name for name in names])
    parts = {name: kept.get(KEY_PREFIX + name) for name in names}
    missing = [name for name, part in parts.items() if part is None]
    if missing:
        renders = renderers(missing)
        for name in missing:
            if name in renders:
                parts[name] = _render(request, store, renders[name])
                store.save(KEY_PREFIX + name, parts[name])
    shown = [parts[name] for name in names if parts[name] is not None]
    page = getattr(request, REQUEST_ATTRIBUTE, None)
    if page is not None:
        for part in shown:
            page.tags.update(part.tags)
            page.expire_at(part.expires_at)
    return [mark_safe(part.html) for part in shown]  # noqa: S308 (rendered and escaped by their writers)


def _render(request, store, render):
    page = getattr(request, REQUEST_ATTRIBUTE, None)
    # Read before anything the part shows, as for a page (see clock.py).
    shown = Dependencies(epoch=store.clock.epoch())
    setattr(request, REQUEST_ATTRIBUTE, shown)
    try:
        html = str(render())
    finally:
        setattr(request, REQUEST_ATTRIBUTE, page)
    expires_at = time.time() + settings.DATELINE_PAGE_CACHE_MAX_AGE
    if shown.expires_at is not None:
        expires_at = min(expires_at, shown.expires_at)
    return Fragment(
        html=html, epoch=shown.epoch, tags=(pagecache_tags.SITE, *sorted(shown.tags)), expires_at=expires_at
    )
