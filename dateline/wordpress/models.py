"""What a WordPress import remembers: which Dateline object each thing in
the export became, and the old site's addresses that now lead to them."""

from django.db import models
from wagtail.models import Page, Site


class ImportedItem(models.Model):
    """One thing in a WordPress export (an author, a category, a post, an
    attachment, a comment) and what the import made of it.

    The same export imported again finds every item here and changes
    nothing; a newer export finds a different fingerprint and updates.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author"
        CATEGORY = "category"
        POST = "post"  # posts and pages: a Wagtail page
        ATTACHMENT = "attachment"  # an image
        COMMENT = "comment"

    # The old site's address (the export's base_blog_url): two WordPress
    # sites imported into one Dateline keep their ids apart.
    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The item's id in WordPress, or its login or slug where it has no id.
    key = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    # A digest of what was imported from the item: a newer export's item
    # that digests alike needs no change.
    fingerprint = models.CharField(max_length=32)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind", "key"], name="imported_item_once")]

    def __str__(self):
        return f"{self.kind} {self.key} from {self.source}"


class OldAddress(models.Model):
    """An address of the old WordPress site (a permalink, `?p=123`, a
    category archive, a feed), answered with a permanent redirect to what
    now shows it, but only while that page is published
    (`dateline.wordpress.middleware`)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    # Path and WordPress query as `addresses.normalise` writes them: percent-
    # decoded, lower case, no trailing slash, e.g. "/2013/01/11/a-post" or "/?p=123".
    path = models.CharField(max_length=500)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    # The page's feed (a category's /feed/) rather than the page.
    feed = models.BooleanField(default=False)
    # A tag archive leads to the tag's page on `page` (the edition's home).
    tag_slug = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = "old addresses"
        constraints = [models.UniqueConstraint(fields=["site", "path"], name="old_address_once")]

    def __str__(self):
        return self.path
