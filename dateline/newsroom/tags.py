"""Tags that every story's page can link to.

django-taggit makes a tag's slug from its name, and a name of symbols or
emoji ("!!!", "🔥") makes an empty one: pages linked to /tags//. Taggit
offers no hook for its slug short of replacing its tag model (and migrating
every tag), so a receiver gives such a tag a slug from its name's hash
before it is first saved; any other slug is taggit's own.
"""

import hashlib
import re

from django.db.models.signals import pre_save
from django.dispatch import receiver
from taggit.models import Tag

# Nothing, or what taggit makes of nothing for a second such tag ("_1").
EMPTY_SLUG = re.compile(r"(_[0-9]+)?")


def fallback_slug(name):
    return "tag-" + hashlib.blake2b(name.casefold().encode(), digest_size=4).hexdigest()


@receiver(pre_save, sender=Tag)
def tag_slug_not_empty(sender, instance, **kwargs):
    if EMPTY_SLUG.fullmatch(instance.slug):
        instance.slug = fallback_slug(instance.name)
