"""The Moderators group moderates reader comments, and does nothing else.

Wagtail's own migrations create a "Moderators" group that may publish pages
and manage images and documents. In a newsroom that is the editors' job
(Wagtail's "Editors" group, and the roles to come), so the group is narrowed
to the admin and the comment queue.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [("wagtailadmin", "access_admin"), ("comments", "moderate_comment")]


def narrow_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; this
    # group needs moderate_comment now. (create_permissions skips app configs
    # without a models module, which migration states never have.)
    # wagtailadmin's access_admin comes from its own migration.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(group=group).delete()
    apps.get_model("wagtailcore", "GroupCollectionPermission").objects.filter(group=group).delete()
    group.permissions.set(
        [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in PERMISSIONS]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        # After Wagtail's migrations that give "Moderators" its default permissions.
        ("wagtailcore", "0045_assign_unlock_grouppagepermission"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(narrow_group, migrations.RunPython.noop)]
