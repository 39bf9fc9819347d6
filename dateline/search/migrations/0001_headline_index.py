from django.db import migrations

from dateline.search import headlines


def install(apps, schema_editor):
    headlines.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    headlines.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_headline_key")]

    operations = [migrations.RunPython(install, uninstall)]
