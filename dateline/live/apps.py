from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "dateline.live"
    label = "live"
    verbose_name = "Live coverage"

    def ready(self):
        from dateline.articles import section_leads
        from dateline.live import purges
        from dateline.live.happening_now import happening_now

        purges.register()
        section_leads.register(happening_now)
