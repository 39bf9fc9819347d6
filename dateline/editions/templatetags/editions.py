from django import template

from dateline.editions import alternates, lookups
from dateline.editions.digits import in_edition_digits

register = template.Library()


@register.simple_tag(takes_context=True)
def hreflang_links(context, page):
    request = context.get("request")
    if request is None or page is None:
        return []
    return alternates.hreflang_links(request, page)


@register.simple_tag(takes_context=True)
def translations_of(context, page):
    """The page in the other editions, for "Read in" links."""
    request = context.get("request")
    if request is None or page is None:
        return []
    return [alternate for alternate in alternates.translations(request, page) if not alternate.is_current]


@register.simple_tag(takes_context=True)
def localized(context, page):
    """The page in the current edition, where it has a translation: {% localized policy as policy %}."""
    request = context.get("request")
    return lookups.localized(request, page) if request is not None else page


@register.filter(is_safe=True)
def digits(value):
    """Numbers written in the edition's own digits (editions/digits.py)."""
    text = str(value)
    converted = in_edition_digits(text)
    return value if converted == text else converted
