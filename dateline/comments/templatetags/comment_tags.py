"""Initials avatars: drawn from the commenter's name, never from their email,
so no image host (Gravatar) and no hash of an address is involved."""

import hashlib
import hmac
import unicodedata

from django import template
from django.conf import settings

register = template.Library()

AVATAR_HUES = 12


def _first_grapheme(word):
    """The first letter with any combining marks that belong to it."""
    letter = word[0]
    for ch in word[1:]:
        if unicodedata.combining(ch):
            letter += ch
        else:
            break
    return letter


@register.filter
def initials(name):
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = _first_grapheme(words[0])
    if len(words) > 1:
        letters += _first_grapheme(words[-1])
    return letters.upper()


@register.filter
def avatar_hue(name):
    """One of AVATAR_HUES colours, keyed on the name with the site's secret."""
    digest = hmac.new(settings.SECRET_KEY.encode(), name.casefold().encode(), hashlib.sha256).digest()
    return digest[0] % AVATAR_HUES


@register.simple_tag
def comment_field(field, describedby=""):
    """A form field's input, tied to its error message and notes for screen
    readers. What a reader types runs in its own direction (dir="auto"): a
    name or comment in Arabic starts at the right on an English page."""
    ids = [f"{field.id_for_label}-error"] if field.errors else []
    if describedby:
        ids.append(describedby)
    attrs = {"dir": "auto"}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
