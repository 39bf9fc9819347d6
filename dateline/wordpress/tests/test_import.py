"""`dateline import-wordpress` on WordPress's own test exports and on small
exports written for one case each.

The tests that read the theme unit test export imported into the empty site
share one import (`theme_unit_test_import`, dateline/testing/layers.py);
what each changes rolls back."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from lxml import etree, html
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, PageViewRestriction

from dateline.articles.models import ArticlePage, AuthorPage, HomePage, SectionPage
from dateline.comments.models import Comment
from dateline.core.models import StandardPage
from dateline.newsroom.models import NewsImage
from dateline.wordpress.models import ImportedItem, OldAddress
from dateline.wordpress.tests.conftest import BLOCK_TEST, THEME_UNIT_TEST, comment, post, run_import

pytestmark = pytest.mark.django_db

WP = "{https://wordpress.org/export/1.2/}"


def reader():
    return Client(HTTP_HOST="localhost")


def theme_items():
    """The theme unit test file's items, read with lxml in full (it is small)."""
    return etree.parse(str(THEME_UNIT_TEST)).getroot().find("channel").findall("item")


def text(item, name):
    return item.findtext(f"{WP}{name}") or ""


def test_theme_unit_test_data_arrives_whole(theme_unit_test_import):
    report = theme_unit_test_import
    items = theme_items()
    posts = [item for item in items if text(item, "post_type") == "post"]
    pages = [item for item in items if text(item, "post_type") == "page"]

    # Counted from the file: 56 published posts, 1 future, 1 draft; 21 pages.
    assert len(posts) == 58 and len(pages) == 21
    assert ArticlePage.objects.count() == 58
    assert ArticlePage.objects.live().count() == 56
    scheduled = ArticlePage.objects.get(go_live_at__isnull=False)
    assert scheduled.title == "Scheduled" and not scheduled.live
    assert scheduled.go_live_at == datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
    assert scheduled.latest_revision.approved_go_live_at == scheduled.go_live_at
    draft = ArticlePage.objects.get(title="Draft")
    assert not draft.live and draft.go_live_at is None and draft.latest_revision is not None
    assert StandardPage.objects.count() == 21

    # 68 categories, 110 tags listed and 4 more used by posts only, one of
    # which ("content") has the name of a listed one ("content-2"): tags are
    # told apart by name, so they are one tag. Two authors.
    assert SectionPage.objects.count() == 68
    assert Tag.objects.count() == 113
    assert set(AuthorPage.objects.values_list("title", flat=True)) == {"Theme Buster", "Theme Reviewer"}
    writers = get_user_model().objects.filter(username__in=["themedemos", "themereviewteam"])
    assert [(user.is_active, user.has_usable_password()) for user in writers] == [(False, False)] * 2

    # 33 comments: 4 pingbacks and trackbacks left out, 5 on pages (which
    # take no comments in Dateline), the 24 others kept: 3 awaiting moderation.
    on_posts = [c for item in posts for c in item.findall(f"{WP}comment") if text(c, "comment_type") in ("", "comment")]
    assert len(on_posts) == 24
    assert Comment.objects.count() == 24
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == sum(
        1 for c in on_posts if text(c, "comment_approved") == "0"
    )
    assert "4  pingbacks" in report.replace("trackbacks", "pingbacks") or "pingbacks" in report
    assert "comments on pages" in report

    # The ten-level thread on "Template: Comments" is whole, every reply
    # under the comment it answered.
    thread = ArticlePage.objects.get(title="Template: Comments")
    imported = {int(row.key): row.object_id for row in ImportedItem.objects.filter(kind=ImportedItem.Kind.COMMENT)}
    file_comments = {
        int(text(c, "comment_id")): int(text(c, "comment_parent") or 0)
        for item in posts
        if text(item, "post_id") == "1148"
        for c in item.findall(f"{WP}comment")
    }
    for wp_id, parent in file_comments.items():
        stored = Comment.objects.get(pk=imported[wp_id])
        assert stored.article_id == thread.pk
        assert stored.parent_id == (imported[parent] if parent else None)
    assert max(Comment.objects.filter(article=thread).values_list("depth", flat=True)) == 9

    # A link alone on its line was embedded in WordPress: an embed block here.
    video = ArticlePage.objects.get(slug="post-format-video-wordpresstv")
    assert [block.value.url for block in video.body if block.block_type == "embed"] == [
        "https://wordpress.tv/2009/03/16/anatomy-of-a-wordpress-theme-exploring-the-files-behind-your-theme/"
    ]

    # The sticky post leads the front page; the password-protected one asks for its password.
    home = HomePage.objects.get()
    sticky = next(item for item in posts if text(item, "is_sticky") == "1")
    assert home.lead_article.title == sticky.findtext("title")
    protected = next(item for item in posts if text(item, "post_password"))
    restriction = PageViewRestriction.objects.get()
    assert restriction.restriction_type == PageViewRestriction.PASSWORD
    assert restriction.password == text(protected, "post_password")
    assert ArticlePage.objects.get(pk=restriction.page_id).title == protected.findtext("title")

    # Every published post's old addresses lead to it; the draft's and the future post's do not.
    client = reader()
    for item in posts:
        wp_id, status, link = text(item, "post_id"), text(item, "status"), item.findtext("link")
        page = Page.objects.get(pk=ImportedItem.objects.get(kind="post", key=wp_id).object_id)
        old_path = link.replace("https://wpthemetestdata.wordpress.com", "")
        for address in (old_path, f"/?p={wp_id}"):
            response = client.get(address)
            if status == "publish":
                assert response.status_code == 301, address
                assert response["Location"] == page.url
            else:  # the front page, or not found: nothing that names the draft
                assert response.status_code in (200, 404) and page.url not in response.content.decode(), address
    for item in pages:
        page = Page.objects.get(pk=ImportedItem.objects.get(kind="post", key=text(item, "post_id")).object_id)
        response = client.get(f"/?page_id={text(item, 'post_id')}")
        assert (response.status_code, response["Location"]) == (301, page.url)


def test_no_script_survives_in_stored_or_served_stories(theme_unit_test_import):
    run_import(BLOCK_TEST)
    client = reader()
    for article in ArticlePage.objects.live().specific():
        stored = str(article.body.raw_data)
        assert not re.search(r"<script|javascript:|\son\w+\s*=", stored, re.IGNORECASE), article.title
        if article.get_view_restrictions():
            continue
        response = client.get(article.url)
        assert response.status_code == 200, article.url
        story = html.fromstring(response.content).xpath("//main")[0]
        assert not story.xpath(".//script[not(@type='application/ld+json')]"), article.title
        assert not story.xpath(".//iframe | .//object | .//embed | .//form[not(contains(@action, '/comments/'))]")
        for element in story.iter():
            for name, value in element.attrib.items():
                assert not name.startswith("on"), (article.title, name)
                assert not value.strip().lower().startswith("javascript:"), (article.title, value)


def test_the_block_editor_export():
    report = run_import(BLOCK_TEST)
    items = etree.parse(str(BLOCK_TEST)).getroot().find("channel").findall("item")
    wp = "{http://wordpress.org/export/1.2/}"
    posts = [item for item in items if item.findtext(f"{wp}post_type") == "post"]
    assert ArticlePage.objects.live().count() == len(posts) == 61
    assert StandardPage.objects.count() == 1
    assert Comment.objects.count() == 2
    assert Comment.objects.filter(parent__isnull=False).count() == 1
    assert "wp_navigation items" in report


def test_the_same_export_twice_changes_nothing(export_file):
    path = export_file(post(1, "First", comments=comment(11) + comment(12, parent=11)), post(2, "Second"))
    run_import(path)
    counts = lambda: (  # noqa: E731
        Page.objects.count(),
        Comment.objects.count(),
        ImportedItem.objects.count(),
        OldAddress.objects.count(),
        ArticlePage.objects.get(title="First").revisions.count(),
    )
    before = counts()
    report = run_import(path)
    assert counts() == before
    assert "created" not in report


def test_a_newer_export_updates_what_changed(export_file, tmp_path):
    run_import(export_file(post(1, "First headline", comments=comment(11, approved="0")), post(2, "Second")))
    second = ArticlePage.objects.get(title="Second")
    newer = export_file(
        post(1, "Corrected headline", comments=comment(11, approved="1") + comment(12, parent=11)),
        post(2, "Second"),
        name="newer.xml",
    )
    report = run_import(newer)
    story = ArticlePage.objects.get(slug="post-1")
    assert story.title == "Corrected headline" and story.live
    assert Comment.objects.filter(article=story, status=Comment.Status.APPROVED).count() == 2
    assert ArticlePage.objects.get(pk=second.pk).revisions.count() == second.revisions.count()
    assert "updated" in report


def test_a_malformed_file_imports_nothing(export_file):
    path = export_file(post(1, "First"), post(2, "Second"), post(3, "Third"))
    lines = path.read_text().splitlines()
    broken_line = next(n for n, line in enumerate(lines, 1) if "<wp:post_id>3<" in line)
    lines[broken_line - 1] = "<wp:post_id>3</wp:post_idd>"
    path.write_text("\n".join(lines))
    pages_before = Page.objects.count()
    with pytest.raises(CommandError, match=f"line {broken_line}"):
        run_import(path)
    assert Page.objects.count() == pages_before
    assert not ImportedItem.objects.exists()


def test_a_dry_run_reports_and_writes_nothing(export_file):
    path = export_file(post(1, "First", comments=comment(11)))
    pages_before = Page.objects.count()
    report = run_import(path, "--dry-run")
    assert "Dry run" in report and "created (live, publish)" in report
    assert Page.objects.count() == pages_before and not Comment.objects.exists()


def test_statuses_passwords_and_sticky(export_file):
    run_import(
        export_file(
            post(1, "Private one", status="private"),
            post(2, "Pending one", status="pending"),
            post(3, "Trashed one", status="trash"),
            post(4, "Protected", extra="<wp:post_password>opensesame</wp:post_password>"),
            post(5, "Lead", extra="").replace("<wp:is_sticky>0</wp:is_sticky>", "<wp:is_sticky>1</wp:is_sticky>"),
        )
    )
    assert not ArticlePage.objects.get(title="Private one").live
    assert not ArticlePage.objects.get(title="Pending one").live
    assert not ArticlePage.objects.filter(title="Trashed one").exists()
    assert HomePage.objects.get().lead_article.title == "Lead"
    client = reader()
    # A private post is not revealed by its old address.
    assert client.get("/?p=1").status_code == 200  # the front page
    assert client.get("/2024/03/01/post-1/").status_code == 404


def test_comment_statuses_threads_and_privacy(export_file):
    comments = "".join(
        [
            comment(23, parent=22, body="A reply listed before the comment it answers."),
            comment(22, body="The first comment."),
            comment(24, approved="spam", body="Buy cheap pills"),
            comment(25, parent=24, body="A reply to spam joins the thread's top."),
            comment(26, approved="trash", body="Removed by a moderator."),
            comment(27, kind="pingback", author="Another blog", body="[…] linked here […]"),
        ]
    )
    run_import(export_file(post(1, "Discussed", comments=comments)))
    story = ArticlePage.objects.get(title="Discussed")
    by_body = {c.body: c for c in Comment.objects.filter(article=story)}
    assert set(by_body) == {
        "A reply listed before the comment it answers.",
        "The first comment.",
        "A reply to spam joins the thread's top.",
        "Removed by a moderator.",
    }
    reply = by_body["A reply listed before the comment it answers."]
    assert reply.parent == by_body["The first comment."] and reply.depth == 1
    assert by_body["A reply to spam joins the thread's top."].parent is None
    assert by_body["Removed by a moderator."].status == Comment.Status.TRASH
    assert reply.email == "reader@example.org" and reply.ip_address == "203.0.113.23"

    page = reader().get(story.url).content.decode()
    assert "The first comment." in page and "Removed by a moderator." not in page
    assert "reader@example.org" not in page and "203.0.113" not in page


def test_pingbacks_on_request(export_file):
    run_import(
        export_file(post(1, "Linked", comments=comment(31, kind="pingback", author="Another blog"))), "--with-pingbacks"
    )
    assert Comment.objects.get().name == "Another blog"


def test_arabic_and_farsi_posts_land_in_their_editions(export_file):
    run_import(
        export_file(
            post(
                1,
                "الجيش السوري يسيطر على دير الزور",
                slug="%d8%a7%d9%84%d8%ac%d9%8a%d8%b4",
                body="<p>قالت مصادر عسكرية إن الجيش تقدم.</p>",
            ),
            post(
                2,
                "ارتش سوریه کنترل دیرالزور را به دست گرفت",
                slug="farsi-story",
                body="<p>منابع نظامی گفتند که ارتش پیشروی کرد.</p>",
            ),
            post(3, "An English story"),
        )
    )
    languages = {page.title[:5]: page.locale.language_code for page in ArticlePage.objects.all()}
    assert languages == {"الجيش": "ar", "ارتش ": "fa", "An En": "en"}
    arabic = ArticlePage.objects.get(locale__language_code="ar")
    assert arabic.slug == "الجيش"
    assert arabic.url.startswith("/ar/")
    assert reader().get(arabic.url).status_code == 200
    # Its old, percent-encoded address leads to it too.
    response = reader().get("/2024/03/01/%D8%A7%D9%84%D8%AC%D9%8A%D8%B4/")
    assert (response.status_code, response["Location"]) == (301, arabic.url)


def test_archives_and_feeds_of_the_old_site_redirect(export_file):
    run_import(
        export_file(
            post(1, "Tagged", extra='<category domain="post_tag" nicename="syria"><![CDATA[Syria]]></category>')
        )
    )
    client = reader()
    section = SectionPage.objects.get(slug="news")
    author = AuthorPage.objects.get(title="Jane Reporter")
    expected = {
        "/category/news/": section.url,
        "/?cat=3": section.url,
        "/tag/syria/": "/tags/syria/",
        "/author/jane/": author.url,
        "/?author=7": author.url,
        "/feed/": "/feeds/rss/",
        "/category/news/feed/": "/feeds/sections/news/rss/",
        "/tag/syria/feed/": "/feeds/tags/syria/rss/",
        "/2024/03/01/post-1/feed/": ArticlePage.objects.get().url,
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (old, response.status_code, response["Location"]) == (old, 301, new)
    assert client.get(expected["/tag/syria/"]).status_code == 200


def test_old_versions_of_the_format(export_file):
    for version in ("1.0", "1.1"):
        run_import(
            export_file(post(10 + int(version[-1]), f"Version {version}"), version=version, name=f"{version}.xml")
        )
    assert set(ArticlePage.objects.values_list("title", flat=True)) == {"Version 1.0", "Version 1.1"}


def test_media_from_the_uploads_folder(export_file, tmp_path):
    from PIL import Image

    uploads = tmp_path / "uploads"
    (uploads / "2024" / "03").mkdir(parents=True)
    Image.new("RGB", (40, 30), "navy").save(uploads / "2024" / "03" / "photo.jpg")
    attachment = """<item><title>A photo</title><link>https://gazette.example/photo/</link>
      <wp:post_id>50</wp:post_id><wp:post_date>2024-03-01 09:00:00</wp:post_date>
      <wp:post_date_gmt>2024-03-01 09:00:00</wp:post_date_gmt><wp:status>inherit</wp:status>
      <wp:post_type>attachment</wp:post_type><wp:post_parent>1</wp:post_parent>
      <wp:attachment_url>https://gazette.example/wp-content/uploads/2024/03/photo.jpg</wp:attachment_url>
      <wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2024/03/photo.jpg</wp:meta_value></wp:postmeta>
      <wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
        <wp:meta_value>Boats at dawn</wp:meta_value></wp:postmeta>
    </item>"""
    missing = attachment.replace("50<", "51<").replace("photo.jpg", "gone.jpg")
    (uploads / "2024" / "03" / "notes.pdf").write_bytes(b"%PDF-1.4 not an image")
    document = attachment.replace("50<", "52<").replace("photo.jpg", "notes.pdf")
    (uploads / "2024" / "03" / "fake.jpg").write_bytes(b"not a jpeg at all")
    damaged = attachment.replace("50<", "53<").replace("photo.jpg", "fake.jpg")
    thumbnail = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta>"
    body = '<p>See:</p><img src="https://gazette.example/wp-content/uploads/2024/03/photo-300x200.jpg" alt="">'
    # The post comes before its attachment, as in most exports.
    report = run_import(
        export_file(post(1, "Pictured", extra=thumbnail, body=body), attachment, missing, document, damaged),
        "--media-dir",
        str(uploads),
    )
    story = ArticlePage.objects.get()
    assert story.hero_image is not None and story.hero_alt == "Boats at dawn"
    assert [block.block_type for block in story.body] == ["paragraph", "image"]
    assert "2024/03/gone.jpg" in report
    # A document, or a file that only says it is an image, is left out and counted; the rest goes on.
    assert "2  attachments that are not images" in report
    assert NewsImage.objects.count() == 1


def test_links_to_the_old_sites_posts_lead_to_the_new_pages(export_file):
    earlier = "https://gazette.example/2024/03/01/post-1/"
    later = "https://gazette.example/2024/03/01/post-3/"
    body = f'<p>See <a href="{earlier}">the first</a>, <a href="{later}">the third</a> and <a href="https://elsewhere.example/">elsewhere</a>.</p>'
    run_import(export_file(post(1, "First"), post(2, "Linking", body=body), post(3, "Third")))
    paragraph = ArticlePage.objects.get(title="Linking").body[0].value.source
    first, third = ArticlePage.objects.get(title="First"), ArticlePage.objects.get(title="Third")
    # Links to pages, which follow them if they move: to a post before it
    # in the file, and to one after it (made a page link at the end).
    assert f'<a id="{first.pk}" linktype="page">the first</a>' in paragraph
    assert f'<a id="{third.pk}" linktype="page">the third</a>' in paragraph
    assert '<a href="https://elsewhere.example/">elsewhere</a>' in paragraph
    page = reader().get(ArticlePage.objects.get(title="Linking").url).content.decode()
    assert f'href="{first.url}"' in page
    response = reader().get("/2024/03/01/post-3/")
    assert (response.status_code, response["Location"]) == (301, ArticlePage.objects.get(title="Third").url)


def test_imported_pages_are_an_editors_pages(theme_unit_test_import, client):
    assert Page.find_problems() == ([], [], [], [], [])
    for section in SectionPage.objects.all():
        assert section.numchild == section.get_children().count()

    history = lambda page: list(  # noqa: E731
        PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", flat=True)
    )
    published = ArticlePage.objects.get(slug="template-comments")
    assert history(published) == ["wagtail.create", "wagtail.publish"]
    assert published.live_revision_id == published.latest_revision_id
    assert published.live_revision.as_object().title == published.title
    assert history(ArticlePage.objects.get(title="Draft")) == ["wagtail.create"]
    scheduled = ArticlePage.objects.get(title="Scheduled")
    assert history(scheduled) == ["wagtail.create", "wagtail.publish.schedule"]

    client.force_login(get_user_model().objects.create_superuser("editor", password="pw"))
    for page in [*ArticlePage.objects.all()[::6], *StandardPage.objects.all()[::6], scheduled]:
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page.title
        assert page.title.split()[0] in response.content.decode()

    # The worker publishes the scheduled post at its time, and then its old address leads to it.
    with time_machine.travel(datetime(2030, 1, 1, 19, 1, tzinfo=UTC)):
        call_command("publish_scheduled", verbosity=0)
    scheduled.refresh_from_db()
    assert scheduled.live
    response = reader().get("/?p=1153")
    assert (response.status_code, response["Location"]) == (301, scheduled.url)


def test_old_address_lookups_take_any_address(export_file):
    run_import(export_file(post(1, "First")))
    client = reader()
    for address in ("/%2500/", "/?p=%00", "/?p=%2500", "/%ED%A0%80/", "/" + "x" * 3000 + "/", "/?cat=&tag=&p="):
        assert client.get(address).status_code in (200, 404), address


def test_an_item_listed_twice_is_imported_once(export_file):
    report = run_import(export_file(post(1, "First"), post(1, "First, again"), post(2, "Second")))
    assert sorted(ArticlePage.objects.values_list("title", flat=True)) == ["First", "Second"]
    assert "items listed twice" in report
