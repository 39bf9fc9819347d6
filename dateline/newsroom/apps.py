from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "dateline.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from dateline.newsroom import purges, tags  # noqa: F401 (tags connects the tag slug receiver)

        purges.register()
