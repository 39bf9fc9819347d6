"""The newsroom's roles, as groups an administrator puts staff in.

- Writers write: they create stories and edit their own drafts, submit them
  for review and add images, but publish nothing.
- Editors edit and publish anything, schedule, and approve what writers
  submit. Wagtail's own "Editors" group is widened to this (it could not
  publish), not duplicated. Comments are the Moderators' (an editor who
  moderates too is in both groups).
- Moderators moderate reader comments and nothing else (comments/0002).
- Administrators run the site: every page, image and document permission,
  staff accounts and groups, sites, workflows and the site's settings.
  (Superusers remain for whoever installs the site.)

Wagtail's default workflow sent pages to the Moderators for approval,
since they could publish when Wagtail made it; it goes to the Editors.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGE = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
IMAGES = ["add_newsimage", "change_newsimage", "delete_newsimage"]
DOCUMENTS = ["add_document", "change_document", "delete_document", "choose_document"]
COLLECTIONS = ["add_collection", "change_collection", "delete_collection"]

ROLES = {
    "Writers": {
        "page": ["add_page"],
        "collection": ["add_newsimage", "add_document", "choose_document"],
        "model": [],
    },
    "Editors": {
        "page": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        "collection": IMAGES + DOCUMENTS,
        "model": [],
    },
    "Administrators": {
        "page": PAGE,
        "collection": IMAGES + DOCUMENTS + COLLECTIONS,
        "model": [
            ("comments", "moderate_comment"),
            *[("auth", f"{action}_{model}") for model in ("user", "group") for action in ("add", "change", "delete")],
            *[("wagtailcore", f"{action}_site") for action in ("add", "change", "delete")],
            *[("wagtailcore", f"{action}_workflow") for action in ("add", "change", "delete")],
            *[("wagtailcore", f"{action}_task") for action in ("add", "change", "delete")],
            ("newsroom", "change_brandingsettings"),
        ],
    },
}
APPROVERS = "Editors"


def _ensure_permissions(apps, app_label):
    # Django creates permissions after every migration has run; these
    # groups need them now (the same step as comments/0002).
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def create_roles(apps, schema_editor):
    for app_label in ("auth", "wagtailcore", "wagtaildocs", "newsroom", "comments"):
        _ensure_permissions(apps, app_label)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(codename, app_label=None):
        found = Permission.objects.filter(codename=codename)
        if app_label:
            found = found.filter(content_type__app_label=app_label)
        return found.get()

    tree_root = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    access_admin = permission("access_admin", "wagtailadmin")
    for name, role in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([access_admin, *(permission(codename, app) for app, codename in role["model"])])
        GroupPagePermission.objects.filter(group=group).delete()
        for codename in role["page"]:
            GroupPagePermission.objects.create(group=group, page=tree_root, permission=permission(codename))
        GroupCollectionPermission.objects.filter(group=group).delete()
        for codename in role["collection"]:
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=permission(codename)
            )

    # Wagtail's default workflow: approval by whoever may publish.
    approvers = Group.objects.get(name=APPROVERS)
    for task in apps.get_model("wagtailcore", "GroupApprovalTask").objects.all():
        task.groups.set([approvers])
        task.name = f"{APPROVERS} approval"
        task.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderators_group"),
        ("newsroom", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
