"""The newsroom's roles (accounts/migrations/0001_newsroom_roles.py): what
each group's members may do, as the admin answers them over HTTP."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Workflow

from dateline.articles.models import ArticlePage

ROLES = ["Writers", "Editors", "Moderators", "Administrators"]
COMMENT_QUEUE = "/admin/snippets/comments/comment/"


def member_of(group_name):
    user = get_user_model().objects.create_user(f"{group_name.lower()}-member", password="not used")
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return user, client


def refused(response):
    """The admin's answer to a page its user may not open: back to the
    dashboard with a message (Wagtail), or 403."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def draft_by(user, section):
    article = ArticlePage(title="A writer's draft", slug="a-writers-draft", owner=user, live=False)
    section.add_child(instance=article)
    article.save_revision(user=user)
    return article


@pytest.mark.django_db
def test_each_role_is_one_group_and_wagtails_groups_are_not_duplicated():
    names = list(Group.objects.filter(name__in=ROLES).values_list("name", flat=True))
    assert sorted(names) == sorted(ROLES)


def test_a_writer_drafts_but_publishes_nothing(demo_site):
    writer, client = member_of("Writers")
    section = demo_site.sections["Middle East"]
    assert client.get(f"/admin/pages/add/articles/articlepage/{section.pk}/").status_code == 200
    draft = draft_by(writer, section)
    assert client.get(f"/admin/pages/{draft.pk}/edit/").status_code == 200
    assert not draft.permissions_for_user(writer).can_publish()
    # Someone else's story is not theirs to edit.
    assert refused(client.get(f"/admin/pages/{demo_site.article.pk}/edit/"))
    assert not demo_site.article.permissions_for_user(writer).can_unpublish()
    assert refused(client.get(COMMENT_QUEUE))
    assert refused(client.get("/admin/users/"))


def test_an_editor_edits_and_publishes_anything(demo_site):
    writer, _ = member_of("Writers")
    editor, client = member_of("Editors")
    draft = draft_by(writer, demo_site.sections["Middle East"])
    for page in (draft, demo_site.article):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
        assert page.permissions_for_user(editor).can_publish()
    response = client.post(f"/admin/pages/{demo_site.article.pk}/unpublish/", {"include_descendants": False})
    assert response.status_code == 302
    assert not ArticlePage.objects.get(pk=demo_site.article.pk).live
    assert refused(client.get("/admin/users/"))


def test_a_moderator_moderates_comments_and_touches_no_page(demo_site):
    moderator, client = member_of("Moderators")
    assert client.get(COMMENT_QUEUE).status_code == 200
    assert refused(client.get(f"/admin/pages/{demo_site.article.pk}/edit/"))
    assert not demo_site.sections["Middle East"].permissions_for_user(moderator).can_add_subpage()


def test_an_administrator_runs_staff_pages_and_comments(demo_site):
    administrator, client = member_of("Administrators")
    assert client.get("/admin/users/").status_code == 200
    assert client.get("/admin/groups/").status_code == 200
    assert client.get(COMMENT_QUEUE).status_code == 200
    assert demo_site.article.permissions_for_user(administrator).can_publish()
    assert demo_site.article.permissions_for_user(administrator).can_delete()


def test_what_writers_submit_goes_to_the_editors_for_approval(demo_site):
    writer, _ = member_of("Writers")
    editor, _ = member_of("Editors")
    moderator, _ = member_of("Moderators")
    draft = draft_by(writer, demo_site.sections["Middle East"])
    workflow = draft.get_workflow()
    assert workflow == Workflow.objects.get(active=True)
    state = workflow.start(draft, writer)
    task = state.current_task_state.task.specific
    assert list(task.groups.values_list("name", flat=True)) == ["Editors"]
    assert "approve" in {name for name, *_ in task.get_actions(draft, editor)}
    assert task.get_actions(draft, writer) == []
    assert task.get_actions(draft, moderator) == []
