from django.db import models
from django.utils import timezone


class FailedPurge(models.Model):
    """A purge the page cache's clock could not take (Redis unreachable),
    kept beside the change it belongs to, which is committed: the due work
    retries it until it is taken (`dateline.pagecache.store.retry_failed_purges`),
    so stored pages that show the change are never kept for good."""

    tags = models.JSONField()
    failed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{', '.join(self.tags)} ({self.attempts} attempts since {self.failed_at:%Y-%m-%d %H:%M:%S})"
