"""The names of what a cached page depends on ("surrogate keys").

A page records the tags of everything it shows while it renders
(`dateline.pagecache.depends_on`); a change purges the tags it touches
(`dateline.pagecache.invalidation`). Only pages that recorded a purged
tag are rendered again.
"""

# Every page: site settings (branding, comment policy), sites, view restrictions.
SITE = "site"
# Every page that shows the section menu or labels stories with their section.
NAV = "nav"
# The sitemap index and its files: every publish changes a lastmod.
SITEMAPS = "sitemaps"
# The list of authors at /authors/.
AUTHORS = "authors"
# The newest stories across the site: home page, site-wide feeds.
LATEST = "latest"


def page(pk):
    """A page's own content: an article's words, an author's name, a section's title."""
    return f"page:{pk}"


def pages(objects):
    return [page(obj.pk) for obj in objects]


def comments(article_pk):
    """The approved comments under one article."""
    return f"comments:{article_pk}"


def image(pk):
    return f"image:{pk}"


def tag(pk):
    """A tag's name and slug, wherever it is shown."""
    return f"tag:{pk}"


# Which stories a listing holds, and in what order. A story that joins or
# leaves a listing changes every page of it; an edit to a story already in
# it changes only the pages that show it (they depend on its page tag).
def section_listing(pk):
    return f"listing:section:{pk}"


def tag_listing(pk):
    return f"listing:tag:{pk}"


def author_listing(pk):
    return f"listing:author:{pk}"
