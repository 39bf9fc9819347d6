from django.http import HttpResponsePermanentRedirect

from dateline.wordpress import addresses


class OldAddressMiddleware:
    """Old WordPress addresses answer 301 to the pages that now show them.

    It looks only where WordPress's addresses cannot be Dateline's: a
    WordPress query at the site's root (`/?p=123`), or an address Dateline
    answered 404. Any other request costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path in addresses.ROOTS and any(key in request.GET for key in addresses.QUERY_KEYS):
            redirect = self._redirect(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code == 404:
            return self._redirect(request) or response
        return response

    def _redirect(self, request):
        site = getattr(request, "_wagtail_site", None)
        if site is None:
            return None
        url = addresses.destination(site, request.path, request.META.get("QUERY_STRING", ""))
        return HttpResponsePermanentRedirect(url) if url else None
