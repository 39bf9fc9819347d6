"""A WordPress post "pending review" waits in the newsroom's review, as a
writer's submitted story does, without an e-mail per post to the
reviewers; an editor approves it and it is published."""

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import WorkflowState

from dateline.accounts.tests.test_review import review_state, task_action
from dateline.accounts.tests.test_roles import member_of
from dateline.articles.models import ArticlePage
from dateline.core.models import StandardPage
from dateline.wordpress.tests.conftest import post, run_import

pytestmark = pytest.mark.django_db


def test_pending_posts_wait_in_review_until_an_editor_approves(export_file, purges):
    items = (
        post(1, "Convoy awaits clearance", status="pending"),
        post(2, "About the newsroom", status="pending", post_type="page", slug="about"),
        post(3, "A draft", status="draft"),
    )
    with purges():
        report = run_import(export_file(*items))
    assert "waiting in review (pending)" in report
    story = ArticlePage.objects.get(title="Convoy awaits clearance")
    page = StandardPage.objects.get(title="About the newsroom")
    for waiting in (story, page):
        assert not waiting.live and waiting.current_workflow_task.name == "Editors approval"
        assert waiting.current_workflow_state.requested_by.username == "jane"  # the post's writer
    assert review_state(ArticlePage.objects.get(title="A draft")) is None  # a draft is only a draft
    assert mail.outbox == []  # no e-mail per imported post
    assert Client().get("/news/post-1/").status_code == 404

    editor, editor_client = member_of("Editors")
    assert "Convoy awaits clearance" in editor_client.get("/admin/").content.decode()  # "Awaiting your review"
    with purges():
        assert task_action(editor_client, story, "approve").status_code == 302
    story = ArticlePage.objects.get(pk=story.pk)
    assert story.live and review_state(story) == WorkflowState.STATUS_APPROVED
    assert "Convoy awaits clearance" in Client().get(story.url).content.decode()


def test_a_pending_post_published_since_leaves_review(export_file):
    run_import(export_file(post(1, "Convoy awaits clearance", status="pending")))
    run_import(export_file(post(1, "Convoy awaits clearance", status="pending")))  # the same file: nothing new
    story = ArticlePage.objects.get()
    assert WorkflowState.objects.for_instance(story).count() == 1
    run_import(export_file(post(1, "Convoy cleared", status="publish")))
    story = ArticlePage.objects.get()
    assert story.live and story.title == "Convoy cleared"
    assert review_state(story) == WorkflowState.STATUS_CANCELLED


def test_draft_private_and_future_pages_are_not_published(export_file):
    """Regression: WordPress pages that were not published came in live (a
    new Wagtail page is live unless told otherwise), a private one too."""
    items = (
        post(1, "Published page", post_type="page", slug="published"),
        post(2, "Draft page", status="draft", post_type="page", slug="draft"),
        post(3, "Private page", status="private", post_type="page", slug="private"),
        post(4, "Future page", status="future", post_type="page", slug="future", date="2099-01-01 09:00:00"),
    )
    run_import(export_file(*items))
    live = dict(StandardPage.objects.values_list("title", "live"))
    assert live == {"Published page": True, "Draft page": False, "Private page": False, "Future page": False}
    future = StandardPage.objects.get(title="Future page")
    assert future.go_live_at is not None and future.go_live_at.year == 2099
    assert future.latest_revision.approved_go_live_at == future.go_live_at  # the worker publishes it on time
    reader = Client()
    for slug, wp_id in (("draft", 2), ("private", 3), ("future", 4)):
        assert reader.get(f"/{slug}/").status_code == 404
        assert reader.get(f"/?page_id={wp_id}").status_code in (200, 404)
