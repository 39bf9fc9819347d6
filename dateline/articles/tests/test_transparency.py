"""The Trust Project's indicators as readers, feed readers and search
engines meet them: corrections and updates in public, the type of work,
sourcing, and the newsroom's policies."""

from datetime import timedelta

import extruct
import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Site

from dateline.articles.models import NOTES_PER_PAGE, ArticleNote, ArticlePage, TypeOfWork
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.newsroom.models import PolicySettings

BASE = "http://127.0.0.1:8000"
NEWS_ARTICLE_TYPES = {"ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle"}


def article_json_ld(client, url):
    html = client.get(url).content.decode()
    items = extruct.extract(html, base_url=BASE, syntaxes=["json-ld"], uniform=True)["json-ld"]
    [described] = [item for item in items if item["@type"] in NEWS_ARTICLE_TYPES | {"AdvertiserContentArticle"}]
    return described


def add_note(article, kind, text, *, at=None):
    """As an editor does: a note added in the page editor, then Publish."""
    article = ArticlePage.objects.get(pk=article.pk)
    article.notes.add(ArticleNote(kind=kind, text=f"<p>{text}</p>", noted_at=at or timezone.now()))
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


@pytest.fixture
def story(demo_site):
    return ArticlePageFactory(parent=demo_site.sections["Middle East"], title="Ceasefire holds in Homs")


def test_a_correction_stands_at_the_top_of_the_story_and_dates_its_change(client, story):
    later = timezone.now() + timedelta(minutes=5)
    wrong_name = "An earlier version misspelt the governor’s name."
    corrected = add_note(story, ArticleNote.Kind.CORRECTION, wrong_name, at=later)
    html = client.get(corrected.url).content.decode()
    header = html[html.index('class="story__header"') : html.index('class="story__body"')]
    assert "Correction" in header and "misspelt the governor’s name" in header
    described = article_json_ld(client, corrected.url)
    assert described["dateModified"] == timezone.localtime(later).isoformat(timespec="seconds")
    assert described["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": wrong_name,
            "datePublished": timezone.localtime(later).isoformat(timespec="seconds"),
        }
    ]


def test_an_update_is_shown_but_is_not_called_a_correction(client, story):
    updated = add_note(story, ArticleNote.Kind.UPDATE, "The ministry has since confirmed the figures.")
    assert "confirmed the figures" in client.get(updated.url).content.decode()
    assert "correction" not in article_json_ld(client, updated.url)


def test_a_retracted_story_stays_online_clearly_marked(client, story):
    retracted = add_note(story, ArticleNote.Kind.RETRACTION, "The source of this report was not genuine.")
    response = client.get(retracted.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "story--retracted" in html
    assert "This story was retracted" in html
    assert html.index("This story was retracted") < html.index('class="story__headline"')


def test_a_drafted_note_stays_private_until_published(client, story):
    draft = ArticlePage.objects.get(pk=story.pk)
    draft.notes.add(ArticleNote(kind=ArticleNote.Kind.CORRECTION, text="<p>Not yet approved.</p>"))
    draft.save_revision()
    assert "Not yet approved" not in client.get(story.url).content.decode()
    assert "Not yet approved" not in client.get("/corrections/").content.decode()
    assert "Not yet approved" not in client.get("/feeds/corrections/atom/").content.decode()


def test_the_corrections_page_lists_every_note_newest_first_linked_to_its_place(client, demo_site, story):
    add_note(story, ArticleNote.Kind.CORRECTION, "First fix.", at=timezone.now() - timedelta(hours=2))
    other = ArticlePageFactory(parent=demo_site.sections["World News"], title="Floods in the delta")
    other = add_note(other, ArticleNote.Kind.CLARIFICATION, "Second fix.", at=timezone.now() - timedelta(hours=1))
    html = client.get("/corrections/").content.decode()
    assert html.index("Second fix.") < html.index("First fix.")
    note = other.notes.get()
    assert f'href="{other.url}#note-{note.pk}"' in html
    assert f'id="note-{note.pk}"' in client.get(other.url).content.decode()


def test_every_page_links_the_corrections_page_from_its_footer(client, demo_site):
    for address in ["/", "/middle-east/", demo_site.article.url, "/search/?q=syria", "/no-such-page/"]:
        html = client.get(address).content.decode()
        footer = html[html.index('<footer class="site-footer"') :]
        assert 'href="/corrections/"' in footer, address


def test_a_taken_down_story_takes_its_notes_off_the_corrections_page(client, story):
    add_note(story, ArticleNote.Kind.CORRECTION, "A fix on a story later withdrawn.")
    assert "later withdrawn" in client.get("/corrections/").content.decode()
    ArticlePage.objects.get(pk=story.pk).unpublish()
    assert "later withdrawn" not in client.get("/corrections/").content.decode()


def test_the_corrections_page_has_numbered_pages_and_a_404_past_the_last(client, demo_site, story):
    for n in range(NOTES_PER_PAGE + 1):
        story.notes.add(ArticleNote(kind=ArticleNote.Kind.UPDATE, text=f"<p>Update {n}.</p>"))
    story.save_revision().publish()
    assert "Update 0." in client.get("/corrections/page/2/").content.decode()
    assert client.get("/corrections/page/3/").status_code == 404
    assert client.get("/corrections/page/1/").status_code == 404  # page 1 is /corrections/ alone


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_corrections_have_their_own_feeds(client, story, kind):
    corrected = add_note(story, ArticleNote.Kind.CORRECTION, "The toll was 12, not 21.")
    response = client.get(f"/feeds/corrections/{kind}/")
    assert response.status_code == 200
    if kind == "json":
        [item] = response.json()["items"]
        title, link = item["title"], item["url"]
    else:
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        [entry] = parsed.entries
        title, link = entry.title, entry.link
    assert title == "Correction: Ceasefire holds in Homs"
    assert link == f"{BASE}{corrected.url}#note-{corrected.notes.get().pk}"


def test_a_corrected_story_is_marked_updated_in_the_feeds_with_the_note_first(client, story):
    later = timezone.now() + timedelta(minutes=5)
    add_note(story, ArticleNote.Kind.CORRECTION, "The toll was 12, not 21.", at=later)
    atom = feedparser.parse(client.get("/feeds/atom/").content)
    [entry] = [e for e in atom.entries if e.title == "Ceasefire holds in Homs"]
    assert entry.updated_parsed[:5] == later.utctimetuple()[:5]
    content = entry.content[0].value
    assert content.index("The toll was 12, not 21.") < content.index("The body of")
    [item] = [i for i in client.get("/feeds/json/").json()["items"] if i["title"] == "Ceasefire holds in Homs"]
    assert item["date_modified"].startswith(later.strftime("%Y-%m-%dT%H:%M"))


def test_a_correction_refreshes_the_stored_pages_that_show_it(front, purges, story):
    pages = [story.url, "/corrections/", "/feeds/corrections/rss/", "/feeds/rss/"]
    for address in pages:
        front.get(address)
        assert front.get(address).cache == "hit", address
    with purges():
        add_note(story, ArticleNote.Kind.CORRECTION, "Refreshed at once.")
    for address in pages:
        answer = front.get(address)
        assert answer.cache == "miss" and b"Refreshed at once." in answer.body, address


@pytest.mark.parametrize(
    ("type_of_work", "label", "schema_type"),
    [
        (TypeOfWork.NEWS, "News report", "ReportageNewsArticle"),
        (TypeOfWork.ANALYSIS, "Analysis", "AnalysisNewsArticle"),
        (TypeOfWork.OPINION, "Opinion", "OpinionNewsArticle"),
        (TypeOfWork.REVIEW, "Review", "ReviewNewsArticle"),
    ],
)
def test_the_type_of_work_stands_above_the_headline_and_in_json_ld(client, demo_site, type_of_work, label, schema_type):
    article = ArticlePageFactory(parent=demo_site.sections["Middle East"], type_of_work=type_of_work)
    html = client.get(article.url).content.decode()
    assert html.index(f'<span class="story__type">{label}</span>') < html.index('class="story__headline"')
    assert article_json_ld(client, article.url)["@type"] == schema_type


def test_sponsored_content_is_labelled_named_and_kept_out_of_the_news_sitemap(client, demo_site):
    section = demo_site.sections["Middle East"]
    sponsored = ArticlePageFactory(
        parent=section, title="Visit the old souk", type_of_work=TypeOfWork.SPONSORED, sponsor="Homs Tourism Board"
    )
    html = client.get(sponsored.url).content.decode()
    assert "Sponsored content" in html and "Paid for by Homs Tourism Board" in html
    described = article_json_ld(client, sponsored.url)
    assert described["@type"] == "AdvertiserContentArticle"
    assert described["sponsor"]["name"] == "Homs Tourism Board"
    assert "Sponsored" in client.get("/middle-east/").content.decode()  # labelled in listings too
    news_sitemap = client.get("/news-sitemap.xml").content.decode()
    assert sponsored.slug not in news_sitemap
    assert demo_site.article.slug in news_sitemap
    assert sponsored.slug in client.get("/sitemap-articles.xml").content.decode()


def test_sponsored_content_must_name_its_sponsor(demo_site):
    article = ArticlePageFactory.build(title="Unnamed advertiser", type_of_work=TypeOfWork.SPONSORED, sponsor=" ")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "sponsor" in refused.value.message_dict


def test_a_story_on_unnamed_sources_says_so_and_links_the_policy(client, demo_site):
    # The demo marks the seed story, which leans on "a military source in Homs".
    html = client.get(demo_site.article.url).content.decode()
    policy = PolicySettings.for_site(Site.objects.get()).unnamed_sources_policy
    assert "This story relies on sources we do not name." in html
    assert f'href="{policy.url}"' in html


def test_how_we_reported_this_is_shown_escaped(client, demo_site):
    article = ArticlePageFactory(
        parent=demo_site.sections["Middle East"],
        reporting_note="We spoke to three residents <script>alert(1)</script> by phone.",
    )
    html = client.get(article.url).content.decode()
    assert "How we reported this" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_the_publisher_names_its_policies_on_every_story(client, demo_site):
    publisher = article_json_ld(client, demo_site.article.url)["publisher"]
    policies = PolicySettings.for_site(Site.objects.get())
    assert publisher["@type"] == "NewsMediaOrganization"
    for field_name, schema_property in PolicySettings.SCHEMA_PROPERTIES.items():
        assert publisher[schema_property] == BASE + getattr(policies, field_name).url


def test_a_policy_taken_down_leaves_the_footer_and_json_ld_at_once(front, purges, demo_site):
    policies = PolicySettings.for_site(Site.objects.get())
    ethics = policies.ethics_policy
    front.get(demo_site.article.url)
    assert ethics.url.encode() in front.get(demo_site.article.url).body
    with purges():
        ethics.specific.unpublish()
    answer = front.get(demo_site.article.url)
    assert answer.cache == "miss"
    assert ethics.url.encode() not in answer.body


def test_the_api_gives_the_type_of_work_and_the_notes(client, story):
    corrected = add_note(story, ArticleNote.Kind.CLARIFICATION, "The talks were in Astana, not Geneva.")
    answer = client.get(f"/api/v1/articles/{corrected.pk}").json()
    assert answer["type_of_work"] == "news"
    assert [(note["kind"], note["text_html"]) for note in answer["notes"]] == [
        ("clarification", "<p>The talks were in Astana, not Geneva.</p>")
    ]
    assert answer["modified_at"] >= answer["last_published_at"]
