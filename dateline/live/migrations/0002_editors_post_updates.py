"""Who posts live updates: the Editors (and Administrators), who publish.

An update is live the moment it is posted, with no review, so it is for
those who may publish; a writer covering an event live is made an editor
for it, or files to one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Administrators"]
CODENAMES = ["add_liveupdate", "change_liveupdate", "delete_liveupdate", "view_liveupdate"]


def _permissions(apps):
    # The permissions exist only after every migration has run (as in accounts/0001).
    app_config = apps.get_app_config("live")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="live", codename__in=CODENAMES)


def grant(apps, schema_editor):
    permissions = _permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    permissions = _permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0001_live_stories_and_updates"),
        ("accounts", "0001_newsroom_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
