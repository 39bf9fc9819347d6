"""Who may moderate comments: holders of comments.moderate_comment (the
Moderators group has it) and superusers. They view, moderate, edit and reply;
nobody adds or deletes comments through the admin (trash and the privacy
tools do that, with threads kept intact)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

PERMISSION = "comments.moderate_comment"
ACTIONS = {"view", "change", "moderate"}


def can_moderate(user):
    return user.is_active and (user.is_superuser or user.has_perm(PERMISSION))


class ModeratorPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ACTIONS and can_moderate(user)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if not set(actions) & ACTIONS:
            return User.objects.none()
        granted = Q(groups__permissions__codename="moderate_comment") | Q(user_permissions__codename="moderate_comment")
        return User.objects.filter(is_active=True).filter(granted | Q(is_superuser=True)).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model.objects.all()
        return self.model.objects.none()
