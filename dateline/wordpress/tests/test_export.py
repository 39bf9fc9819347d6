"""`dateline export-wordpress`: the site as a WordPress export (WXR 1.2),
read back with lxml and checked against the database and against what
WordPress's importer (WXR_Parser_SimpleXML) requires."""

import re
from collections import Counter
from datetime import UTC, timedelta
from io import StringIO
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from taggit.models import Tag
from wagtail.models import Locale, PageViewRestriction

from dateline.articles.models import ArticlePage, ArticleTag, AuthorPage, HomePage, SectionPage
from dateline.articles.tests.factories import ArticlePageFactory
from dateline.comments.models import Comment
from dateline.core.links import absolute
from dateline.core.models import StandardPage
from dateline.demo.synthetic import synthetic_articles_create
from dateline.wordpress import exporter
from dateline.wordpress.exporter import ATTACHMENT_IDS, NAMESPACES, export, wordpress_slug

WP = "{http://wordpress.org/export/1.2/}"
NS = {
    "wp": NAMESPACES["wp"],
    "content": NAMESPACES["content"],
    "excerpt": NAMESPACES["excerpt"],
    "dc": NAMESPACES["dc"],
}


class Export:
    """An export, written and parsed."""

    def __init__(self, path, report):
        self.path = path
        self.report = report
        self.raw = path.read_bytes()
        self.text = self.raw.decode("utf-8")
        self.root = etree.fromstring(self.raw, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
        self.channel = self.root.find("channel")

    def items(self, post_type=None):
        items = self.channel.findall("item")
        return [item for item in items if post_type is None or wp(item, "post_type") == post_type]

    def item(self, wp_id):
        (found,) = [item for item in self.items() if wp(item, "post_id") == str(wp_id)]
        return found


def wp(element, name):
    return element.findtext(f"{WP}{name}")


def content(item):
    return item.findtext("content:encoded", namespaces=NS)


def comments_of(item):
    return item.findall(f"{WP}comment")


def run_export(tmp_path, name="export.xml", **options):
    path = tmp_path / name
    return Export(path, export(path, **options))


# The whole site, once each ---------------------------------------------------


def test_the_demo_site_exports_every_story_page_section_tag_and_author_once(demo_site, tmp_path):
    out = run_export(tmp_path)

    posts = out.items("post")
    assert Counter(int(wp(item, "post_id")) for item in posts) == Counter(
        ArticlePage.objects.values_list("pk", flat=True)
    )
    pages = out.items("page")
    assert Counter(int(wp(item, "post_id")) for item in pages) == Counter(
        StandardPage.objects.values_list("pk", flat=True)
    )
    # Every edition: English, Arabic and Farsi stories and pages.
    assert {locale.language_code for locale in Locale.objects.all()} >= {"en", "ar", "fa"}
    assert len(posts) == ArticlePage.objects.count() >= 6

    categories = out.channel.findall(f"{WP}category")
    assert Counter(int(wp(c, "term_id")) for c in categories) == Counter(
        SectionPage.objects.values_list("pk", flat=True)
    )
    assert len({wp(c, "category_nicename") for c in categories}) == len(categories)

    tags = out.channel.findall(f"{WP}tag")
    used = Tag.objects.filter(pk__in=ArticleTag.objects.values("tag_id"))
    assert sorted(wp(t, "tag_name") for t in tags) == sorted(used.values_list("name", flat=True))

    authors = out.channel.findall(f"{WP}author")
    assert Counter(int(wp(a, "author_id")) for a in authors) == Counter(AuthorPage.objects.values_list("pk", flat=True))
    logins = [wp(a, "author_login") for a in authors]
    assert len(set(logins)) == len(logins)
    # Logins WordPress can make users of (sanitize_user, strict): Arabic and
    # Farsi author pages get their English version's slug and their language.
    assert all(re.fullmatch(r"[a-z0-9_.@-]+", login) for login in logins)
    assert {"staff", "staff-ar", "staff-fa"} <= set(logins)
    assert all(a.findtext(f"{WP}author_email") == "" for a in authors)

    assert out.report.counts["post"] == len(posts)
    assert out.report.counts["page"] == len(pages)
    assert out.report.counts["category"] == len(categories)
    assert out.report.counts["author"] == len(authors)
    assert out.report.counts["tag"] == len(tags)


def test_the_full_site_exports_every_comment_once_and_threads_stay_in_their_story(full_site, tmp_path):
    out = run_export(tmp_path)
    exported = [(int(wp(item, "post_id")), comment) for item in out.items() for comment in comments_of(item)]
    assert Counter(int(wp(c, "comment_id")) for _, c in exported) == Counter(
        Comment.objects.values_list("pk", flat=True)
    )
    assert out.report.counts["comment"] == Comment.objects.count() == 6
    for item in out.items():
        ids = [int(wp(c, "comment_id")) for c in comments_of(item)]
        parents = [int(wp(c, "comment_parent")) for c in comments_of(item)]
        for comment_id, parent in zip(ids, parents, strict=True):
            # A reply's parent is in the same story, before it (WordPress's importer inserts them in id order).
            assert parent == 0 or (parent in ids and parent < comment_id)
    for comment in Comment.objects.all():
        item = out.item(comment.article_id)
        (element,) = [c for c in comments_of(item) if wp(c, "comment_id") == str(comment.pk)]
        assert wp(element, "comment_parent") == str(comment.parent_id or 0)
        assert wp(element, "comment_content") == comment.body
        assert wp(element, "comment_author") == comment.name
        assert wp(element, "comment_author_url") == comment.website
        assert wp(element, "comment_approved") == "1"
        assert wp(element, "comment_type") == "comment"
        assert wp(element, "comment_user_id") == "0"
    # Oldest first.
    feature = out.item(full_site.feature.pk)
    assert [int(wp(c, "comment_id")) for c in comments_of(feature)] == list(
        Comment.objects.filter(article=full_site.feature).order_by("submitted_at", "pk").values_list("pk", flat=True)
    )


# What WordPress's importer requires -----------------------------------------


def test_the_file_has_what_wordpress_importer_requires(full_site, tmp_path):
    out = run_export(tmp_path)
    assert out.text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    assert out.root.tag == "rss" and out.root.get("version") == "2.0"
    # WordPress 6's namespaces, exactly.
    assert out.root.nsmap == {
        "excerpt": "http://wordpress.org/export/1.2/excerpt/",
        "content": "http://purl.org/rss/1.0/modules/content/",
        "wfw": "http://wellformedweb.org/CommentAPI/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "wp": "http://wordpress.org/export/1.2/",
    }
    # WXR_Parser_SimpleXML: /rss/channel/wp:wxr_version, matching /^\d+\.\d+$/, and the base URLs.
    (version,) = out.root.xpath("/rss/channel/wp:wxr_version", namespaces=NS)
    assert re.fullmatch(r"\d+\.\d+", version.text.strip()) and version.text == "1.2"
    base_url = settings.DATELINE_BASE_URL.rstrip("/")
    assert out.root.xpath("/rss/channel/wp:base_site_url/text()", namespaces=NS) == [base_url]
    assert out.root.xpath("/rss/channel/wp:base_blog_url/text()", namespaces=NS) == [base_url]
    assert out.channel.findtext("link") == base_url
    assert out.channel.findtext("title") == "Dateline"
    assert out.channel.findtext("language") == settings.LANGUAGE_CODE
    # The channel's parts in WordPress's order: head, authors, categories, tags, items.
    order = [etree.QName(child).localname for child in out.channel]
    assert order.index("wxr_version") < order.index("author") < order.index("category") < order.index("tag")
    assert max(i for i, name in enumerate(order) if name != "item") < order.index("item")

    logins = {wp(a, "author_login") for a in out.channel.findall(f"{WP}author")}
    nicenames = {wp(c, "category_nicename") for c in out.channel.findall(f"{WP}category")}
    tag_slugs = {wp(t, "tag_slug") for t in out.channel.findall(f"{WP}tag")}
    ids = [wp(item, "post_id") for item in out.items()]
    assert len(set(ids)) == len(ids)
    for item in out.items():
        for name in ("post_id", "post_type", "status", "post_date", "post_date_gmt", "post_name", "post_parent"):
            assert item.find(f"{WP}{name}") is not None, (name, item.findtext("title"))
        assert int(wp(item, "post_id")) > 0
        assert wp(item, "post_type") in {"post", "page", "attachment"}
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", wp(item, "post_date"))
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext("dc:creator", namespaces=NS) in logins
        for category in item.findall("category"):
            assert list(category.attrib) == ["domain", "nicename"]  # the order WXR_Parser_Regex reads
            known = nicenames if category.get("domain") == "category" else tag_slugs
            assert category.get("nicename") in known
        for meta in item.findall(f"{WP}postmeta"):
            if wp(meta, "meta_key") == "_thumbnail_id":
                assert wp(out.item(wp(meta, "meta_value")), "post_type") == "attachment"
    # Each category's parent is listed before it.
    seen = set()
    for category in out.channel.findall(f"{WP}category"):
        assert wp(category, "category_parent") in seen | {""}
        seen.add(wp(category, "category_nicename"))


def test_the_full_story_becomes_wordpress_html_with_its_images_as_attachments(full_site, tmp_path):
    out = run_export(tmp_path)
    feature = full_site.feature
    item = out.item(feature.pk)
    assert item.findtext("title") == feature.title
    assert item.findtext("link") == absolute(feature.url)
    assert item.findtext("guid") == f"{settings.DATELINE_BASE_URL.rstrip('/')}/?p={feature.pk}"
    assert item.findtext("excerpt:encoded", namespaces=NS) == feature.standfirst
    assert item.findtext("dc:creator", namespaces=NS) == "rania-haddad"  # the first byline
    assert wp(item, "comment_status") == "open" and wp(item, "ping_status") == "closed"
    assert wp(item, "status") == "publish" and wp(item, "post_type") == "post"
    assert wp(item, "post_date_gmt") == feature.first_published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    filed = [(c.get("domain"), c.get("nicename"), c.text) for c in item.findall("category")]
    assert filed == [
        ("category", "middle-east", "Middle East"),
        ("post_tag", "deir-ezzur", "Deir Ezzur"),
        ("post_tag", "aid", "Aid"),
    ]

    html = content(item)
    warehouse = feature.body[2].value["image"]
    assert (
        f'<figure class="wp-block-image"><img src="{absolute(warehouse.file.url)}" alt="Boxes stacked in a warehouse" '
        f'class="wp-image-{ATTACHMENT_IDS + warehouse.pk}"/><figcaption>Supplies <span class="credit">Dateline / Test'
        in html
    )
    assert (
        '<blockquote class="wp-block-quote"><p>We have waited a long time.</p><cite>A resident</cite></blockquote>'
        in html
    )
    # An embed is its URL alone on a line, for WordPress to embed.
    assert "\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n" in html
    assert "<template>" not in html and "youtube-nocookie" not in html
    assert "<h2>What happens next</h2>" in html
    # Corrections and updates lead, as in the feeds.
    assert html.index("not Saturday") < html.index("The first convoy")

    meta = {wp(m, "meta_key"): wp(m, "meta_value") for m in item.findall(f"{WP}postmeta")}
    hero = feature.hero_image
    assert meta["_thumbnail_id"] == str(ATTACHMENT_IDS + hero.pk)
    attachments = out.items("attachment")
    assert sorted(int(wp(a, "post_id")) for a in attachments) == [
        ATTACHMENT_IDS + hero.pk,
        ATTACHMENT_IDS + warehouse.pk,
    ]
    assert out.report.counts["attachment"] == 2
    attachment = out.item(ATTACHMENT_IDS + hero.pk)
    assert wp(attachment, "status") == "inherit"
    assert wp(attachment, "attachment_url") == absolute(hero.file.url)
    assert wp(attachment, "post_parent") == str(feature.pk)
    attachment_meta = {wp(m, "meta_key"): wp(m, "meta_value") for m in attachment.findall(f"{WP}postmeta")}
    assert attachment_meta == {
        "_wp_attached_file": hero.file.name,
        "_wp_attachment_image_alt": "A line of white trucks on a desert road",
    }
    assert hero.file.name.startswith("original_images/")


def test_a_live_story_is_its_body_then_its_updates_with_times_and_headlines(demo_site, tmp_path):
    out = run_export(tmp_path)
    story = demo_site.live_story
    item = out.item(story.pk)
    assert wp(item, "post_type") == "post"
    html = content(item)
    updates = list(story.updates.order_by("-posted_at", "-pk"))
    assert updates
    positions = [html.index(f'id="update-{update.pk}"') for update in updates]
    assert positions == sorted(positions)  # newest first, as on the page
    assert html.index("<h2>Live updates</h2>") < positions[0]
    for update in updates:
        assert f'<time datetime="{update.posted_at.isoformat(timespec="seconds")}">' in html
        if update.headline:
            assert f"<h3>{update.headline}</h3>" in html.replace("&#x27;", "'")


def test_page_links_in_rich_text_are_absolute_addresses(demo_site, tmp_path):
    linked = demo_site.article
    story = ArticlePageFactory(
        parent=demo_site.sections["Middle East"],
        title="Linking story",
        body=[("paragraph", f'<p>See <a linktype="page" id="{linked.pk}">the earlier report</a>.</p>')],
        authors=[demo_site.staff],
    )
    html = content(run_export(tmp_path).item(story.pk))
    assert f'<a href="{absolute(linked.url)}">the earlier report</a>' in html


# Statuses ---------------------------------------------------------------------


def test_drafts_scheduled_and_unpublished_stories_keep_their_state(demo_site, tmp_path):
    section = demo_site.sections["Middle East"]
    draft = ArticlePageFactory(
        parent=section,
        title="Draft story",
        live=False,
        first_published_at=None,
        publish=False,
        authors=[demo_site.staff],
    )
    draft.title = "Draft story, rewritten"
    draft.standfirst = "Only in the latest revision."
    draft.save_revision()
    go_live = timezone.now() + timedelta(days=2)
    scheduled = ArticlePageFactory.build(
        title="Embargoed report", live=False, go_live_at=go_live, first_published_at=None, authors=[demo_site.staff]
    )
    section.add_child(instance=scheduled)
    scheduled.save_revision().publish()  # approved, waiting for its time
    withdrawn = ArticlePageFactory(parent=section, title="Withdrawn story", authors=[demo_site.staff])
    withdrawn.unpublish()

    out = run_export(tmp_path)
    item = out.item(draft.pk)
    assert wp(item, "status") == "draft"
    assert item.findtext("title") == "Draft story, rewritten"
    assert item.findtext("excerpt:encoded", namespaces=NS) == "Only in the latest revision."
    assert wp(item, "post_date_gmt") == "0000-00-00 00:00:00"  # never published: WordPress's floating date
    assert wp(item, "post_date") != "0000-00-00 00:00:00"
    assert item.find("pubDate") is None
    assert item.findtext("dc:creator", namespaces=NS) == "staff"
    assert [c.get("nicename") for c in item.findall("category")] == ["middle-east"]

    item = out.item(scheduled.pk)
    assert wp(item, "status") == "future"
    assert wp(item, "post_date_gmt") == go_live.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert item.findtext("title") == "Embargoed report"

    item = out.item(withdrawn.pk)
    assert wp(item, "status") == "draft"
    assert wp(item, "post_date_gmt") != "0000-00-00 00:00:00"

    assert wp(out.item(demo_site.article.pk), "status") == "publish"
    assert out.report.statuses["draft"] == 2 and out.report.statuses["future"] == 1


def test_the_front_pages_lead_story_is_sticky(demo_site, tmp_path):
    HomePage.objects.filter(pk=demo_site.home.pk).update(lead_article=demo_site.article)
    out = run_export(tmp_path)
    sticky = [int(wp(item, "post_id")) for item in out.items() if wp(item, "is_sticky") == "1"]
    assert sticky == [demo_site.article.pk]


def test_a_password_protected_page_is_left_out_unless_private_data_is_included(demo_site, tmp_path):
    privacy = StandardPage.objects.get(slug="privacy", locale__language_code=settings.LANGUAGE_CODE)
    PageViewRestriction.objects.create(page=privacy, restriction_type=PageViewRestriction.PASSWORD, password="s3cret")
    # A restriction on a section covers its stories.
    PageViewRestriction.objects.create(
        page=demo_site.sections["Middle East"], restriction_type=PageViewRestriction.PASSWORD, password="embargo"
    )
    demo_site.article.refresh_from_db()
    assert demo_site.article.get_parent().pk == demo_site.sections["Middle East"].pk

    public = run_export(tmp_path, "public.xml")
    item = public.item(privacy.pk)
    assert wp(item, "status") == "private"
    assert content(item) == "" and wp(item, "post_password") == ""
    assert item.findtext("title") == privacy.title
    assert "s3cret" not in public.text and "embargo" not in public.text
    story = public.item(demo_site.article.pk)
    assert wp(story, "status") == "private" and content(story) == ""
    assert story.findtext("excerpt:encoded", namespaces=NS) == ""

    private = run_export(tmp_path, "private.xml", include_private=True)
    item = private.item(privacy.pk)
    assert wp(item, "status") == "publish"
    assert wp(item, "post_password") == "s3cret"
    assert "<h2>" in content(item) or content(item)
    story = private.item(demo_site.article.pk)
    assert wp(story, "status") == "publish" and wp(story, "post_password") == "embargo"
    assert content(story)


# Private data ---------------------------------------------------------------


def _commenters(full_site):
    Comment.objects.filter(article=full_site.feature).update(ip_address="203.0.113.77")
    Comment.objects.create(
        article=full_site.sponsored,
        name="Pending Reader",
        email="pending.reader@example.net",
        body="Waiting for a moderator.",
        ip_address="2001:db8::42",
        status=Comment.Status.PENDING,
    )
    return list(Comment.objects.values_list("email", flat=True)), ["203.0.113.77", "2001:db8::42"]


def test_no_email_or_ip_address_leaves_without_include_private(full_site, tmp_path):
    emails, addresses = _commenters(full_site)
    out = run_export(tmp_path)
    assert len(emails) == Comment.objects.count()
    for secret in emails + addresses:
        assert secret not in out.text
    for item in out.items():
        for comment in comments_of(item):
            assert wp(comment, "comment_author_email") == "" and wp(comment, "comment_author_IP") == ""


def test_emails_and_ip_addresses_are_exported_with_include_private(full_site, tmp_path):
    emails, addresses = _commenters(full_site)
    out = run_export(tmp_path, include_private=True)
    for secret in emails + addresses:
        assert secret in out.text
    pending = Comment.objects.get(name="Pending Reader")
    (element,) = [c for c in comments_of(out.item(full_site.sponsored.pk)) if wp(c, "comment_id") == str(pending.pk)]
    assert wp(element, "comment_author_email") == "pending.reader@example.net"
    assert wp(element, "comment_author_IP") == "2001:db8::42"


def test_comment_statuses_erased_comments_and_staff_replies(full_site, tmp_path, django_user_model):
    article = full_site.sponsored
    editor = django_user_model.objects.create_user("editor", "editor@example.org", "x")
    erased = Comment.objects.create(
        article=article, name="", email="", body="", status=Comment.Status.APPROVED, erased_at=timezone.now()
    )
    staff = Comment.objects.create(
        article=article,
        parent=erased,
        thread_root=erased,
        depth=1,
        name="The newsroom",
        email="editor@example.org",
        body="Thanks.",
        status=Comment.Status.APPROVED,
        staff_author=editor,
    )
    kinds = {
        Comment.Status.PENDING: "0",
        Comment.Status.SPAM: "spam",
        Comment.Status.TRASH: "trash",
    }
    held = {
        status: Comment.objects.create(article=article, name=status, email="x@example.org", body=status, status=status)
        for status in kinds
    }
    out = run_export(tmp_path, include_private=True)
    by_id = {int(wp(c, "comment_id")): c for c in comments_of(out.item(article.pk))}

    placeholder = by_id[erased.pk]
    assert wp(placeholder, "comment_content") == "This comment was removed at its author’s request."
    assert wp(placeholder, "comment_author") == "" and wp(placeholder, "comment_author_email") == ""
    assert wp(by_id[staff.pk], "comment_parent") == str(erased.pk)
    meta = by_id[staff.pk].find(f"{WP}commentmeta")
    assert (wp(meta, "meta_key"), wp(meta, "meta_value")) == ("dateline_staff", "1")
    for status, approved in kinds.items():
        assert wp(by_id[held[status].pk], "comment_approved") == approved


def test_cdata_terminators_in_text_survive(full_site, tmp_path):
    body = "Close it early: ]]> and <b>bold</b> & done ]]]]>."
    comment = Comment.objects.create(
        article=full_site.feature, name="Tricky ]]> name", email="t@example.org", body=body, status="approved"
    )
    ArticlePage.objects.filter(pk=full_site.sponsored.pk).update(standfirst="A ]]> in the standfirst")
    out = run_export(tmp_path)
    (element,) = [c for c in comments_of(out.item(full_site.feature.pk)) if wp(c, "comment_id") == str(comment.pk)]
    assert wp(element, "comment_content") == body
    assert wp(element, "comment_author") == "Tricky ]]> name"
    assert out.item(full_site.sponsored.pk).findtext("excerpt:encoded", namespaces=NS) == "A ]]> in the standfirst"
    # Split as WordPress's wxr_cdata does.
    assert "<![CDATA[Close it early: ]]]]><![CDATA[> and <b>bold</b> & done ]]]]]]><![CDATA[>.]]>" in out.text


# Other editions -------------------------------------------------------------


def test_arabic_titles_and_slugs_survive(demo_site, tmp_path):
    out = run_export(tmp_path)
    arabic = Locale.objects.get(language_code="ar")
    story = demo_site.article.get_translation(arabic)
    item = out.item(story.pk)
    assert item.findtext("title") == story.title
    post_name = wp(item, "post_name")
    # Percent-encoded in lower-case hex, as WordPress stores it, and whole:
    # it decodes back (WordPress's importer cuts it to its 200 bytes itself).
    assert re.fullmatch(r"(?:%[0-9a-f]{2}|[a-z0-9-])+", post_name)
    assert unquote(post_name) == story.slug
    assert len(post_name) > 200
    assert post_name == wordpress_slug(story.slug)
    assert unquote(item.findtext("link")).endswith(f"/{story.slug}/")
    assert unquote(item.findtext("link")).startswith(f"{settings.DATELINE_BASE_URL.rstrip('/')}/ar/")

    # A short slug decodes back whole.
    section = demo_site.sections["Middle East"].get_translation(arabic)
    (category,) = [c for c in out.channel.findall(f"{WP}category") if wp(c, "term_id") == str(section.pk)]
    assert unquote(wp(category, "category_nicename")) == section.slug == "الشرق-الأوسط"
    assert wp(category, "cat_name") == section.title
    nicenames = [c.get("nicename") for c in item.findall("category") if c.get("domain") == "category"]
    assert wp(category, "category_nicename") in nicenames


def test_wordpress_slugs():
    assert wordpress_slug("middle-east") == "middle-east"
    assert wordpress_slug("أخرى") == "%d8%a3%d8%ae%d8%b1%d9%89"
    long = "ب" * 40
    assert wordpress_slug(long) == "%d8%a8" * 40
    assert wordpress_slug(long, limit=200) == "%d8%a8" * 33  # cut at a whole character
    assert unquote(wordpress_slug("دير-الزور")) == "دير-الزور"


# Streaming ------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_stories(full_site, tmp_path):
    synthetic_articles_create(count=3)
    export(tmp_path / "warm-up.xml")
    with CaptureQueriesContext(connection) as few:
        small = export(tmp_path / "small.xml")
    synthetic_articles_create(count=27)
    with CaptureQueriesContext(connection) as many:
        large = export(tmp_path / "large.xml")
    assert large.counts["post"] == small.counts["post"] + 27
    assert len(many) == len(few) <= 20, "\n".join(query["sql"][:150] for query in many.captured_queries)


def test_a_small_chunk_size_writes_the_same_file(full_site, tmp_path):
    def body(path):
        text = path.read_text()
        text = re.sub(r'created="[^"]*"', "", text)
        return re.sub(r"<pubDate>[^<]*</pubDate>", "", text, count=1)  # the channel's: now

    timezone_now = timezone.now()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: timezone_now)
        export(tmp_path / "one-chunk.xml")
        export(tmp_path / "chunks.xml", chunk_size=4)
    assert body(tmp_path / "chunks.xml") == body(tmp_path / "one-chunk.xml")


# The command ----------------------------------------------------------------


def test_the_command_writes_the_file_and_says_what_it_holds(demo_site, tmp_path):
    path = tmp_path / "site.xml"
    out = StringIO()
    call_command("export_wordpress", str(path), stdout=out)
    printed = out.getvalue()
    assert f"{ArticlePage.objects.count()} posts" in printed
    assert f"{StandardPage.objects.count()} pages" in printed
    assert f"written to {path}" in printed
    assert etree.parse(str(path)).getroot().tag == "rss"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.xml"]  # no temporary file left


def test_the_command_includes_private_data_only_when_asked(full_site, tmp_path):
    path = tmp_path / "site.xml"
    call_command("export_wordpress", str(path), "--include-private", stdout=StringIO())
    assert "commenter0@example.org" in path.read_text()


def test_a_dry_run_writes_nothing(demo_site, tmp_path):
    out = StringIO()
    call_command("export_wordpress", str(tmp_path / "site.xml"), "--dry-run", stdout=out)
    assert "posts" in out.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_half_file(demo_site, tmp_path, monkeypatch):
    path = tmp_path / "site.xml"
    path.write_text("the previous export")

    def broken(self):
        yield from ()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exporter._Export, "_attachments", broken)
    with pytest.raises(RuntimeError):
        call_command("export_wordpress", str(path), stdout=StringIO())
    assert path.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.xml"]


def test_a_missing_folder_is_a_command_error(demo_site, tmp_path):
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("export_wordpress", str(tmp_path / "no-such-folder" / "site.xml"), stdout=StringIO())
