"""The health endpoint that proxies and monitors poll, and the error pages
for requests Django could not handle."""

import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

HEALTH_CACHE_KEY = "dateline:healthz"


def database_ok(database=connection):
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def _cache_ok():
    try:
        cache.set(HEALTH_CACHE_KEY, "ok", timeout=10)
        return cache.get(HEALTH_CACHE_KEY) == "ok"
    except Exception:
        logger.exception("Health check: the cache is unreachable")
        return False


@never_cache
def healthz(request):
    """200 when the database and the cache answer, 503 otherwise (for proxies and monitors)."""
    checks = {"database": database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unreachable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


# Django's own error views run the CSRF check to offer a token to their
# templates (`requires_csrf_token`). When the request's body is what failed
# (a form that is not UTF-8 raises BadRequest as the CSRF check reads it),
# that check fails again inside the error view, and the reader gets a bare
# 500 from the server. These pages need no token, and are rendered with no
# request context, so they never read the request or the database.


def page_not_found(request, exception):
    """A 404 in the API's own format under /api/; the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    return HttpResponseBadRequest(render_to_string("400.html"))


# How long a client or proxy should wait before asking again when the
# database cannot be reached: long enough for a restart or a failover.
RETRY_AFTER_DATABASE = 30


def server_error(request):
    """A 503 with Retry-After when the database could not be reached (a
    proxy then fails over or retries, and a reader is told to come back),
    a 500 for anything else. Django calls this inside its `except` block,
    so the exception is the one being handled."""
    if database_unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": "Service Unavailable"}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_DATABASE)
        return response
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal Server Error"}, status=500)
    return HttpResponseServerError(render_to_string("500.html"))


def database_unavailable(error):
    """True for the errors of a database that is down, restarting or locked
    (connection refused or lost, "database is locked"); not for a bad query
    or a broken constraint."""
    return isinstance(error, (OperationalError, InterfaceError))
