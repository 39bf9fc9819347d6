from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from dateline.live.admin_views import LiveUpdateViewSet
from dateline.live.models import LiveStoryPage

register_snippet(LiveUpdateViewSet)


def _post_update_url(page):
    return f"{reverse('wagtailsnippets_live_liveupdate:add')}?story={page.pk}"


def _may_post(page, user):
    return issubclass(page.specific_class or type(page), LiveStoryPage) and user.has_perm("live.add_liveupdate")


@hooks.register("register_page_header_buttons")
def post_update_from_the_editor(page, user, view_name, next_url=None):
    if _may_post(page, user):
        yield Button("Post an update", _post_update_url(page), icon_name="time", priority=12)


@hooks.register("register_page_listing_more_buttons")
def post_update_from_the_listing(page, user, next_url=None):
    if _may_post(page, user):
        yield Button("Post an update", _post_update_url(page), icon_name="time", priority=3)
