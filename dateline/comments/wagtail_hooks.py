from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from dateline.comments import admin_views
from dateline.comments.models import Comment
from dateline.comments.permissions import ModeratorPermissionPolicy

register_permission_policy(Comment, ModeratorPermissionPolicy(Comment))
register_snippet(admin_views.CommentViewSet)

for action_class in admin_views.BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class)


@hooks.register("register_admin_urls")
def comment_moderation_urls():
    urls = [
        path("<int:pk>/moderate/<slug:action>/", admin_views.moderate, name="moderate"),
        path("<int:pk>/reply/", admin_views.reply, name="reply"),
        path("commenter-data/", admin_views.commenter_data, name="commenter_data"),
    ]
    return [path("comment-moderation/", include((urls, "comments_admin")))]
