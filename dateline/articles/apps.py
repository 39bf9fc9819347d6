from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "dateline.articles"
    label = "articles"
    verbose_name = "Articles"

    def ready(self):
        from dateline.articles import purges, signals  # noqa: F401 (signals connects renditions to publishing)

        purges.register()
