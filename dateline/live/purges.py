"""What changes to live coverage purge from the page cache.

An update (posted, edited, corrected, pinned or deleted) purges the pages
that show its story's updates and nothing else: the story's pages, its
latest-updates resource and feed, and the sections showing it live. A live
story published, ended, taken down or moved changes which stories are
running. The story's page as an article (listings, its own tag) is the
articles app's to purge (dateline/articles/purges.py).

Registered with the page cache in LiveConfig.ready().
"""

from dateline.live import cache_tags
from dateline.live.models import LiveStoryPage, LiveUpdate
from dateline.pagecache import purges


def update_tags(update, **kwargs):
    return {cache_tags.updates(update.story_id)}


def page_tags(page, change):
    if isinstance(page, LiveStoryPage):
        return {cache_tags.LIVE_STORIES, cache_tags.updates(page.pk)}
    return set()


def register():
    purges.when_page_changes(page_tags)
    purges.when_saved_or_deleted(LiveUpdate, update_tags)
