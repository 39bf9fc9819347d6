"""What a reader gets from the home, section, article, tag and author pages."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from dateline.articles.tests.factories import ArticlePageFactory, AuthorPageFactory


def text_of(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def headlines(response):
    """Story headlines in page order, as a reader scanning the page sees them."""
    html = response.content.decode()
    return [unescape(h) for h in re.findall(r'class="card__headline"><a href="[^"]*">([^<]*)</a>', html)]


@pytest.fixture
def middle_east(demo_site):
    return demo_site.sections["Middle East"]


def stories(section, count, *, label="story", start=None, **fields):
    """`count` stories in `section`, one hour apart, the last one newest."""
    start = start or timezone.now() - timedelta(days=30)
    return [
        ArticlePageFactory(
            parent=section,
            title=f"{section.title} {label} {n}",
            first_published_at=start + timedelta(hours=n),
            **fields,
        )
        for n in range(count)
    ]


class TestHomePage:
    def test_leads_with_the_newest_story_then_the_rest_newest_first(self, client, demo_site, middle_east):
        world = demo_site.sections["World News"]
        older = ArticlePageFactory(
            parent=world, title="Older world story", first_published_at=timezone.now() - timedelta(days=2)
        )
        newest = ArticlePageFactory(parent=middle_east, title="Newest story", standfirst="The newest standfirst.")
        response = client.get("/")
        assert response.status_code == 200
        # The demo's live story was first published when its coverage began, 52 hours ago.
        live = demo_site.live_story.title
        assert headlines(response) == [newest.title, demo_site.article.title, older.title, live]
        lead = response.content.decode().split('class="card card--lead"')[1].split("</article>")[0]
        assert "The newest standfirst." in lead
        assert 'href="/middle-east/"' in lead
        assert (
            f'<time datetime="{timezone.localtime(newest.first_published_at).isoformat(timespec="seconds")}">' in lead
        )

    def test_story_without_a_standfirst_is_summarised_by_its_opening_words(self, client, demo_site):
        lead = text_of(client.get("/")).split('class="card card--lead"')[1]
        opening = " ".join(demo_site.seed["article"]["paragraphs"]).split()[:30]
        assert f'<p class="card__standfirst">{" ".join(opening)}…</p>' in lead

    def test_editor_can_choose_the_lead_story(self, client, demo_site, middle_east):
        ArticlePageFactory(parent=middle_east, title="Newest story")
        home = demo_site.home
        home.lead_article = demo_site.article
        home.save_revision().publish()
        assert headlines(client.get("/"))[0] == demo_site.article.title

    def test_unpublished_lead_story_gives_way_to_the_newest(self, client, demo_site, middle_east):
        newest = ArticlePageFactory(parent=middle_east, title="Newest story")
        home = demo_site.home
        home.lead_article = demo_site.article
        home.save_revision().publish()
        demo_site.article.unpublish()
        assert headlines(client.get("/")) == [newest.title, demo_site.live_story.title]

    def test_drafts_are_not_listed(self, client, demo_site, middle_east):
        ArticlePageFactory(parent=middle_east, title="Unpublished draft", live=False, publish=False)
        assert "Unpublished draft" not in text_of(client.get("/"))


class TestSectionPage:
    def test_lists_its_own_and_also_filed_stories_newest_first(self, client, demo_site, middle_east):
        latest = demo_site.sections["Latest developments"]
        own = stories(latest, 2)
        response = client.get("/latest-developments/")
        assert response.status_code == 200
        # The seed article's primary section is Middle East; it is filed here too.
        live = demo_site.live_story.title
        assert headlines(response) == [demo_site.article.title, live, own[1].title, own[0].title]
        assert "<h1>Latest developments</h1>" in response.content.decode()

    def test_twenty_stories_a_page_with_numbered_addresses(self, client, middle_east, demo_site):
        made = stories(middle_east, 44)
        newest_first = [demo_site.article.title] + [story.title for story in reversed(made)]
        first = client.get("/middle-east/")
        second = client.get("/middle-east/page/2/")
        third = client.get("/middle-east/page/3/")
        assert headlines(first) == newest_first[:20]
        assert headlines(second) == newest_first[20:40]
        assert headlines(third) == newest_first[40:]
        assert 'href="/middle-east/page/2/" rel="next"' in first.content.decode()
        assert 'href="/middle-east/" rel="prev"' in second.content.decode()
        assert 'aria-current="page"><span class="visually-hidden">Page </span>3</a>' in third.content.decode()

    def test_every_page_is_right_the_moment_a_story_is_published_edited_or_taken_down(
        self, client, middle_east, demo_site, purges
    ):
        """Where each page starts is kept between requests (pagination.py):
        a change to the listing must move every page at once."""
        made = stories(middle_east, 44)

        def every_page():
            pages, number = [], 1
            while True:
                address = "/middle-east/" if number == 1 else f"/middle-east/page/{number}/"
                response = client.get(address)
                if response.status_code == 404:
                    return pages
                pages.append(headlines(response))
                number += 1

        assert [len(page) for page in every_page()] == [20, 20, 5]
        with purges():
            newest = ArticlePageFactory(
                parent=middle_east, title="Breaking: a new story", first_published_at=timezone.now()
            )
        pages = every_page()
        assert [len(page) for page in pages] == [20, 20, 6]
        assert pages[0][0] == "Breaking: a new story" and pages[2][-1] == made[0].title
        with purges():
            made[0].title = "The oldest story, corrected"
            made[0].save_revision().publish()
        assert every_page()[2][-1] == "The oldest story, corrected"
        with purges():
            newest.unpublish()
            made[10].unpublish()
        pages = every_page()
        assert [len(page) for page in pages] == [20, 20, 4]
        assert "Breaking: a new story" not in sum(pages, []) and made[10].title not in sum(pages, [])
        assert client.get("/middle-east/page/3/").status_code == 200

    def test_stories_published_at_the_same_moment_each_appear_once_in_order(self, client, middle_east, demo_site):
        moment = timezone.now() - timedelta(days=1)
        same_time = [
            ArticlePageFactory(parent=middle_east, title=f"Same moment {n}", first_published_at=moment)
            for n in range(30)
        ]
        seen = []
        for address in ["/middle-east/", "/middle-east/page/2/"]:
            seen += headlines(client.get(address))
        assert sorted(seen) == sorted([demo_site.article.title] + [story.title for story in same_time])
        # Ties go by the tree path, newest page first: the order of creation, reversed.
        assert seen[1:] == [story.title for story in reversed(same_time)]

    @pytest.mark.parametrize(
        "address",
        [
            "/middle-east/page/3/",
            "/middle-east/page/99/",
            "/middle-east/page/1/",
            "/middle-east/page/02/",
            "/middle-east/page/0/",
        ],
    )
    def test_pages_past_the_last_and_duplicate_addresses_are_404(self, client, middle_east, address):
        stories(middle_east, 25)
        response = client.get(address)
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()

    def test_empty_section_says_so(self, client, demo_site):
        response = client.get("/recovery-services/")
        assert response.status_code == 200
        assert "No stories in this section yet." in text_of(response)


class TestArticlePage:
    def test_shows_the_whole_story(self, client, demo_site, settings):
        article = demo_site.article
        response = client.get(
            "/middle-east/syrian-army-popular-fighters-drive-isil-out-of-large-region-in-western-deir-ezzur/"
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<h1 class="story__headline">{article.title}</h1>' in html
        assert 'By <a href="/authors/staff/" rel="author"><bdi>Newsroom staff</bdi></a>' in " ".join(html.split())
        assert "Deir Ezzur</p>" in html
        published = timezone.localtime(article.first_published_at)
        assert f'<time datetime="{published.isoformat(timespec="seconds")}">' in html
        body = html.split('<div class="story__body">')[1].split("</div>")[0]
        paragraphs = [unescape(p) for p in re.findall(r"<p>(.*?)</p>", body)]
        assert paragraphs == demo_site.seed["article"]["paragraphs"]
        filing = html.split('class="story__filing"')[1]
        assert (
            'href="/middle-east/"><bdi>Middle East</bdi></a>, '
            '<a href="/latest-developments/"><bdi>Latest developments</bdi></a>' in filing
        )

    def test_times_are_shown_in_the_newsrooms_time_zone(self, client, demo_site, settings):
        settings.TIME_ZONE = "Asia/Damascus"
        published = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        story = ArticlePageFactory(parent=demo_site.sections["Middle East"], first_published_at=published)
        html = client.get(story.url).content.decode()
        assert '<time datetime="2026-03-01T12:30:00+03:00">' in html
        assert "March 1, 2026, 12:30 p.m." in html

    def test_byline_names_every_author_in_order_linking_to_their_pages(self, client, demo_site):
        index = demo_site.staff.get_parent()
        first = AuthorPageFactory(parent=index, title="Rania Haddad", slug="rania-haddad")
        second = AuthorPageFactory(parent=index, title="Omid Karimi", slug="omid-karimi", job_title="")
        story = ArticlePageFactory(parent=demo_site.sections["World News"], authors=[first, second])
        html = client.get(story.url).content.decode()
        assert (
            '<a href="/authors/rania-haddad/" rel="author"><bdi>Rania Haddad</bdi></a> '
            '<span class="story__role">(Reporter)</span> and '
            '<a href="/authors/omid-karimi/" rel="author"><bdi>Omid Karimi</bdi></a>'
        ) in html

    def test_tags_link_to_tag_pages(self, client, demo_site):
        story = ArticlePageFactory(parent=demo_site.sections["World News"])
        story.tags.add("Ceasefire talks", "Aleppo")
        story.save_revision().publish()
        html = client.get(story.url).content.decode()
        assert '<a href="/tags/ceasefire-talks/" rel="tag"><bdi>Ceasefire talks</bdi></a>' in html
        assert '<a href="/tags/aleppo/" rel="tag"><bdi>Aleppo</bdi></a>' in html

    def test_related_stories_are_the_newest_in_its_section(self, client, demo_site, middle_east):
        made = stories(middle_east, 6)
        stories(demo_site.sections["World News"], 2, label="elsewhere")
        html = client.get(made[0].url).content.decode()
        related = html.split('class="related"')[1]
        assert "More from <bdi>Middle East</bdi>" in related
        titles = re.findall(r'<a href="[^"]*">([^<]*)</a></h3>', related)
        assert titles == [demo_site.article.title, made[5].title, made[4].title, made[3].title]

    def test_updated_time_shows_only_when_republished_later_than_first_publication(
        self, client, demo_site, django_capture_on_commit_callbacks
    ):
        article = demo_site.article
        assert "Updated" not in client.get(article.url).content.decode()
        with (
            time_machine.travel(timezone.now() + timedelta(hours=3)),
            django_capture_on_commit_callbacks(execute=True),  # the publish's purge
        ):
            article.save_revision().publish()
        assert "Updated" in text_of(client.get(article.url))

    def test_unpublished_article_is_gone(self, client, demo_site):
        url = demo_site.article.url
        demo_site.article.unpublish()
        assert client.get(url).status_code == 410  # it existed; a never-published draft is a 404


class TestTagAndAuthorPages:
    def test_tag_page_lists_tagged_stories_paginated(self, client, demo_site, middle_east):
        tagged = stories(middle_east, 21)
        for story in tagged:
            story.tags.add("Deir Ezzur")
            story.save()
        stories(middle_east, 2, label="untagged story")
        first = client.get("/tags/deir-ezzur/")
        assert first.status_code == 200
        assert "<h1><bdi>Deir Ezzur</bdi></h1>" in first.content.decode()
        assert headlines(first) == [story.title for story in reversed(tagged)][:20]
        assert headlines(client.get("/tags/deir-ezzur/page/2/")) == [tagged[0].title]
        assert client.get("/tags/deir-ezzur/page/3/").status_code == 404

    def test_unknown_tag_is_404(self, client, demo_site):
        Tag.objects.create(name="Other", slug="other")
        assert client.get("/tags/no-such-tag/").status_code == 404

    def test_author_page_shows_bio_and_their_stories(self, client, demo_site):
        response = client.get("/authors/staff/")
        assert response.status_code == 200
        text = text_of(response)
        assert "<h1>Newsroom staff</h1>" in text
        assert "Staff byline" in text
        assert "named no author" in text
        assert headlines(response) == [demo_site.article.title, demo_site.live_story.title]

    def test_author_pages_are_paginated(self, client, demo_site, middle_east):
        stories(middle_east, 20, authors=[demo_site.staff])
        assert len(headlines(client.get("/authors/staff/"))) == 20
        assert len(headlines(client.get("/authors/staff/page/2/"))) == 2  # the seed and live stories
        assert client.get("/authors/staff/page/3/").status_code == 404

    def test_authors_index_lists_everyone(self, client, demo_site):
        AuthorPageFactory(parent=demo_site.staff.get_parent(), title="Rania Haddad", slug="rania-haddad")
        html = client.get("/authors/").content.decode()
        assert '<a href="/authors/rania-haddad/">Rania Haddad</a>' in html
        assert '<a href="/authors/staff/">Newsroom staff</a>' in html


class TestLanguage:
    def test_html_carries_the_site_language_and_direction(self, client, demo_site):
        assert '<html lang="en" dir="ltr">' in client.get("/").content.decode()

    def test_right_to_left_language_sets_dir_rtl(self, client, demo_site, settings):
        settings.LANGUAGE_CODE = "ar"
        html = client.get("/").content.decode()
        assert '<html lang="ar" dir="rtl">' in html
