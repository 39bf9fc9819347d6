from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "dateline.discovery"
    label = "discovery"
    verbose_name = "Feeds, sitemaps and robots.txt"

    def ready(self):
        from dateline.discovery import purges

        purges.register()
