from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "dateline.wordpress"
    label = "wordpress"
    verbose_name = "WordPress import and export"
