from django import template

register = template.Library()


@register.filter
def section_of(article, navigation):
    """The section a story is filed under, from the sections already loaded for the menu."""
    return navigation.section_of(article)


@register.filter
def tag_url(tag, navigation):
    return navigation.tag_url(tag)
