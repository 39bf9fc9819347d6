"""Pending WordPress posts wait in the newsroom's review, as a writer's
submitted story does (docs/newsroom.md: Wagtail's workflow, "Editors
approval").

Wagtail's Workflow.start() would e-mail the reviewers once per story: an
import of a site with a hundred pending posts would send a hundred e-mails
about work nobody just submitted. So the workflow's rows are written here as
start() writes them, without its signals, and the import's report says how
many stories wait; the reviewers find them under "Awaiting your review".
"""

from wagtail.log_actions import log
from wagtail.models import Page, TaskState, WorkflowState


class Review:
    def __init__(self):
        self.workflows = {}  # a parent page's path -> its workflow, or None

    def submit(self, page, requested_by_id=None):
        """Put `page` (its latest revision) in its workflow's first task.
        False if no workflow covers it (workflows off, or none assigned)."""
        if WorkflowState.objects.for_instance(page).filter(status=WorkflowState.STATUS_IN_PROGRESS).exists():
            return True
        workflow = self._workflow_of(page)
        if workflow is None:
            return False
        state = WorkflowState.objects.create(
            content_type_id=page.content_type_id,
            base_content_type=page.get_base_content_type(),
            object_id=str(page.pk),
            workflow=workflow,
            status=WorkflowState.STATUS_IN_PROGRESS,
            requested_by_id=requested_by_id,
        )
        task = state.get_next_task()
        if task is None:  # a workflow with no active task would approve at once
            state.delete()
            return False
        task_state = task.specific.get_task_state_class().objects.create(
            workflow_state=state,
            task=task,
            revision_id=page.latest_revision_id,
            status=TaskState.STATUS_IN_PROGRESS,
        )
        state.current_task_state = task_state
        state.save(update_fields=["current_task_state"])
        log(
            instance=page,
            action="wagtail.workflow.start",
            data={
                "workflow": {
                    "id": workflow.pk,
                    "title": workflow.name,
                    "status": state.status,
                    "next": {"id": task.pk, "title": task.name},
                    "task_state_id": task_state.pk,
                }
            },
            revision=page.latest_revision,
            user=None,
        )
        return True

    def withdraw(self, page):
        """A post published since: its review ends (cancelled, as an editor's publish would)."""
        state = page.current_workflow_state
        if state is not None:
            state.cancel(user=None)

    def _workflow_of(self, page):
        parent_path = page.path[: -page.steplen]
        if parent_path not in self.workflows:
            parent = Page.objects.get(path=parent_path)
            self.workflows[parent_path] = parent.get_workflow()
        workflow = self.workflows[parent_path]
        return workflow if workflow is not None and workflow.active else None
