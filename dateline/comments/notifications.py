"""Email to moderators about held comments, sent off the request path.

A held comment schedules a digest a few minutes ahead on the background
task queue, unless one is already scheduled; the digest lists every held
comment not yet announced. Ten comments in a burst make one email.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from dateline.comments.models import Comment

SCHEDULED_FLAG = "dateline:comments:digest-scheduled"


def _pending_queue_path():
    return f"{reverse('wagtailsnippets_comments_comment:list')}?status={Comment.Status.PENDING}"


def moderators():
    """Active people allowed to moderate comments, with an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    permission = Q(groups__permissions__codename="moderate_comment") | Q(user_permissions__codename="moderate_comment")
    return users.filter(permission | Q(is_superuser=True)).distinct()


def moderation_digest_schedule(*, delay_minutes):
    """Make sure a digest will go out within `delay_minutes`."""
    if cache.add(SCHEDULED_FLAG, True, timeout=(delay_minutes + 5) * 60):
        run_after = timezone.now() + timedelta(minutes=delay_minutes)
        send_moderation_digest.using(run_after=run_after).enqueue()


@task(backend="background")
def send_moderation_digest():
    # Cleared first: a comment held while this runs schedules the next digest.
    cache.delete(SCHEDULED_FLAG)
    held = list(Comment.objects.pending().filter(notified_at__isnull=True).select_related("article"))
    if not held:
        return 0
    recipients = list(moderators().values_list("email", flat=True))
    if recipients:
        subject = (
            "1 comment is waiting for moderation"
            if len(held) == 1
            else f"{len(held)} comments are waiting for moderation"
        )
        body = render_to_string(
            "comments/email/moderation_digest.txt",
            {"comments": held, "queue_url": settings.WAGTAILADMIN_BASE_URL + _pending_queue_path()},
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    Comment.objects.filter(pk__in=[c.pk for c in held]).update(notified_at=timezone.now())
    return len(held)
