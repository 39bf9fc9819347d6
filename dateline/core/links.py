"""Absolute addresses, built from DATELINE_BASE_URL and never from a request's
Host header, for everything read outside the site: feeds, sitemaps, links
in search engines' and social networks' previews."""

import re
from urllib.parse import urljoin

from django.conf import settings

# href, src and srcset values that start with "/" (but not "//"). Patterns,
# not a parser: the input is HTML our own templates and Wagtail's rich text
# rendered, always with double-quoted attributes, and a parser would
# reserialise the whole story to change a few addresses.
RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')
SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def absolute(url):
    """`url` (a path, or already absolute) as an absolute address on the public site."""
    return urljoin(settings.DATELINE_BASE_URL + "/", url)


def absolute_html(html):
    """HTML with every site-relative link and image address made absolute."""
    html = RELATIVE.sub(lambda m: f'{m.group(1)}{absolute(m.group(2))}"', html)

    def srcset(match):
        candidates = [candidate.strip().split(" ", 1) for candidate in match.group(2).split(",")]
        rewritten = ", ".join(" ".join([absolute(parts[0]), *parts[1:]]) for parts in candidates if parts[0])
        return f'{match.group(1)}{rewritten}"'

    return SRCSET.sub(srcset, html)
