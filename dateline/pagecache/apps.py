from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "dateline.pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from dateline.pagecache import purges

        purges.connect()
