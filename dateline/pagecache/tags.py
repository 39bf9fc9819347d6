"""The page cache's own tags ("surrogate keys"): what every app's pages share.

A page records the tags of everything it shows while it renders
(`dateline.pagecache.depends_on`); a change purges the tags it touches
(`dateline.pagecache.purges`). Only pages that recorded a purged tag are
rendered again. Each app names what its own pages show in its
`cache_tags.py` (articles: listings and the menu; comments: threads...).
"""

# Every page: site settings (branding, comment policy), sites, view restrictions.
SITE = "site"


def page(pk):
    """A page's own content: an article's words, an author's name, a section's title."""
    return f"page:{pk}"


def pages(objects):
    return [page(obj.pk) for obj in objects]
