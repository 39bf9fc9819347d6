from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.api.api import api
from dateline.core.views import healthz
from dateline.discovery.views import robots_txt
from dateline.editions import views as editions
from dateline.search.views import search

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include("dateline.accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("api/v1/", api.urls),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DATELINE_SERVE_MEDIA:
    # `dateline serve` hands /media/ to the server's own file path and
    # production to nginx or object storage; this is for runserver and tests.
    from django.views.static import serve

    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "dateline.core.views.bad_request"
handler404 = "dateline.core.views.page_not_found"
handler500 = "dateline.core.views.server_error"

# Each edition's own addresses: the default edition's at /, the others'
# under their language code (/ar/search/, /ar/feeds/rss/, /ar/comments/…). Wagtail serves
# every other address from the edition's page tree (dateline.editions.views).
urlpatterns += i18n_patterns(
    path("comments/", include("dateline.comments.urls")),
    path("", include("dateline.discovery.urls")),
    path("search/", search, name="search"),
    re_path(r"^((?:[\w\-]+/)*)$", editions.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
