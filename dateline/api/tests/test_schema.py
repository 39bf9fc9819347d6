"""schemathesis reads the API's own OpenAPI description, generates requests
from it (valid and invalid) and checks every answer: no 500, and each
response matches the schema it claims.

The operations are driven from inside one test rather than through
schemathesis' pytest plugin, whose fixture loader does not yet run under
pytest 9."""

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings


def test_the_api_keeps_to_its_description(full_site, settings):
    settings.DATELINE_SEARCH_RATE_LIMIT = (100_000, 60)  # the limit has its own test
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
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
