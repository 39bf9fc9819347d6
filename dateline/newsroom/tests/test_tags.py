"""Tags whose names hold no letters or digits still get an address (issue 16, defect 10)."""

from taggit.models import Tag

from dateline.articles.tests.factories import ArticlePageFactory


def test_a_tag_of_symbols_or_emoji_gets_an_address_of_its_own(client, demo_site):
    """Regression: "!!!" slugified to nothing, pages linked to /tags//, and the sitemap listed a 404."""
    story = ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Fire season")
    story.tags.add("🔥", "!!!", "Deir Ezzur", "2024")
    story.save_revision().publish()
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert (slugs["Deir Ezzur"], slugs["2024"]) == ("deir-ezzur", "2024")
    assert slugs["🔥"] and slugs["!!!"] and slugs["🔥"] != slugs["!!!"]
    html = client.get(story.url).content.decode()
    assert 'href="/tags//"' not in html
    for name in ("🔥", "!!!"):
        assert f'href="/tags/{slugs[name]}/"' in html
        listing = client.get(f"/tags/{slugs[name]}/")
        assert listing.status_code == 200 and "Fire season" in listing.content.decode()
    sitemap = client.get("/sitemap-tags.xml").content.decode()
    assert "/tags//" not in sitemap and f"/tags/{slugs['🔥']}/" in sitemap


def test_the_sitemap_index_leaves_out_empty_sitemaps(client, demo_site):
    """Regression: with no tags, sitemap-tags.xml was listed, and its empty
    <urlset> fails the sitemaps.org schema (it needs one <url>)."""
    assert not Tag.objects.exists()
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-tags.xml" not in index
    assert "sitemap-articles.xml" in index
