from django.utils.functional import SimpleLazyObject

from dateline.articles.navigation import Navigation


def navigation(request):
    """The section menu for every public page, loaded only if a template shows it."""
    return {"navigation": SimpleLazyObject(lambda: Navigation.for_request(request))}
