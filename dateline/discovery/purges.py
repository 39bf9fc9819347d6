"""What changes purge the sitemaps: every page and tag change moves a
lastmod or an address in them."""

from taggit.models import Tag

from dateline.discovery.cache_tags import SITEMAPS
from dateline.pagecache import purges


def sitemap_tags(*args, **kwargs):
    return {SITEMAPS}


def register():
    purges.when_page_changes(sitemap_tags)
    purges.when_saved_or_deleted(Tag, sitemap_tags)
