from django.shortcuts import render

from dateline.articles.models import ArticlePage
from dateline.editions import lookups as editions


def taken_down_article(request):
    """The article that was published at this address and then taken down, if any."""
    home = editions.home(request)
    if home is None:
        return None
    path = request.path.removeprefix(editions.current().prefix).strip("/")
    url_path = f"{home.url_path}{path}/" if path else home.url_path
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
