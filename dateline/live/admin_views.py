"""Live updates in the Wagtail admin: a short form to post the next update
(fit for a phone), and the list of updates to edit, pin or delete.

Wagtail's snippet views do the work, and log every post, edit and deletion
in the update's history and the site's log. Posting goes back to an empty
form for the same story, so the next update is one step away.
"""

import django_filters
from django import forms
from django.db.models import F
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from dateline.articles.models import AuthorPage
from dateline.live.models import LiveStoryPage, LiveUpdate


def _stories():
    """Running stories first, newest first; then ended ones."""
    return LiveStoryPage.objects.order_by(F("coverage_ended_at").asc(nulls_first=True), "-coverage_started_at")


class StoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, story):
        return f"{story.title} (ended)" if story.coverage_ended_at else story.title


class LiveUpdateForm(WagtailAdminModelForm):
    # Lists, not Wagtail's page chooser: a story and an author are picked in
    # one tap on a phone.
    story = StoryChoiceField(queryset=_stories(), label="Live story")
    author = forms.ModelChoiceField(
        queryset=AuthorPage.objects.live().order_by("title"),
        required=False,
        label="By",
        help_text="Whose reporting this is, shown with the update.",
    )


class LiveUpdateFilterSet(WagtailFilterSet):
    story = django_filters.ModelChoiceFilter(queryset=_stories(), label="Live story")

    class Meta:
        model = LiveUpdate
        fields = ["story", "pinned"]


class PostUpdateView(CreateView):
    """The form for the next update: the story is chosen from the address
    (?story=ID, as the story's "Post an update" button links) or kept from
    the update just posted."""

    def get_initial(self):
        initial = super().get_initial()
        story = self.request.GET.get("story", "")
        if story.isdigit():
            initial["story"] = int(story)
        return initial

    def save_instance(self):
        self.form.instance.posted_by = self.request.user
        return super().save_instance()

    def get_success_message(self, instance):
        return f"Update posted on “{instance.story.title}”: it is live."

    def get_success_url(self):
        return f"{reverse(self.add_url_name)}?story={self.object.story_id}"

    def get_success_buttons(self):
        return [messages.button(self.object.story.url or "#", "View the story")] if self.object.story.live else []


class LiveUpdateViewSet(SnippetViewSet):
    model = LiveUpdate
    icon = "time"
    menu_label = "Live updates"
    menu_name = "live-updates"
    menu_order = 240
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    add_view_class = PostUpdateView
    filterset_class = LiveUpdateFilterSet
    search_fields = ["headline"]
    search_backend_name = None  # the database's own LIKE, not the site search index
    ordering = ["-posted_at"]
    list_per_page = 50
    list_display = [
        TitleColumn("gist", label="Update", url_name="wagtailsnippets_live_liveupdate:edit"),
        Column("story", label="Live story", accessor="story.title"),
        BooleanColumn("pinned", label="Key update"),
        Column("author", label="By", accessor=lambda update: update.author.title if update.author else ""),
        DateColumn("posted_at", label="Time"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("story"),
            FieldPanel("headline"),
            FieldPanel("body"),
            FieldPanel("author"),
            FieldPanel("pinned"),
            FieldPanel("posted_at"),
            FieldPanel("correction"),
        ],
        base_form_class=LiveUpdateForm,
    )

    def get_queryset(self, request):
        return LiveUpdate.objects.select_related("story", "author")
