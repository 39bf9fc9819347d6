from django.shortcuts import render
from wagtail.models import Site

from dateline.articles.models import ArticlePage


def taken_down_article(request):
    """The article that was published at this address and then taken down, if any."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = next((r.root_path for r in Site.get_site_root_paths() if r.site_id == site.pk), None)
    if root is None:
        return None
    path = request.path.strip("/")
    url_path = f"{root}{path}/" if path else root
    return ArticlePage.objects.filter(url_path=url_path, live=False, first_published_at__isnull=False).first()


class TakenDownMiddleware:
    """A story that was published and then taken down answers 410 Gone rather
    than 404: it existed, and it is not coming back at this address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            article = taken_down_article(request)
            if article is not None:
                return render(request, "410.html", {"withdrawn": article}, status=410)
        return response
