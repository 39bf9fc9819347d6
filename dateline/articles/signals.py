"""What publishing a page sets off besides the page cache's purges."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from dateline.articles.renditions import renditions_create


@receiver(page_published)
def make_renditions(sender, instance, **kwargs):
    # A signal, because pages are published from the admin, by the scheduler
    # and by services alike: this is the one place all of them pass.
    transaction.on_commit(lambda: renditions_create(page=instance))
