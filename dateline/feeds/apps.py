from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "dateline.feeds"
    label = "feeds"
    verbose_name = "Feeds and sitemaps"

    def ready(self):
        from dateline.feeds import purges

        purges.register()
