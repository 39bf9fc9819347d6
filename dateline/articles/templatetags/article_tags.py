import json

from django import template
from django.utils.safestring import mark_safe

from dateline.articles import metadata

register = template.Library()


@register.filter
def section_of(article, navigation):
    """The section a story is filed under, from the sections already loaded for the menu."""
    return navigation.section_of(article)


@register.filter
def tag_url(tag, navigation):
    return navigation.tag_url(tag)


@register.simple_tag(takes_context=True)
def page_metadata(context):
    """The page's metadata for the <head>, built from what the context holds."""
    page = context.get("page")
    request = context.get("request")
    if page is None or request is None or not hasattr(page, "search_description"):
        return None
    return metadata.page_metadata(request, page, context)


JSON_LD_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A JSON-LD object, safe inside <script>: no "<" or "&" can end it early."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_LD_ESCAPES))  # noqa: S308
