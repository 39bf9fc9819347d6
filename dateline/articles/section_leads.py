"""What leads a section's first page, above its list of stories: a place
apps above fill in, as comments fills articles/discussion.py.

Live coverage registers its "Happening now" block from LiveConfig.ready().
A lead is a function `lead(request, section) -> str`: rendered HTML, or ""
when it has nothing to show.
"""

from django.utils.safestring import mark_safe

_leads = []


def register(lead):
    if lead not in _leads:
        _leads.append(lead)


def rendered(request, section):
    return mark_safe("".join(lead(request, section) for lead in _leads))  # noqa: S308 (rendered templates)
