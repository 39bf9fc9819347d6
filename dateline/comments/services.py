"""What happens to a comment: posting, moderation, reports and privacy requests."""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dateline import pagecache
from dateline.comments import cache_tags
from dateline.comments.models import Approval, Comment, CommentPolicy
from dateline.comments.notifications import moderation_digest_schedule
from dateline.comments.spam import StoredFilter, comment_features
from dateline.core import ratelimit

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class CommentRefused(Exception):
    """The comment was not saved; the message says why, for the reader."""

    status_code = 400


class CommentsClosed(CommentRefused):
    status_code = 403


class DuplicateComment(CommentRefused):
    status_code = 409


class RateLimited(CommentRefused):
    status_code = 429

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Screening:
    status: str
    score: float | None = None
    reasons: list = field(default_factory=list)


def _contains_any(phrases, *texts):
    haystack = "\n".join(texts).casefold()
    return [phrase for phrase in phrases if phrase in haystack]


def comment_screen(*, name, email, website, body, policy, honeypot=False, spam_filter=None):
    """Decide a new comment's status, layer by layer, and say why."""
    if honeypot:
        return Screening(Comment.Status.SPAM, reasons=["filled in the hidden field only bots see"])
    fields = (name, email, website, body)
    disallowed = _contains_any(policy.disallowed_phrases, *fields)
    if disallowed:
        return Screening(Comment.Status.SPAM, reasons=[f"disallowed words: {', '.join(disallowed)}"])
    reasons = []
    learned = (spam_filter or StoredFilter()).score(comment_features(body=body, name=name, website=website))
    score = learned.probability if learned else None
    # Only a confident score files a comment as spam; a high score from a
    # filter that is still learning, or one between the two thresholds, holds it.
    if learned and learned.settled and score >= policy.spam_reject_score:
        return Screening(Comment.Status.SPAM, score=score, reasons=[f"spam score {score:.2f}"])
    if learned and score >= policy.spam_hold_score:
        reasons.append(f"spam score {score:.2f}" + ("" if learned.settled else " (the filter is still learning)"))
    links = len(LINK.findall(body))
    if links > policy.max_links:
        reasons.append(f"{links} links (more than {policy.max_links})")
    held_words = _contains_any(policy.moderation_phrases, *fields)
    if held_words:
        reasons.append(f"moderation words: {', '.join(held_words)}")
    if reasons:
        return Screening(Comment.Status.PENDING, score=score, reasons=reasons)
    if policy.approval == Approval.MODERATE_ALL:
        return Screening(Comment.Status.PENDING, score=score, reasons=["every comment is moderated"])
    if policy.approval == Approval.RETURNING:
        known = Comment.objects.approved().by_email(email).filter(name__iexact=name).exists()
        if not known:
            return Screening(Comment.Status.PENDING, score=score, reasons=["first comment from this commenter"])
    return Screening(Comment.Status.APPROVED, score=score)


def _check_rate_limits(*, client_ip, email):
    for scope, subject in (("address", client_ip), ("email", email.casefold())):
        limit, seconds = settings.DATELINE_COMMENT_RATE_LIMITS[scope]
        verdict = ratelimit.hit(f"comments:{scope}", subject, limit=limit, seconds=seconds)
        if not verdict.allowed:
            minutes = max(1, round(verdict.retry_after / 60))
            raise RateLimited(
                ngettext(
                    "You have posted several comments in a short time. Please wait about %(minutes)s minute "
                    "and post again; your comment is kept below.",
                    "You have posted several comments in a short time. Please wait about %(minutes)s minutes "
                    "and post again; your comment is kept below.",
                    minutes,
                )
                % {"minutes": minutes},
                retry_after=verdict.retry_after,
            )


def comment_submit(*, article, data, client_ip, submission_key, policy, honeypot=False, now=None):
    """Save a reader's comment and return it, once it is committed.

    Posting the same form twice returns the comment the first post saved.
    Raises a CommentRefused (closed, duplicate, rate limited) with a message
    for the reader, or a database error when the comment could not be saved.
    """
    now = now or timezone.now()
    existing = Comment.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    if not policy.accepts_comments(article, now=now):
        raise CommentsClosed(_("Comments are closed on this article."))
    parent = None
    if data.get("parent"):
        parent = Comment.objects.filter(pk=data["parent"], article=article, status=Comment.Status.APPROVED).first()
        if parent is None:
            raise CommentRefused(_("The comment you are replying to is no longer available."))
    if (
        Comment.objects.filter(article=article, email__iexact=data["email"], body=data["comment"])
        .exclude(status=Comment.Status.TRASH)
        .exists()
    ):
        raise DuplicateComment(_("You have already posted this comment on this article."))
    _check_rate_limits(client_ip=client_ip, email=data["email"])
    screening = comment_screen(
        name=data["name"],
        email=data["email"],
        website=data.get("website", ""),
        body=data["comment"],
        policy=policy,
        honeypot=honeypot,
    )
    comment = Comment(
        article=article,
        parent=parent,
        thread_root_id=(parent.thread_root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        name=data["name"],
        email=data["email"],
        website=data.get("website", ""),
        body=data["comment"],
        status=screening.status,
        spam_score=screening.score,
        moderation_reasons=screening.reasons,
        submitted_at=now,
        ip_address=client_ip or None,
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        # The same form, posted twice at the same moment: the other request won.
        existing = Comment.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    if comment.status == Comment.Status.PENDING:
        transaction.on_commit(lambda: moderation_digest_schedule(delay_minutes=policy.digest_minutes))
    return comment


# Moderation. Each decision can be taken back; "spam" and "not spam" (and an
# approval) also teach the spam filter, which forgets what it was taught
# before about the same comment.


def _teach(comment, label):
    if comment.trained_as == label:
        return
    spam_filter = StoredFilter()
    features = comment_features(body=comment.body, name=comment.name, website=comment.website)
    if comment.trained_as:
        spam_filter.learn(features, spam=comment.trained_as == "spam", forget=True)
    spam_filter.learn(features, spam=label == "spam")
    comment.trained_as = label


def _moderate(comment, *, status, user, teach=None):
    with transaction.atomic():
        if teach and not comment.is_erased and comment.staff_author_id is None:
            _teach(comment, teach)
        comment.status = status
        comment.moderated_at = timezone.now()
        comment.moderated_by = user
        comment.save(update_fields=["status", "moderated_at", "moderated_by", "trained_as"])
    return comment


def comment_approve(*, comment, user):
    return _moderate(comment, status=Comment.Status.APPROVED, user=user, teach="ham")


def comment_unapprove(*, comment, user):
    return _moderate(comment, status=Comment.Status.PENDING, user=user)


def comment_mark_spam(*, comment, user):
    return _moderate(comment, status=Comment.Status.SPAM, user=user, teach="spam")


def comment_mark_not_spam(*, comment, user):
    return _moderate(comment, status=Comment.Status.PENDING, user=user, teach="ham")


def comment_trash(*, comment, user):
    return _moderate(comment, status=Comment.Status.TRASH, user=user)


def comment_restore(*, comment, user):
    return _moderate(comment, status=Comment.Status.PENDING, user=user)


def comment_reply_as_staff(*, parent, user, body, name=None):
    """A moderator's reply, published at once under the newsroom's name."""
    display_name = name or user.get_full_name() or user.get_username()
    return Comment.objects.create(
        article=parent.article,
        parent=parent,
        thread_root_id=parent.thread_root_id or parent.pk,
        depth=parent.depth + 1,
        name=display_name,
        email=user.email or settings.DEFAULT_FROM_EMAIL,
        body=body,
        status=Comment.Status.APPROVED,
        staff_author=user,
        moderated_at=timezone.now(),
        moderated_by=user,
    )


def comment_report(*, comment, client_ip):
    """A reader flags a comment for the moderators (once per address a day)."""
    verdict = ratelimit.hit(f"comments:report:{comment.pk}", client_ip, limit=1, seconds=24 * 60 * 60)
    if verdict.allowed:
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    return verdict.allowed


# Privacy: what the site keeps about a commenter, and for how long.


def commenter_export(*, email):
    """Everything stored about the commenter with this email, as plain data."""
    comments = Comment.objects.by_email(email).select_related("article").order_by("submitted_at", "pk")
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "comments": [
            {
                "id": c.pk,
                "article": c.article.title,
                "article_url": c.article.full_url,
                "in_reply_to": c.parent_id,
                "name": c.name,
                "email": c.email,
                "website": c.website,
                "comment": c.body,
                "status": c.status,
                "submitted_at": c.submitted_at.isoformat(),
                "ip_address": c.ip_address,
                "reports": c.report_count,
            }
            for c in comments
        ],
    }


@dataclass
class ErasureReport:
    deleted: int = 0
    tombstoned: int = 0


def commenter_erase(*, email):
    """Erase the commenter's data. A comment that others replied to stays as an
    empty tombstone, so the replies keep their place in the thread."""
    report = ErasureReport()
    with transaction.atomic():
        # Leaves first, so that a comment whose only replies were the
        # commenter's own becomes a leaf and goes too.
        for comment in Comment.objects.by_email(email).order_by("-depth", "-pk"):
            if comment.replies.exists():
                Comment.objects.filter(pk=comment.pk).update(
                    name="",
                    email="",
                    website="",
                    body="",
                    ip_address=None,
                    submission_key=None,
                    erased_at=timezone.now(),
                )
                # An update sends no signal: refresh the pages that showed it here.
                pagecache.purge(cache_tags.comments(comment.article_id))
                report.tombstoned += 1
            else:
                comment.delete()
                report.deleted += 1
    return report


def ip_retention_days():
    """How long commenters' IP addresses are kept: the comment policy's
    retention, the shortest of any site's where sites differ (keeping an
    address for less time than a policy allows never breaks it)."""
    shortest = CommentPolicy.objects.aggregate(days=Min("ip_retention_days"))["days"]
    return CommentPolicy._meta.get_field("ip_retention_days").default if shortest is None else shortest


def comment_ips_purge(*, older_than_days=None):
    """Forget the IP addresses of comments older than the retention period
    (ip_retention_days(), unless given). Part of the due work `dateline serve`
    does on its own (dateline/duework.py), and the purge-comment-ips command."""
    days = ip_retention_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return Comment.objects.filter(submitted_at__lt=cutoff, ip_address__isnull=False).update(ip_address=None)
