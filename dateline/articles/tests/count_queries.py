"""Counts the queries each address makes, on whatever database the
environment names; prints {address: [status, queries]} as JSON.

    python -m dateline.articles.tests.count_queries /address ...

Run by test_query_counts against a site of its own (100,000 articles), in a
process of its own, so the suite's test database is not involved."""

import json
import os
import sys


def main(addresses):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # the test client's host, and no outgoing mail
    client = Client()
    counts = {}
    for address in addresses:
        client.get(address)  # warm-up, as on a running site
        with CaptureQueriesContext(connection) as context:
            response = client.get(address)
        counts[address] = [response.status_code, len(context.captured_queries)]
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
