"""Requests that name nothing, answered before anything looks them up."""

from django.http import Http404


class NulPathMiddleware:
    """A path holding a NUL byte (%00) names no page: 404 at once.

    PostgreSQL refuses NUL in any text it is asked to compare, so the page
    routing, the API, feeds and the taken-down lookup of every 404 would
    each answer 500 (SQLite answered 404). One check here, before any of
    them, rather than one in each."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No page has that address.")
        return self.get_response(request)
