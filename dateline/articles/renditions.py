"""The image renditions readers' pages need, made when a page is published.

Wagtail makes a rendition the first time a template asks for it. Without
this, the first readers of a new story (many at once, for breaking news)
would wait while each size of its images is resized and saved. Each spec
is the one a template, feed or API answer uses; tests/test_renditions.py
fails if a published page still makes one while a reader waits.
"""

# {% picture %} in articles/includes/story.html and blocks/captioned_image.html.
PICTURE = "format-{webp,jpeg} width-{480,800,1200}"
# Open Graph and JSON-LD (metadata.py).
SHARE_IMAGE = "fill-1200x630|format-jpeg"
# The feeds' enclosure and the API's hero image.
WIDE_JPEG = "width-1200|format-jpeg"
# {% image %} in author_page.html.
AUTHOR_PHOTO = "fill-160x160"


def renditions_for_page(page):
    """{image: [filter spec]} for everything a published page shows: each
    page type says so in `renditions_wanted()`."""
    wanted = getattr(page, "renditions_wanted", None)
    return wanted() if wanted else {}


def renditions_create(*, page):
    for image, specs in renditions_for_page(page).items():
        image.get_renditions(*specs)
