"""What changes to the newsroom's images purge from the page cache
(site settings, branding included, purge every page by themselves)."""

from dateline.newsroom.cache_tags import image
from dateline.newsroom.models import BrandingSettings, NewsImage
from dateline.pagecache import purges, tags


def image_tags(news_image, **kwargs):
    # A site's logo is on every page.
    is_logo = BrandingSettings.objects.filter(logo_id=news_image.pk).exists()
    return {image(news_image.pk), *([tags.SITE] if is_logo else [])}


def register():
    purges.when_saved_or_deleted(NewsImage, image_tags)
