from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "dateline.comments"
    label = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from dateline.comments import discussion, purges

        purges.register()
        discussion.register()
