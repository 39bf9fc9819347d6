from django import template
from django.utils import timezone

from dateline.core import bidi as bidi_isolation

register = template.Library()


@register.filter
def machine_time(value):
    """A <time datetime> value in the newsroom's time zone, to the second:
    HTML allows at most three digits of a second, Python's isoformat gives six."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.filter
def bdi(value):
    """A name that may be in another script than the page, in a <bdi>: for a
    value put into a translated sentence, `{% blocktranslate with name=x|bdi %}`."""
    return bidi_isolation.bdi(value)


@register.filter
def isolated(value):
    """The same between Unicode isolate marks, where markup cannot go (a <title>)."""
    return bidi_isolation.isolated(value)
