"""Reader comments, their moderation state, the newsroom's comment policy,
and what the spam filter has learned."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def on_article(self, article):
        return self.filter(article=article)

    def threads_of(self, root_ids):
        """The roots and every reply below them, however deep. `root_ids`
        may be a list or a queryset of ids (a subquery)."""
        return self.filter(models.Q(pk__in=root_ids) | models.Q(thread_root_id__in=root_ids))

    def by_email(self, email):
        return self.filter(email__iexact=email.strip())


class Comment(models.Model):
    """A reader's comment on an article, or a reply to another comment.

    Replies form a tree of any depth: `parent` is the comment replied to,
    `thread_root` the top-level comment of the thread (empty on that comment
    itself), so a page of threads loads in two queries however deep they go.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    article = models.ForeignKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="replies", editable=False
    )
    thread_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="+", editable=False
    )
    depth = models.PositiveIntegerField(default=0, editable=False)

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254, help_text="Never published.")
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField("comment", max_length=10_000)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Kept only to fight abuse, and cleared after the policy's retention period.
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    spam_score = models.FloatField(null=True, blank=True, editable=False)
    moderation_reasons = models.JSONField(default=list, blank=True, editable=False)
    report_count = models.PositiveIntegerField(default=0, editable=False)
    # The one-time id of the form it was posted with: a second post of the
    # same form (a double click, a refresh) finds this comment instead.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # What the spam filter was last taught from this comment ("spam" or "ham").
    trained_as = models.CharField(max_length=4, blank=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the commenter's data was erased but replies keep the place.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        permissions = [("moderate_comment", "Can moderate reader comments")]
        indexes = [
            models.Index(fields=["article", "status", "thread_root"], name="comment_article_threads"),
            models.Index(fields=["email"], name="comment_email"),
            # The addresses still kept, oldest first: what due work purges (dateline/duework.py).
            models.Index(fields=["submitted_at"], condition=models.Q(ip_address__isnull=False), name="comment_ip_kept"),
        ]

    def __str__(self):
        return f"{self.name} on “{self.article.title}”" if not self.erased_at else "Erased comment"

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class Approval(models.TextChoices):
    MODERATE_ALL = "all", "Hold every comment for a moderator"
    RETURNING = "returning", "Publish commenters who have an earlier approved comment; hold the rest"
    CLEAN = "clean", "Publish every comment that passes the spam checks"


@register_setting(icon="comment")
class CommentPolicy(BaseSiteSetting):
    """How comments are moderated, edited under Settings › Comment policy."""

    approval = models.CharField(max_length=10, choices=Approval.choices, default=Approval.RETURNING)
    close_after_days = models.PositiveIntegerField(
        default=0, help_text="Close comments this many days after an article is first published. 0: never."
    )
    max_links = models.PositiveIntegerField(
        default=2, help_text="Hold a comment with more links than this for a moderator."
    )
    moderation_words = models.TextField(
        blank=True,
        help_text="One word or phrase a line. A comment containing any of them (in its text, name, email "
        "or website) is held for a moderator.",
    )
    disallowed_words = models.TextField(
        blank=True,
        help_text="One word or phrase a line. A comment containing any of them goes straight to spam.",
    )
    # The defaults, measured on the SMS Spam Collection (docs/comments.md):
    # at 0.9, 99.3% of what is held or filed is spam and 95% of spam is
    # caught; at 0.99, 99.7% of what is filed is spam.
    spam_hold_score = models.FloatField(
        default=0.9,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Hold a comment for a moderator when its learned spam score (0 to 1) is at least this. "
        "Lower holds more spam and more legitimate comments.",
    )
    spam_reject_score = models.FloatField(
        default=0.99,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="File a comment as spam, unseen by moderators unless they look, when its learned spam score "
        "is at least this. Keep it high: a legitimate comment filed as spam is easily lost. 1 files none.",
    )
    ip_retention_days = models.PositiveIntegerField(
        default=30, help_text="Delete commenters' IP addresses after this many days."
    )
    digest_minutes = models.PositiveIntegerField(
        default=10, help_text="Moderators get one email for all comments held within this many minutes."
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the comment form's privacy note links to.",
    )

    select_related = ["privacy_page"]

    panels = [
        FieldPanel("approval"),
        FieldPanel("close_after_days"),
        MultiFieldPanel(
            [
                FieldPanel("max_links"),
                FieldPanel("moderation_words"),
                FieldPanel("disallowed_words"),
                FieldPanel("spam_hold_score"),
                FieldPanel("spam_reject_score"),
            ],
            heading="Spam",
        ),
        MultiFieldPanel(
            [FieldPanel("ip_retention_days"), FieldPanel("digest_minutes"), FieldPanel("privacy_page")],
            heading="Privacy and notices",
        ),
    ]

    class Meta:
        verbose_name = "comment policy"

    def clean(self):
        if self.spam_hold_score > self.spam_reject_score:
            raise ValidationError(
                {"spam_hold_score": "A comment is held before it is filed as spam: keep this at or below the other."}
            )

    def closes_at(self, article):
        """When comments on `article` close by age, or None if they never do."""
        if not self.close_after_days or not article.first_published_at:
            return None
        return article.first_published_at + timedelta(days=self.close_after_days)

    def accepts_comments(self, article, now=None):
        closes_at = self.closes_at(article)
        return article.comments_open and (closes_at is None or (now or timezone.now()) < closes_at)

    @staticmethod
    def _phrases(text):
        return [line.strip().casefold() for line in text.splitlines() if line.strip()]

    @property
    def moderation_phrases(self):
        return self._phrases(self.moderation_words)

    @property
    def disallowed_phrases(self):
        return self._phrases(self.disallowed_words)


class SpamFeature(models.Model):
    """How often a feature (a word or a run of characters, hashed) appeared
    in comments moderators filed as spam and as not spam."""

    feature = models.BigIntegerField(primary_key=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"feature {self.feature}: {self.spam} spam, {self.ham} not spam"


class SpamTotals(models.Model):
    """How many comments the filter has learned from, of each kind, and how
    many features they had (one row)."""

    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)
    spam_features = models.PositiveBigIntegerField(default=0)
    ham_features = models.PositiveBigIntegerField(default=0)
    # Distinct features ever seen: the smoothing's denominator.
    vocabulary = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "spam totals"

    def __str__(self):
        return f"learned from {self.spam} spam and {self.ham} legitimate comments"
