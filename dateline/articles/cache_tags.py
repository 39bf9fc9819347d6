"""What the articles' pages show, named for the page cache (dateline.pagecache).

A listing's tag names which stories it holds and in what order: a story
that joins or leaves a listing changes every page of it, while an edit to a
story already in it changes only the pages that show it (they depend on its
page tag). What changes purge which of these is in purges.py.
"""

from dateline.newsroom.cache_tags import image
from dateline.pagecache.tags import page, pages

# Every page that shows the section menu or labels stories with their section.
NAV = "nav"
# The list of authors at /authors/.
AUTHORS = "authors"
# The newest stories across the site: home page, site-wide feeds.
LATEST = "latest"
# The corrections page and its feeds: every note on every published story.
CORRECTIONS = "corrections"


def tag(pk):
    """A tag's name and slug, wherever it is shown."""
    return f"tag:{pk}"


def section_listing(pk):
    return f"listing:section:{pk}"


def tag_listing(pk):
    return f"listing:tag:{pk}"


def author_listing(pk):
    return f"listing:author:{pk}"


def story(article, *, authors, article_tags):
    """What showing a story shows, on its page or in a feed entry: its words,
    its section's name, its bylines, its tags and its images."""
    return [
        NAV,
        page(article.pk),
        *pages(authors),
        *(tag(t.pk) for t in article_tags),
        *(image(pk) for pk in article.image_ids()),
    ]
