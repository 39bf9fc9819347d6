from django.http import Http404
from wagtail import views as wagtail_views

from dateline.editions import lookups


def serve(request, path):
    """Wagtail's page view, routed from the home page of the address's edition.

    Wagtail starts from `site.root_page.localized`, which costs up to three
    queries a request and, for an edition with no home page yet, falls back
    to the default edition's pages under the other edition's address. The
    homes are kept in memory (lookups.homes); an edition without one is 404."""
    edition_home = lookups.home(request)
    if edition_home is None:
        raise Http404
    components = [component for component in path.split("/") if component]
    try:
        # Page.route_for_request keeps its answer here, and reads it back.
        request._wagtail_route_for_request = edition_home.route(request, components)
    except Http404:
        request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)
