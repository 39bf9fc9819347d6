"""The old WordPress site's addresses, and where each now leads.

WordPress answers one post at several addresses: its permalink (often
date-based, /2013/01/11/a-post/, with non-Latin slugs percent-encoded),
`/?p=123`, and for pages `/?page_id=45`; archives at /category/news/,
/tag/syria/ and /author/jane/ (and `?cat=`, `?tag=`, `?author=`); and
feeds at each of those plus /feed/. An import records every one of them
as an OldAddress; the middleware answers them with a 301.
"""

import re
from urllib.parse import unquote, urlsplit

from django.urls import reverse
from django.utils import translation

from dateline.articles.models import AuthorPage, HomePage, SectionPage
from dateline.wordpress.models import OldAddress

# The query keys WordPress answers at its root, most specific first.
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author")
# The root addresses WordPress answers those queries at.
ROOTS = {"/", "/index.php"}
# /feed/, /feed/rss2/, /feed/atom/ … at the end of any address ask for its feed.
FEED_SUFFIX = re.compile(r"/feed(?:/(?:rss2?|atom|rdf))?$")


def normalise(path, query=""):
    """The form an OldAddress keeps: the path percent-decoded, in lower case,
    without a trailing slash (WordPress answers with or without), and the
    WordPress query keys it carries, e.g. "/?p=123"."""
    path = "/" + _decoded(path).strip("/").lower()
    if path in ROOTS and query:
        values = dict(pair.partition("=")[::2] for pair in query.split("&"))
        for key in QUERY_KEYS:
            if values.get(key):
                return f"/?{key}={_decoded(values[key]).lower()}"
    return path


def _decoded(text):
    # A NUL decoded from "%2500" would reach the database, which refuses it.
    return unquote(text, errors="replace").replace("\x00", "")


def path_of(url):
    """The path of one of the old site's own URLs (scheme and host dropped), with its query."""
    parts = urlsplit(url)
    return normalise(parts.path or "/", parts.query)


def _feed_wanted(path, query):
    """(the address without its feed part, whether a feed was asked for)."""
    if "feed=" in query:
        return path, True
    stripped = FEED_SUFFIX.sub("", path.rstrip("/"))
    return (stripped or "/"), stripped != path.rstrip("/")


def _find(site, path):
    return OldAddress.objects.filter(site=site, path=path).select_related("page").first()


def destination(site, path, query):
    """Where an old address leads now, or None: unknown, or its page is not
    published (a draft, private or future post is not revealed)."""
    old, feed = _find(site, normalise(path, query)), "feed=" in query
    if old is None:
        base, feed = _feed_wanted(path, query)
        if feed:
            # The site's own feed is kept as /feed; any other's is its page's address.
            key = normalise(base, query.replace("feed=", "x-feed="))
            old = _find(site, "/feed" if key == "/" else key)
    if old is None or not old.page.live:
        return None
    # A password-protected post was listed on the old site too: its new
    # address asks for the password, so leading there reveals nothing.
    page = old.page
    language = page.locale.language_code
    with translation.override(language):
        if old.tag_slug:
            if feed:
                return reverse("tag_feed", kwargs={"slug": old.tag_slug, "kind": "rss"})
            return f"{page.url}tags/{old.tag_slug}/"
        if feed or old.feed:
            return _feed_of(page.specific) or page.url
        return page.url


def _feed_of(page):
    if isinstance(page, HomePage):
        return reverse("feed", kwargs={"kind": "rss"})
    if isinstance(page, SectionPage):
        return reverse("section_feed", kwargs={"slug": page.slug, "kind": "rss"})
    if isinstance(page, AuthorPage):
        return reverse("author_feed", kwargs={"slug": page.slug, "kind": "rss"})
    return None  # a story's comment feed: the story itself
