"""What changes to the newsroom's images and pages purge from the page
cache (site settings, branding included, purge every page by themselves)."""

from django.db.models import Q

from dateline.newsroom.cache_tags import image
from dateline.newsroom.models import BrandingSettings, BreakingNewsSettings, NewsImage, PolicySettings
from dateline.pagecache import purges, tags


def image_tags(news_image, **kwargs):
    # A site's logo is on every page.
    is_logo = BrandingSettings.objects.filter(logo_id=news_image.pk).exists()
    return {image(news_image.pk), *([tags.SITE] if is_logo else [])}


def linked_page_tags(page, change):
    # Every page's footer links the policies, and the banner its story:
    # the kept settings hold those pages' titles, addresses and states.
    as_policy = Q(**{f"{name}_id": page.pk for name in PolicySettings.SCHEMA_PROPERTIES}, _connector=Q.OR)
    if (
        PolicySettings.objects.filter(as_policy).exists()
        or BreakingNewsSettings.objects.filter(link_page_id=page.pk).exists()
    ):
        return {tags.SITE}
    return set()


def register():
    purges.when_saved_or_deleted(NewsImage, image_tags)
    purges.when_page_changes(linked_page_tags)
