from django.utils.functional import SimpleLazyObject

from dateline.editions import lookups


def editions(request):
    """The request's edition, its home page, and the editions readers can
    switch to (kept in memory: no query)."""
    return {
        "edition": SimpleLazyObject(lookups.current),
        "edition_home": SimpleLazyObject(lambda: lookups.home(request)),
        "editions": SimpleLazyObject(lambda: lookups.published(request)),
    }
