"""The "Happening now" block leading a section's first page: its running
live stories, the most recently updated first, each with its newest updates.
Registered with articles/section_leads.py from LiveConfig.ready(); the
Latest developments section leads with it."""

from django.db.models import F, Max, Prefetch
from django.template.loader import render_to_string

from dateline.live import cache_tags
from dateline.live.models import LiveStoryPage, LiveUpdate
from dateline.pagecache import also_shows
from dateline.pagecache.fragments import fragment

# Newest updates shown under each running story.
UPDATES_SHOWN = 3


def happening_now(request, section):
    """Kept as rendered until a live story starts, ends or gets an update."""
    return fragment(request, f"live-now:{section.pk}", lambda: _render(request, section))


def _render(request, section):
    stories = list(
        LiveStoryPage.objects.published()
        .in_section(section)
        .filter(coverage_ended_at__isnull=True)
        .annotate(last_update_at=Max("updates__posted_at"))
        .order_by(F("last_update_at").desc(nulls_last=True), "-first_published_at")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=LiveUpdate.objects.newest_first().for_display()[:UPDATES_SHOWN],
                to_attr="newest_updates",
            )
        )
    )
    also_shows(request, cache_tags.LIVE_STORIES, *(cache_tags.updates(story.pk) for story in stories))
    return render_to_string("live/includes/live_now.html", {"stories": stories}, request)
