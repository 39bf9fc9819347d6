"""The breaking-news banner at the top of every page (base.html).

It is on the stored pages readers are sent, so it must go when it expires
even before anything purges them: a page that shows it is stored only until
the banner's expiry time. Taking it down (by an editor, or by the due-work
run at its expiry) saves the setting, which purges every stored page.
"""

import hashlib

from django import template
from django.utils import timezone

from dateline import pagecache
from dateline.newsroom.models import BreakingNewsSettings

register = template.Library()


def banner_id(banner):
    """Names this banner, for a reader's dismissal (kept in the browser):
    another text, link or expiry is another banner, shown again."""
    identity = f"{banner.site_id}|{banner.text}|{banner.link}|{banner.expires_at.isoformat()}"
    return hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()


@register.inclusion_tag("includes/breaking_news.html", takes_context=True)
def breaking_news(context):
    request = context.get("request")
    if request is None:  # pages rendered without a request (400)
        return {"banner": None}
    banner = BreakingNewsSettings.for_request(request)
    if not banner.is_shown(timezone.now()):
        return {"banner": None}
    pagecache.expires_at(request, banner.expires_at)
    return {"banner": banner, "banner_id": banner_id(banner), "link": banner.link}
