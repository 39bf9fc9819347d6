"""schemathesis reads the API's own OpenAPI description, generates requests
from it (valid and invalid) and checks every answer: no 500, and each
response matches the schema it claims.

The operations are driven from inside one test rather than through
schemathesis' pytest plugin, whose fixture loader does not yet run under
pytest 9."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings


@pytest.fixture
def wsgi_application():
    """The site's WSGI application, run in the test's transaction: like
    Django's test client, it must not close the test's database connection
    at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_description(full_site, settings, wsgi_application):
    settings.DATELINE_SEARCH_RATE_LIMIT = (100_000, 60)  # the limit has its own test
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "GET /api/v1/",
        "GET /api/v1/articles",
        "GET /api/v1/articles/{article_id}",
        "GET /api/v1/sections",
        "GET /api/v1/sections/{slug}",
        "GET /api/v1/authors",
        "GET /api/v1/authors/{slug}",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_schema(case):
            case.call_and_validate()

        keeps_to_the_schema()
