from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value):
    """A <time datetime> value in the newsroom's time zone, to the second:
    HTML allows at most three digits of a second, Python's isoformat gives six."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")
