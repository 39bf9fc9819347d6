"""The review workflow by its approvers' name, and who edits the two site
settings of issue 18.

0001 gave Wagtail's default approval task to the Editors and renamed the
task, but not its workflow: writers read the workflow's name on the button
that submits a story, which still said "Submit to Moderators approval".

Editors put up and take down the breaking-news banner; administrators also
name the newsroom's policy pages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": ["change_breakingnewssettings"],
    "Administrators": ["change_breakingnewssettings", "change_policysettings"],
}


APPROVERS = "Editors"


def name_the_workflow(apps, schema_editor):
    tasks = apps.get_model("wagtailcore", "GroupApprovalTask").objects.filter(groups__name=APPROVERS)
    Workflow = apps.get_model("wagtailcore", "Workflow")
    for workflow in Workflow.objects.filter(workflow_tasks__task__in=tasks, name="Moderators approval").distinct():
        workflow.name = f"{APPROVERS} approval"
        workflow.save(update_fields=["name"])


def grant(apps, schema_editor):
    # As in 0001: the permissions exist only after every migration has run.
    app_config = apps.get_app_config("newsroom")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.filter(content_type__app_label="newsroom", codename__in=codenames)
        Group.objects.get(name=name).permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = Permission.objects.filter(content_type__app_label="newsroom", codename__in=codenames)
        Group.objects.get(name=name).permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_newsroom_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("newsroom", "0002_policies_and_breaking_news"),
    ]

    operations = [
        migrations.RunPython(name_the_workflow, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
