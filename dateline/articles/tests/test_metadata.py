"""What each page's head tells search engines and link previews, read back
by extruct (JSON-LD, Open Graph), not by our own code."""

import extruct
import pytest

from dateline.testing.fixtures.sites import public_pages

BASE = "http://127.0.0.1:8000"


def structured(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return extruct.extract(response.content.decode(), base_url=BASE, syntaxes=["json-ld", "opengraph"], uniform=True)


def json_ld(data, kind):
    return [item for item in data["json-ld"] if item.get("@type") == kind]


def test_articles_carry_a_complete_news_article(client, full_site):
    feature = full_site.feature
    [article] = json_ld(structured(client, feature.url), "ReportageNewsArticle")
    assert article["headline"] == feature.title
    assert article["description"] == feature.standfirst
    assert article["datePublished"].startswith(feature.first_published_at.date().isoformat())
    assert article["dateModified"]
    assert [(a["name"], a["url"]) for a in article["author"]] == [
        ("Rania Haddad", f"{BASE}/authors/rania-haddad/"),
        ("Omid Karimi", f"{BASE}/authors/omid-karimi/"),
    ]
    publisher = article["publisher"]
    assert publisher["name"] == "Dateline"
    assert publisher["logo"]["url"].startswith(f"{BASE}/static/")
    assert article["image"][0].startswith(f"{BASE}/media/images/")
    assert article["mainEntityOfPage"]["@id"] == f"{BASE}{feature.url}"
    assert article["articleSection"][0] == "Middle East"
    assert article["inLanguage"] == "en"


def test_articles_and_sections_carry_breadcrumbs(client, full_site):
    [trail] = json_ld(structured(client, full_site.article.url), "BreadcrumbList")
    assert [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]] == [
        (1, "Home", f"{BASE}/"),
        (2, "Middle East", f"{BASE}/middle-east/"),
        (3, full_site.article.title, f"{BASE}{full_site.article.url}"),
    ]
    [trail] = json_ld(structured(client, "/middle-east/"), "BreadcrumbList")
    assert [i["name"] for i in trail["itemListElement"]] == ["Home", "Middle East"]


def test_the_home_page_offers_a_site_search(client, full_site):
    [website] = json_ld(structured(client, "/"), "WebSite")
    assert website["url"] == f"{BASE}/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{BASE}/search/?q={{search_term_string}}"
    assert client.get("/search/", {"q": "search_term_string"}).status_code == 200


def test_link_previews_and_canonical_addresses(client, full_site):
    feature = full_site.feature
    data = structured(client, feature.url)
    [og] = data["opengraph"]
    assert og["@type"] == "article"  # og:type, as extruct names it
    assert og["og:title"] == feature.title
    assert og["og:url"] == f"{BASE}{feature.url}"
    assert og["og:image"].startswith(f"{BASE}/media/images/")
    assert og["og:description"] == feature.standfirst
    page = client.get(feature.url).content.decode()
    assert f'<link rel="canonical" href="{BASE}{feature.url}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f'<meta name="description" content="{feature.standfirst}">' in page
    # A second page of comments is the same story: its canonical is the story.
    assert client.get("/middle-east/page/2/").content.decode().count('rel="canonical"') == 1


@pytest.mark.parametrize("page", ["home", "section", "article", "tag", "author", "authors"])
def test_every_page_has_a_description_and_preview(client, full_site, page):
    html = client.get(public_pages(full_site)[page]).content.decode()
    for tag in ('<link rel="canonical"', '<meta name="description" content="', 'property="og:title"'):
        assert tag in html, (page, tag)
    assert '<meta name="description" content="">' not in html


def test_json_ld_cannot_break_out_of_its_script(client, full_site):
    article = full_site.article
    article.title = "</script><script>alert(1)</script> & more"
    article.save_revision().publish()
    page = client.get(article.url).content.decode()
    assert "</script><script>alert(1)" not in page
    [news] = json_ld(structured(client, article.url), "ReportageNewsArticle")
    assert news["headline"] == "</script><script>alert(1)</script> & more"


def test_a_taken_down_story_answers_410_gone(client, full_site):
    address = full_site.article.url
    full_site.article.unpublish()
    response = client.get(address)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This story has been withdrawn" in page
    assert full_site.article.title not in page  # withdrawn may mean for legal reasons: nothing of it is shown
    assert client.get("/middle-east/no-such-story/").status_code == 404
