from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "dateline.editions"
    label = "editions"
    verbose_name = "Dateline editions"

    def ready(self):
        from dateline.editions import purges

        purges.connect()
