"""Names and words that may be written in another script than the page's.

A name written right to left in a left-to-right sentence (or the other way
round) pulls the punctuation and numbers beside it into its own direction:
"By محمد, 3 comments" can come out with the comma and the 3 on the wrong
side. Isolated, it is laid out on its own, in the direction of its first
letter, and leaves its neighbours alone."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

# FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE: <bdi> for plain text.
FSI, PDI = "\u2068", "\u2069"


def bdi(text):
    """`text`, escaped, in a <bdi> element: for HTML."""
    return format_html("<bdi>{}</bdi>", text)


def isolated(text):
    """`text` between FSI and PDI: for plain text that cannot hold markup (a <title>)."""
    return f"{FSI}{text}{PDI}" if text else text


def with_bdi(message, **values):
    """A translated message with %(name)s placeholders, escaped, each value
    put in its place in a <bdi>. The message keeps its placeholders, so
    translators never see the markup."""
    values = {name: bdi(value) for name, value in values.items()}
    return mark_safe(conditional_escape(message) % values)  # noqa: S308 (escaped above, and values by format_html)
