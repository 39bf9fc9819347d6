from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from dateline.search import headlines


class SearchConfig(AppConfig):
    name = "dateline.search"
    label = "dateline_search"
    verbose_name = "Search"

    def ready(self):
        post_migrate.connect(reinstall_headline_index, sender=self)


def reinstall_headline_index(using, **kwargs):
    """After every migrate: a migration that rebuilt the article table on
    SQLite dropped the headline index's triggers (search/headlines.py)."""
    connection = connections[using]
    if "articles_articlepage" in connection.introspection.table_names():
        headlines.install(connection)
