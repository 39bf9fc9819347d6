from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "dateline.articles"
    label = "articles"
    verbose_name = "Articles"

    def ready(self):
        from dateline.articles import signals  # noqa: F401 (connects renditions to publishing)
