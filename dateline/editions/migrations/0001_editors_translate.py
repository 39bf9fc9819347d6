"""Who starts a story's version in another edition: the Editors (and
Administrators), with Wagtail's "Translate" action (simple_translation),
which copies the page, and its parents if the edition lacks them, as a
draft for them to rewrite."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Administrators"]


def _permission(apps):
    # The permission exists only after every migration has run (as in accounts/0001).
    app_config = apps.get_app_config("simple_translation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="simple_translation", codename="submit_translation")


def grant(apps, schema_editor):
    permission = _permission(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = _permission(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("simple_translation", "0001_initial"),
        ("accounts", "0001_newsroom_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
