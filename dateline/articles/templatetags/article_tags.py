import json

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from dateline import pagecache
from dateline.articles import cache_tags, metadata
from dateline.pagecache import tags as pagecache_tags
from dateline.pagecache.fragments import fragment

register = template.Library()


@register.filter
def section_of(article, navigation):
    """The section a story is filed under, from the sections already loaded for the menu."""
    return navigation.section_of(article)


@register.filter
def is_within(section, menu_item):
    """Whether the current section is the menu's item or one of its subsections."""
    return bool(section) and section.path.startswith(menu_item.path)


@register.simple_tag(takes_context=True)
def article_card(context, article, heading="h2", lead=False):
    """A story's card in a listing (headline, standfirst, section, time),
    kept as rendered until the story or the section names change: a page of
    twenty cards renders in a fraction of the time."""
    request = context["request"]

    def render():
        pagecache.also_shows(request, pagecache_tags.page(article.pk), cache_tags.NAV)
        card = {"article": article, "heading": heading, "lead": lead, "navigation": context["navigation"]}
        return render_to_string("includes/article_card.html", card, request)

    return fragment(request, f"card:{article.pk}:{heading}:{'lead' if lead else 'plain'}", render)


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
