"""Counts the queries each address makes, on whatever database the
environment names; prints {address: [status, from scratch, with parts kept]}
as JSON (see `queries_for`).

    python -m dateline.articles.tests.count_queries /address ...

Run by test_query_counts against a site of its own (100,000 articles), in a
process of its own, so the suite's test database is not involved."""

import json
import os
import sys


def queries_for(client, address):
    """(status, queries, queries) for one address: rendered from scratch,
    as after a change to the site's settings, then again with the parts of
    the page and the lookups the page cache keeps (dateline.pagecache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dateline.articles import cache_tags
    from dateline.pagecache import tags
    from dateline.pagecache.store import page_store

    client.get(address)  # warm-up, as on a running site (Wagtail's site root paths)
    page_store().purge([tags.SITE, cache_tags.NAV])  # every stored page, part and kept lookup
    with CaptureQueriesContext(connection) as from_scratch:
        response = client.get(address)
    with CaptureQueriesContext(connection) as with_parts_kept:
        client.get(address)
    return response.status_code, len(from_scratch), len(with_parts_kept)


def main(addresses):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, and no outgoing mail
    client = Client()
    print(json.dumps({address: queries_for(client, address) for address in addresses}))


if __name__ == "__main__":
    main(sys.argv[1:])
