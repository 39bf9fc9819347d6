"""The moderation queue in the Wagtail admin: listing, one-click decisions,
bulk actions, staff replies and commenters' privacy requests."""

import json

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from dateline.comments import services
from dateline.comments.models import Comment
from dateline.comments.permissions import can_moderate

# What each decision is called, what it does, and the statuses it applies to.
DECISIONS = {
    "approve": ("Approve", services.comment_approve, {"pending", "spam"}),
    "unapprove": ("Unapprove", services.comment_unapprove, {"approved"}),
    "spam": ("Spam", services.comment_mark_spam, {"pending", "approved"}),
    "not-spam": ("Not spam", services.comment_mark_not_spam, {"spam"}),
    "trash": ("Trash", services.comment_trash, {"pending", "approved", "spam"}),
    "restore": ("Restore", services.comment_restore, {"trash"}),
}

STATUS_TABS = [("", "All"), *Comment.Status.choices]


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Comment.Status.choices, empty_label="All but trash", method="by_status"
    )
    article = django_filters.CharFilter(field_name="article__title", lookup_expr="icontains", label="Article")
    submitted_at = django_filters.DateFromToRangeFilter(label="Posted", widget=DateRangePickerWidget)
    reported = django_filters.BooleanFilter(label="Reported by readers", method="by_reports")

    class Meta:
        model = Comment
        fields = ["status", "article", "submitted_at", "reported"]

    def by_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def by_reports(self, queryset, name, value):
        return queryset.filter(report_count__gt=0) if value else queryset.filter(report_count=0)


class ModerateColumn(Column):
    """One-click decisions for a row: small forms that post to `moderate`."""

    cell_template_name = "comments/admin/moderate_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["decisions"] = [
            (action, label) for action, (label, _, applies_to) in DECISIONS.items() if instance.status in applies_to
        ]
        context["csrf_token"] = get_token(request)
        context["next"] = request.get_full_path() if request else ""
        context["can_reply"] = instance.status == Comment.Status.APPROVED and not instance.is_erased
        return context


def _excerpt(comment):
    if comment.is_erased:
        return "(erased at the commenter’s request)"
    return f"{comment.name}: {Truncator(comment.body).words(24)}"


class CommentIndexView(IndexView):
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.request.GET.get("status"):
            # Trash is out of sight until asked for, as in WordPress.
            queryset = queryset.exclude(status=Comment.Status.TRASH)
        return queryset

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = Comment.objects.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status, _ in Comment.Status.choices}
        )
        current = self.request.GET.get("status", "")
        context["status_tabs"] = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value) if value else sum(v for k, v in counts.items() if k != "trash"),
                "current": value == current,
            }
            for value, label in STATUS_TABS
        ]
        return context


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Comments"
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CommentIndexView
    filterset_class = CommentFilterSet
    search_fields = ["body", "name"]
    search_backend_name = None  # the database's own LIKE, not the site search index
    ordering = ["-submitted_at"]
    list_per_page = 50
    list_display = [
        TitleColumn("excerpt", label="Comment", accessor=_excerpt, url_name="wagtailsnippets_comments_comment:edit"),
        Column("article", label="Article", accessor="article.title"),
        StatusTagColumn(
            "status", label="Status", accessor="get_status_display", primary=lambda c: c.status == "pending"
        ),
        Column(
            "spam_score", label="Spam score", accessor=lambda c: "" if c.spam_score is None else f"{c.spam_score:.2f}"
        ),
        Column("report_count", label="Reports"),
        DateColumn("submitted_at", label="Posted"),
        ModerateColumn("moderate", label="Moderate"),
    ]
    inspect_view_fields = [
        "article",
        "name",
        "email",
        "website",
        "body",
        "status",
        "submitted_at",
        "spam_score",
        "moderation_reasons",
        "report_count",
        "ip_address",
    ]
    # No status here: a status changes only through the decisions above (the
    # moderation services), which refresh the cached pages, teach the spam
    # filter and record who decided.
    panels = [FieldPanel("name"), FieldPanel("email"), FieldPanel("website"), FieldPanel("body")]
    index_template_name = "comments/admin/index.html"

    @cached_property
    def menu_item_class(self):
        return type("CommentsMenuItem", (PendingCountMenuItem, super().menu_item_class), {})


class PendingCountMenuItem:
    """The admin menu's "Comments" item, with the number awaiting moderation."""

    def render_component(self, request):
        component = super().render_component(request)
        pending = Comment.objects.pending().count()
        if pending:
            component.label = f"{self.label} ({pending} pending)"
        return component


# Bulk actions: the same decisions for every ticked row.


class CommentBulkAction(SnippetBulkAction):
    models = [Comment]
    template_name = "comments/admin/confirm_bulk_action.html"
    decision = ""

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        _, service, applies_to = DECISIONS[cls.decision]
        done = 0
        for comment in objects:
            if comment.status in applies_to:
                service(comment=comment, user=user)
                done += 1
        return done, 0

    def check_perm(self, comment):
        return can_moderate(self.request.user)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return f"{self.display_name}: {num_parent_objects} comment{'s' if num_parent_objects != 1 else ''}."


def _bulk_action(decision, priority):
    label = DECISIONS[decision][0]
    return type(
        f"{label.replace(' ', '')}BulkAction",
        (CommentBulkAction,),
        {
            "display_name": label,
            "action_type": f"comment-{decision}",
            "aria_label": f"{label} the selected comments",
            "action_priority": priority,
            "decision": decision,
        },
    )


BULK_ACTIONS = [_bulk_action(decision, 10 + n) for n, decision in enumerate(DECISIONS)]


# One-click decisions, staff replies, privacy requests.


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
def moderate(request, pk, action):
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    if action not in DECISIONS:
        raise PermissionDenied
    label, service, applies_to = DECISIONS[action]
    if comment.status in applies_to:
        service(comment=comment, user=request.user)
        messages.success(request, f"{label}: comment by {comment.name or 'an erased commenter'}.")
    else:
        messages.warning(request, f"That comment is already {comment.get_status_display().lower()}.")
    return HttpResponseRedirect(_next_url(request, reverse("wagtailsnippets_comments_comment:list")))


class StaffReplyForm(forms.Form):
    body = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)


def reply(request, pk):
    _require_moderator(request)
    parent = get_object_or_404(Comment, pk=pk, status=Comment.Status.APPROVED, erased_at__isnull=True)
    form = StaffReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.comment_reply_as_staff(parent=parent, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, f"Your reply to {parent.name} is published.")
        return HttpResponseRedirect(reverse("wagtailsnippets_comments_comment:list"))
    return render(request, "comments/admin/reply.html", {"form": form, "parent": parent})


class CommenterForm(forms.Form):
    email = forms.EmailField(label="Commenter’s email address")


def commenter_data(request):
    """Export or erase everything stored about one commenter (GDPR requests)."""
    _require_moderator(request)
    form = CommenterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if "erase" in request.POST:
            report = services.commenter_erase(email=email)
            messages.success(
                request,
                f"Erased {report.deleted} comment(s); {report.tombstoned} kept as empty placeholders "
                "because others replied to them.",
            )
            return HttpResponseRedirect(reverse("comments_admin:commenter_data"))
        data = services.commenter_export(email=email)
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response
    return render(request, "comments/admin/commenter_data.html", {"form": form})
