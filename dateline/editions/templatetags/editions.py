from django import template
from django.conf import settings
from django.utils import translation

from dateline.editions import alternates, lookups

register = template.Library()

# Each script's own digits, for editions that write numbers in them (DATELINE_NATIVE_DIGITS).
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
NATIVE_DIGITS = {"ar": ARABIC_INDIC, "fa": PERSIAN, "ur": PERSIAN, "ps": PERSIAN}


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
    """Numbers written in the edition's own digits, where the newsroom chose
    them: "12 March 2025" is "١٢ مارس ٢٠٢٥" in Arabic. Only for text readers
    see: machine-read values (datetime="…") keep Latin digits."""
    text = str(value)
    language = translation.get_language()
    native = NATIVE_DIGITS.get(language)
    if native is None or language not in settings.DATELINE_NATIVE_DIGITS:
        return value
    return text.translate(str.maketrans("0123456789", native))
