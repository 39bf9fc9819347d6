"""Images are resized when a story is published, not while readers wait."""

from dateline.newsroom.models import NewsRendition


def test_publishing_makes_every_rendition_readers_will_need(client, full_site, django_capture_on_commit_callbacks):
    feature = full_site.feature
    NewsRendition.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        feature.save_revision().publish()
    made = NewsRendition.objects.count()
    assert made == 6 + 2 + 6, "hero: picture sizes, share image, feed/API size; body image: picture sizes"
    for address in (feature.url, "/feeds/rss/", "/feeds/json/", f"/api/v1/articles/{feature.pk}", "/"):
        assert client.get(address).status_code == 200
    assert NewsRendition.objects.count() == made, "a reader's request made a rendition"


def test_an_author_photo_is_made_when_the_author_page_is_published(
    client, full_site, django_capture_on_commit_callbacks
):
    reporter = full_site.reporter
    reporter.photo = full_site.feature.hero_image
    with django_capture_on_commit_callbacks(execute=True):
        reporter.save_revision().publish()
    before = NewsRendition.objects.count()
    assert client.get(reporter.url).status_code == 200
    assert NewsRendition.objects.count() == before
