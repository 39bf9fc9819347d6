"""What a change to a page touches in the other editions."""

from dateline.editions import cache_tags
from dateline.pagecache import purges


def translation_links(page, change):
    # Publishing, taking down, moving (a new address) or deleting a page
    # changes the links its translations show to it.
    return [cache_tags.translations(page.translation_key)]


def connect():
    purges.when_page_changes(translation_links)
