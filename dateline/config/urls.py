from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from dateline.api.api import api
from dateline.core.views import healthz
from dateline.search.views import search

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include("dateline.accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("comments/", include("dateline.comments.urls")),
    path("", include("dateline.discovery.urls")),
    path("search/", search, name="search"),
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

# Wagtail serves every other address from the page tree. A language prefix
# (/ar/...) for editions will wrap this in i18n_patterns.
urlpatterns += [path("", include(wagtail_urls))]
