"""The whole site as a WordPress export (WXR 1.2), for WordPress's own
importer (the "WordPress Importer" plugin) or Dateline's (importer.py).

`export(path)` writes what WordPress 6's Tools › Export writes, in its
order: the channel, one `wp:author` per author page, one `wp:category` per
section (every edition's, parents first), one `wp:tag` per tag in use, then
an `item` per information page (post type "page"), per story (post type
"post", live stories too) and per library image a story shows (post type
"attachment").

How Dateline's things become WordPress's:

- Ids. WordPress keeps posts, pages and attachments in one table, so an
  item's `wp:post_id` is the page's own id for pages and stories (Wagtail's
  page ids are already one sequence) and ATTACHMENT_IDS + the image's id for
  attachments, which no page id reaches. Terms are one table too: a
  section's term id is its page id, a tag's TAG_TERM_IDS + the tag's id.
  Comments keep their ids; a reply's `comment_parent` is its parent's id.
- Names. Slugs are written as WordPress stores them: non-ASCII characters
  percent-encoded in lower-case hex. They are written whole, so they decode
  back to Dateline's slug; WordPress's importer cuts one longer than its
  200-byte slug columns as its sanitize_title cuts any (a long Arabic
  headline's slug is longer). Section slugs may repeat across editions;
  WordPress would merge two categories of one slug, so a later edition's
  repeat gets its language code added ("middle-east-ar"). Author logins are the author page's slug where
  WordPress accepts it as a user name (ASCII letters, digits, "_.@-") and
  no other author has it; otherwise the default edition's version's slug
  plus the language code ("staff-ar"), else "author-<id>".
- Statuses. Live → publish; never published or unpublished (or expired) →
  draft, with the latest revision's words, and a zero GMT date when it was
  never published, as WordPress writes drafts; an approved revision
  scheduled for a later time → future, dated then, with that revision's
  words. A page behind a view restriction (its own or an ancestor's)
  keeps its title, address and filing either way. With include_private, a
  password restriction is WordPress's post password (status publish), a
  login or group restriction status private, both with their words and
  comments. Without it, restricted pages are exported as status private
  with no content, excerpt, featured image or comments: the file may be
  handed to people the site's readers could not be.
- Comments. Oldest first, every status (approved 1, pending 0, spam, trash).
  Emails and IP addresses only with include_private. A comment erased at
  its author's request is the placeholder the page shows, in the story's
  language, with no name, email, address or website. Users are not
  exported, so comment_user_id is 0; a staff reply (Comment.staff_author)
  carries the comment meta `dateline_staff` = 1.
- Content. Rich text as readers see it, with absolute links; an image
  block as `<figure><img src="<original file>" class="wp-image-<id>">`
  with its caption and credit; a quote as `<blockquote><p>…</p><cite>…`;
  an embed as its URL alone on a line (WordPress embeds it). Corrections
  and updates (ArticleNote) lead the story, as in the feeds; a live story's
  updates follow its body, newest first as on its page, each with its time,
  headline and author. The hero image is the featured image
  (`_thumbnail_id`).
- Attachments: `wp:attachment_url` is the original file's absolute URL,
  `_wp_attached_file` its path under MEDIA_ROOT ("original_images/x.jpg"),
  so `dateline import-wordpress --media-dir=<MEDIA_ROOT>` finds the files.
  Alt text is the image's own description, else the alt of the first use;
  the caption (excerpt) is that use's caption, the description (content)
  the image's credit; post_parent is the first story that shows it.

It streams: lxml's incremental writer, the pages read in chunks
(`iterator(chunk_size=…)`), and what each chunk shows (bylines, tags,
sections, notes, comments, live updates, images, linked pages, revisions of
drafts) loaded in one query per kind per chunk. The number of queries
grows with the number of chunks, not of stories. The file is written beside
its name and renamed when complete.
"""

import contextlib
import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import format_datetime
from html import escape
from itertools import islice
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.utils.formats import date_format
from django.utils.translation import gettext
from lxml import etree
from taggit.models import Tag
from wagtail.models import Locale, Page, PageViewRestriction, Revision, Site
from wagtail.rich_text import features
from wagtail.rich_text.rewriters import FIND_A_TAG, EmbedRewriter, LinkRewriter, MultiRuleRewriter, extract_attrs

from dateline.articles.models import (
    ArticleByline,
    ArticleNote,
    ArticlePage,
    ArticleTag,
    AuthorPage,
    HomePage,
    SectionPage,
)
from dateline.comments.models import Comment
from dateline.core.links import absolute, absolute_html
from dateline.core.models import StandardPage
from dateline.editions.lookups import Edition
from dateline.live.models import LiveStoryPage, LiveUpdate
from dateline.newsroom.models import BrandingSettings, NewsImage

WXR_VERSION = "1.2"
WP = "http://wordpress.org/export/1.2/"
EXCERPT = "http://wordpress.org/export/1.2/excerpt/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
WFW = "http://wellformedweb.org/CommentAPI/"
DC = "http://purl.org/dc/elements/1.1/"
NAMESPACES = {"excerpt": EXCERPT, "content": CONTENT, "wfw": WFW, "dc": DC, "wp": WP}

# Attachments' post ids and tags' term ids start here, above any page id.
ATTACHMENT_IDS = 1_000_000_000
TAG_TERM_IDS = 1_000_000_000

CHUNK_SIZE = 500
# WordPress's user_login column.
LOGIN_LENGTH = 60
# What WordPress's sanitize_user(…, strict=true) keeps of a user name.
WORDPRESS_LOGIN = re.compile(r"^[A-Za-z0-9 _.@-]+$")
NO_DATE = "0000-00-00 00:00:00"
# Characters XML 1.0 cannot hold (lxml refuses them): dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by Dateline as an export of its site. -->
<!-- It contains the site's stories, pages, comments, sections, tags and the images its stories show. -->
<!-- Import it with WordPress's "WordPress Importer" (Tools: Import), or with `dateline import-wordpress`. -->
<!-- generator="Dateline" created="{created}" -->
"""


@dataclass
class ExportReport:
    """What an export wrote, by kind (author, category, tag, page, post,
    attachment, comment), and the posts' and pages' statuses."""

    path: Path | None = None
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    include_private: bool = False

    def lines(self):
        kinds = {
            "post": "posts",
            "page": "pages",
            "attachment": "attachments",
            "comment": "comments",
            "author": "authors",
            "category": "categories",
            "tag": "tags",
        }
        yield ", ".join(
            f"{self.counts[kind]} {kind if self.counts[kind] == 1 else plural}" for kind, plural in kinds.items()
        )
        if self.statuses:
            yield "statuses: " + ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        if not self.include_private:
            yield "left out: commenters' emails and IP addresses, restricted pages' words (see --include-private)"
        if self.path is not None:
            yield f"written to {self.path}"


def export(out, *, include_private=False, chunk_size=CHUNK_SIZE) -> ExportReport:
    """Write the whole site to `out` (a path) as WXR 1.2. The file appears
    only when complete: it is written beside its name, then renamed."""
    path = Path(out)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            report = write(file, include_private=include_private, chunk_size=chunk_size)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    report.path = path
    return report


def write(file, *, include_private=False, chunk_size=CHUNK_SIZE) -> ExportReport:
    """Write the export to `file`, a binary file object."""
    report = ExportReport(include_private=include_private)
    # One snapshot of the site for the whole file, where the database gives one.
    with transaction.atomic():
        _Export(file, report, include_private=include_private, chunk_size=chunk_size).run()
    return report


# Names and values as WordPress writes them ------------------------------------


def wordpress_slug(slug, limit=None):
    """`slug` as WordPress stores it: each non-ASCII character percent-encoded
    (UTF-8, lower-case hex, as sanitize_title's utf8_uri_encode writes it),
    cut at a whole character to `limit` bytes if given (WordPress's columns
    hold 200)."""
    encoded, length = [], 0
    for character in slug:
        piece = character if ord(character) < 128 else quote(character, safe="").lower()
        if limit is not None and length + len(piece) > limit:
            break
        encoded.append(piece)
        length += len(piece)
    return "".join(encoded)


def cdata_sections(text):
    """The CDATA sections that hold `text`: WordPress's wxr_cdata writes a
    "]]>" inside as "]]]]><![CDATA[>", ending one section and starting another."""
    parts = NOT_XML.sub("", text).split("]]>")
    last = len(parts) - 1
    return [(">" if n else "") + part + ("]]" if n < last else "") for n, part in enumerate(parts)]


def wordpress_time(moment):
    """(local, GMT) as WordPress writes them: "2024-02-05 15:53:10" in the
    site's time zone and in UTC; zeros for no time."""
    if moment is None:
        return NO_DATE, NO_DATE
    return (
        timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S"),
        moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _clean(text):
    return NOT_XML.sub("", str(text))


# What the file says of each thing --------------------------------------------


@dataclass
class Author:
    pk: int
    login: str
    name: str


@dataclass
class Section:
    pk: int
    path: str
    nicename: str
    name: str
    description: str
    parent_nicename: str = ""


@dataclass
class Story:
    """A page's words and filing: its live row's, or a draft's or scheduled
    revision's (which are not in the row)."""

    title: str
    slug: str
    body: object  # raw stream blocks (stories) or rich text (pages)
    standfirst: str = ""
    hero_image_id: int | None = None
    hero_alt: str = ""
    hero_caption: str = ""
    comments_open: bool = False
    also_in: list = field(default_factory=list)
    author_ids: list = field(default_factory=list)
    tag_ids: list = field(default_factory=list)

    @classmethod
    def of_page(cls, page, *, also_in=(), author_ids=(), tag_ids=()):
        body = page.body
        if hasattr(body, "raw_data"):
            body = list(body.raw_data)
        return cls(
            title=page.title,
            slug=page.slug,
            body=body,
            standfirst=getattr(page, "standfirst", ""),
            hero_image_id=getattr(page, "hero_image_id", None),
            hero_alt=getattr(page, "hero_alt", ""),
            hero_caption=getattr(page, "hero_caption", ""),
            comments_open=getattr(page, "comments_open", False),
            also_in=list(also_in),
            author_ids=list(author_ids),
            tag_ids=list(tag_ids),
        )

    @classmethod
    def of_revision(cls, content, *, stream):
        """From a revision's content, read as stored (Wagtail's own
        with_content_json checks every foreign key with a query)."""
        body = content.get("body") or ("[]" if stream else "")
        if stream and isinstance(body, str):
            body = json.loads(body or "[]")
        bylines = sorted(content.get("bylines") or [], key=lambda row: (row.get("sort_order") or 0, row.get("pk") or 0))
        return cls(
            title=content.get("title") or "",
            slug=content.get("slug") or "",
            body=body,
            standfirst=content.get("standfirst") or "",
            hero_image_id=content.get("hero_image"),
            hero_alt=content.get("hero_alt") or "",
            hero_caption=content.get("hero_caption") or "",
            comments_open=bool(content.get("comments_open", False)),
            also_in=list(content.get("also_in") or []),
            author_ids=[row["author"] for row in bylines if row.get("author")],
            tag_ids=[row["tag"] for row in content.get("tagged_items") or [] if row.get("tag")],
        )

    def paragraphs(self):
        """The rich text of its paragraph blocks (or its rich text body)."""
        if isinstance(self.body, str):
            return [self.body]
        return [block.get("value") or "" for block in self.body if block.get("type") == "paragraph"]

    def image_ids(self):
        ids = [self.hero_image_id] if self.hero_image_id else []
        if not isinstance(self.body, str):
            ids += _block_image_ids(self.body)
        return ids


def _block_image_ids(blocks):
    return [
        block["value"]["image"]
        for block in blocks
        if block.get("type") == "image" and isinstance(block.get("value"), dict) and block["value"].get("image")
    ]


@dataclass
class Image:
    pk: int
    url: str
    relative_path: str
    title: str
    description: str
    credit: str
    created_at: object
    # From its first use: the alt text and caption, and the item that shows it.
    alt: str = ""
    caption: str = ""
    parent_id: int = 0
    used: bool = False

    @property
    def wp_id(self):
        return ATTACHMENT_IDS + self.pk


class _RichText:
    """Rich text as readers see it, every address absolute. Linked pages are
    looked up a chunk at a time (`load`): Wagtail's expand_db_html asks the
    database once per rich text value."""

    def __init__(self, addresses):
        self.addresses = addresses
        self.page_urls = {}
        links = {kind: handler.expand_db_attributes_many for kind, handler in features.get_link_types().items()}
        links["page"] = self._page_links
        embeds = {kind: handler.expand_db_attributes_many for kind, handler in features.get_embed_types().items()}
        self.rewriter = MultiRuleRewriter([LinkRewriter(bulk_rules=links), EmbedRewriter(bulk_rules=embeds)])

    def load(self, values):
        wanted = set()
        for value in values:
            for match in FIND_A_TAG.finditer(value or ""):
                attrs = extract_attrs(match.group(1))
                if attrs.get("linktype") == "page" and str(attrs.get("id", "")).isdigit():
                    wanted.add(int(attrs["id"]))
        self.page_urls = {}
        if wanted:
            for pk, url_path in Page.objects.filter(pk__in=wanted).values_list("pk", "url_path"):
                self.page_urls[pk] = self.addresses.url(url_path)

    def _page_links(self, attrs_list):
        tags = []
        for attrs in attrs_list:
            url = self.page_urls.get(int(attrs["id"])) if str(attrs.get("id", "")).isdigit() else None
            tags.append(f'<a href="{escape(url)}">' if url else "<a>")
        return tags

    def __call__(self, html):
        return absolute_html(self.rewriter(html)) if html else ""


class _Addresses:
    """Pages' public addresses, from their url_path and the site's roots
    (one per edition), with no query per page."""

    def __init__(self):
        self.base_url = settings.DATELINE_BASE_URL.rstrip("/")
        roots = Site.get_site_root_paths()
        # Longest first: an edition's home may lie below another's address.
        self.roots = sorted(((root.root_path, root.language_code) for root in roots), key=lambda r: -len(r[0]))

    def url(self, url_path):
        for root_path, language in self.roots:
            if url_path and url_path.startswith(root_path):
                prefix = Edition(language or settings.LANGUAGE_CODE, "").prefix
                return absolute(iri_to_uri(prefix + url_path[len(root_path) :]))
        return ""

    def post_guid(self, wp_id):
        return f"{self.base_url}/?p={wp_id}"

    def attachment_link(self, wp_id):
        return f"{self.base_url}/?attachment_id={wp_id}"


@dataclass
class Item:
    """One `<item>`, as WordPress writes it."""

    wp_id: int
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    status: str
    date: object  # aware datetime, or None: a draft's floating date
    local_date: object = None  # when the GMT date is zero (a draft never published)
    modified: object = None
    content: str = ""
    excerpt: str = ""
    post_name: str = ""
    comment_status: str = "closed"
    parent: int = 0
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: list = field(default_factory=list)  # (key, value)
    comments: list = field(default_factory=list)  # Comment rows


class _Export:
    def __init__(self, file, report, *, include_private, chunk_size):
        self.file = file
        self.report = report
        self.include_private = include_private
        self.chunk_size = chunk_size
        self.now = timezone.now()

    # The whole file.

    def run(self):
        self._load_site()
        self.file.write(HEADER.format(created=self.now.strftime("%Y-%m-%d %H:%M")).encode())
        with etree.xmlfile(self.file, encoding="utf-8") as xf:
            self.xf = xf
            with xf.element("rss", {"version": "2.0"}, nsmap=NAMESPACES):
                xf.write("\n")
                with xf.element("channel"):
                    self._write_channel()
                    for item in self._pages():
                        self._write_item(item)
                    for item in self._stories():
                        self._write_item(item)
                    for item in self._attachments():
                        self._write_item(item)
                    xf.write("\n")
                xf.write("\n")
        self.file.write(b"\n")

    def _load_site(self):
        self.addresses = _Addresses()
        self.rich_text = _RichText(self.addresses)
        self.locales = dict(Locale.objects.values_list("pk", "language_code"))
        default_locale = next((pk for pk, code in self.locales.items() if code == settings.LANGUAGE_CODE), None)
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        self.site_name = site.site_name if site and site.site_name else "Dateline"
        branding = BrandingSettings.objects.filter(site=site).first() if site else None
        homes = {
            pk: (tagline, lead)
            for pk, tagline, lead in HomePage.objects.values_list("pk", "tagline", "lead_article_id")
        }
        # The default edition's words, else the site's branding (as the masthead shows them).
        home_tagline = homes.get(site.root_page_id, ("", None))[0] if site else ""
        self.tagline = home_tagline or (branding.tagline if branding else "")
        # Each edition's lead story is sticky, as WordPress keeps its front page's.
        self.sticky = {lead for _tagline, lead in homes.values() if lead}
        self.restrictions = sorted(
            PageViewRestriction.objects.values_list("page__path", "restriction_type", "password"),
            key=lambda restriction: len(restriction[0]),
        )
        self.live_story_type = ContentType.objects.get_for_model(LiveStoryPage).pk
        self.standard_paths = dict(StandardPage.objects.values_list("path", "pk"))
        self._load_authors(default_locale)
        self._load_sections(default_locale)
        self.tags = {
            tag.pk: tag for tag in Tag.objects.filter(pk__in=ArticleTag.objects.values("tag_id")).order_by("name", "pk")
        }
        self.images = {}  # pk -> Image, those loaded so far

    def _load_authors(self, default_locale):
        rows = list(AuthorPage.objects.values_list("pk", "slug", "title", "locale_id", "translation_key", "path"))
        rows.sort(key=lambda row: (row[3] != default_locale, row[5]))
        default_slugs = {row[4]: row[1] for row in rows if row[3] == default_locale}
        self.authors, taken = {}, set()
        for pk, slug, title, locale_id, key, _path in rows:
            language = self.locales.get(locale_id, "")
            candidates = [slug]
            if key in default_slugs:
                candidates.append(f"{default_slugs[key]}-{language}")
            candidates.append(f"author-{pk}")
            login = next(
                name
                for name in candidates
                if WORDPRESS_LOGIN.match(name) and len(name) <= LOGIN_LENGTH and name.lower() not in taken
            )
            taken.add(login.lower())
            self.authors[pk] = Author(pk, login, title)
        # Pages and unsigned stories are the newsroom's: its staff byline
        # (the default edition's first), else the first author.
        staff = next((row[0] for row in rows if row[1] == "staff"), None)
        fallback = next(iter(self.authors.values()), None)
        self.default_creator = self.authors[staff].login if staff else (fallback.login if fallback else "")

    def _load_sections(self, default_locale):
        rows = list(SectionPage.objects.values_list("pk", "path", "slug", "title", "introduction", "locale_id"))
        rows.sort(key=lambda row: (row[5] != default_locale, row[1]))
        self.sections, by_path, taken = {}, {}, set()
        for pk, path, slug, title, introduction, locale_id in rows:
            language = self.locales.get(locale_id, "")
            candidates = [wordpress_slug(name) for name in (slug, f"{slug}-{language}", f"{slug}-{pk}")]
            nicename = next((name for name in candidates if name not in taken), candidates[-1])
            taken.add(nicename)
            section = Section(pk, path, nicename, title, introduction)
            self.sections[pk] = by_path[path] = section
        for section in self.sections.values():
            # The nearest section above it, should sections ever nest.
            for depth in range(len(section.path) - Page.steplen, 0, -Page.steplen):
                parent = by_path.get(section.path[:depth])
                if parent is not None:
                    section.parent_nicename = parent.nicename
                    break
        self.sections_by_path = by_path

    # The channel.

    def _write_channel(self):
        base_url = self.addresses.base_url
        self._plain("title", self.site_name, 1)
        self._plain("link", base_url, 1)
        self._plain("description", self.tagline, 1)
        self._plain("pubDate", format_datetime(self.now.astimezone(UTC)), 1)
        self._plain("language", settings.LANGUAGE_CODE, 1)
        self._plain(f"{{{WP}}}wxr_version", WXR_VERSION, 1)
        self._plain(f"{{{WP}}}base_site_url", base_url, 1)
        self._plain(f"{{{WP}}}base_blog_url", base_url, 1)
        for author in self.authors.values():
            with self._element(f"{{{WP}}}author", 1):
                self._plain(f"{{{WP}}}author_id", author.pk, 2)
                self._text(f"{{{WP}}}author_login", author.login, 2)
                self._text(f"{{{WP}}}author_email", "", 2)
                self._text(f"{{{WP}}}author_display_name", author.name, 2)
                self._text(f"{{{WP}}}author_first_name", "", 2)
                self._text(f"{{{WP}}}author_last_name", "", 2)
            self.report.counts["author"] += 1
        # In tree order, each edition's together: parents come before their
        # children, as WordPress's importer looks a parent up by its slug.
        for section in self.sections.values():
            with self._element(f"{{{WP}}}category", 1):
                self._plain(f"{{{WP}}}term_id", section.pk, 2)
                self._text(f"{{{WP}}}category_nicename", section.nicename, 2)
                self._text(f"{{{WP}}}category_parent", section.parent_nicename, 2)
                self._text(f"{{{WP}}}cat_name", section.name, 2)
                if section.description:
                    self._text(f"{{{WP}}}category_description", section.description, 2)
            self.report.counts["category"] += 1
        for tag in self.tags.values():
            with self._element(f"{{{WP}}}tag", 1):
                self._plain(f"{{{WP}}}term_id", TAG_TERM_IDS + tag.pk, 2)
                self._text(f"{{{WP}}}tag_slug", wordpress_slug(tag.slug), 2)
                self._text(f"{{{WP}}}tag_name", tag.name, 2)
            self.report.counts["tag"] += 1
        self._plain("generator", "Dateline", 1)

    # Pages and stories, a chunk at a time.

    def _pages(self):
        pages = StandardPage.objects.order_by("pk").iterator(chunk_size=self.chunk_size)
        for chunk in _chunks(pages, self.chunk_size):
            stories, scheduled = self._stories_of(chunk, stream=False)
            self.rich_text.load(text for story in stories.values() for text in story.paragraphs())
            for page in chunk:
                yield self._page_item(page, stories[page.pk], scheduled.get(page.pk))

    def _stories(self):
        articles = ArticlePage.objects.order_by("pk").iterator(chunk_size=self.chunk_size)
        for chunk in _chunks(articles, self.chunk_size):
            yield from self._story_chunk(chunk)

    def _story_chunk(self, chunk):
        ids = [page.pk for page in chunk]
        live_ids = [page.pk for page in chunk if page.live]
        bylines, tags, also_in = defaultdict(list), defaultdict(list), defaultdict(list)
        if live_ids:
            rows = ArticleByline.objects.filter(page_id__in=live_ids).order_by("page_id", "sort_order", "pk")
            for page_id, author_id in rows.values_list("page_id", "author_id"):
                bylines[page_id].append(author_id)
            for page_id, tag_id in (
                ArticleTag.objects.filter(content_object_id__in=live_ids)
                .order_by("pk")
                .values_list("content_object_id", "tag_id")
            ):
                tags[page_id].append(tag_id)
            through = ArticlePage.also_in.through.objects.filter(articlepage_id__in=live_ids).order_by("pk")
            for page_id, section_id in through.values_list("articlepage_id", "sectionpage_id"):
                also_in[page_id].append(section_id)
        stories, scheduled = self._stories_of(chunk, stream=True, also_in=also_in, bylines=bylines, tags=tags)

        notes = defaultdict(list)
        for note in ArticleNote.objects.filter(page_id__in=ids).order_by("page_id", "noted_at", "pk"):
            notes[note.page_id].append(note)
        comments = defaultdict(list)
        for comment in Comment.objects.filter(article_id__in=ids).order_by("article_id", "submitted_at", "pk"):
            comments[comment.article_id].append(comment)
        updates = defaultdict(list)
        live_stories = [page.pk for page in chunk if page.content_type_id == self.live_story_type]
        if live_stories:
            for update in LiveUpdate.objects.filter(story_id__in=live_stories).order_by(
                "story_id", "-posted_at", "-pk"
            ):
                updates[update.story_id].append(update)

        self._load_images(
            [pk for story in stories.values() for pk in story.image_ids()]
            + [pk for story_updates in updates.values() for update in story_updates for pk in _update_image_ids(update)]
        )
        self._load_missing_tags(tag_id for story in stories.values() for tag_id in story.tag_ids)
        self.rich_text.load(
            [text for story in stories.values() for text in story.paragraphs()]
            + [note.text for page_notes in notes.values() for note in page_notes]
            + [
                text
                for story_updates in updates.values()
                for update in story_updates
                for text in (*_paragraphs(_raw_blocks(update.body)), update.correction)
            ]
        )
        for page in chunk:
            yield self._story_item(
                page,
                stories[page.pk],
                scheduled.get(page.pk),
                notes=notes[page.pk],
                comments=comments[page.pk],
                updates=updates[page.pk],
            )

    def _stories_of(self, chunk, *, stream, also_in=None, bylines=None, tags=None):
        """{page id: Story} for a chunk, and {page id: its scheduled
        revision} for those not live: a draft's words are in its latest
        revision, a scheduled page's in the revision approved to go live."""
        stories, scheduled = {}, {}
        not_live = {str(page.pk): page for page in chunk if not page.live}
        revisions = {}
        if not_live:
            latest = [page.latest_revision_id for page in not_live.values() if page.latest_revision_id]
            rows = Revision.page_revisions.filter(object_id__in=list(not_live)).filter(
                Q(pk__in=latest) | Q(approved_go_live_at__isnull=False)
            )
            for revision in rows.order_by("created_at", "pk"):
                page = not_live[revision.object_id]
                if revision.approved_go_live_at is not None:
                    scheduled[page.pk] = revision
                if revision.pk == page.latest_revision_id:
                    revisions[page.pk] = revision
        for page in chunk:
            revision = scheduled.get(page.pk) or revisions.get(page.pk)
            if revision is not None:
                stories[page.pk] = Story.of_revision(revision.content, stream=stream)
            elif stream:
                stories[page.pk] = Story.of_page(
                    page, also_in=also_in[page.pk], author_ids=bylines[page.pk], tag_ids=tags[page.pk]
                )
            else:
                stories[page.pk] = Story.of_page(page)
        return stories, scheduled

    def _load_images(self, ids):
        missing = set(ids) - self.images.keys()
        if not missing:
            return
        # Whole rows: reading `file` of a row without its width and height asks for them.
        for image in NewsImage.objects.filter(pk__in=missing):
            self.images[image.pk] = Image(
                pk=image.pk,
                url=absolute(image.file.url),
                relative_path=image.file.name,
                title=image.title,
                description=image.description,
                credit=image.credit,
                created_at=image.created_at,
            )

    def _load_missing_tags(self, ids):
        missing = set(ids) - self.tags.keys()
        if missing:
            # Only in a draft's revision: WordPress's importer makes the term from the item.
            self.tags.update(Tag.objects.in_bulk(missing))

    # Items.

    def _publication(self, page, scheduled):
        """(status, date, local date when the GMT date is zero, modified)."""
        if page.live:
            published = page.first_published_at or page.last_published_at or page.latest_revision_created_at
            return "publish", published, None, page.last_published_at or published
        if scheduled is not None and scheduled.approved_go_live_at > self.now:
            return "future", scheduled.approved_go_live_at, None, scheduled.created_at
        modified = page.latest_revision_created_at or page.last_published_at
        if page.first_published_at:
            return "draft", page.first_published_at, None, modified
        return "draft", None, modified or self.now, modified

    def _restriction(self, path):
        """(type, password) of the view restriction on the page or above it, or None."""
        for restricted_path, kind, password in self.restrictions:
            if path.startswith(restricted_path):
                return kind, password
        return None

    def _base_item(self, page, story, scheduled, post_type):
        status, date, local_date, modified = self._publication(page, scheduled)
        item = Item(
            wp_id=page.pk,
            post_type=post_type,
            title=story.title,
            link=self.addresses.url(page.url_path) or self.addresses.post_guid(page.pk),
            guid=self.addresses.post_guid(page.pk),
            creator=self.default_creator,
            status=status,
            date=date,
            local_date=local_date,
            modified=modified,
            post_name=wordpress_slug(story.slug),
        )
        restriction = self._restriction(page.path)
        shown = True
        if restriction is not None:
            kind, password = restriction
            if not self.include_private:
                shown = False
                if status == "publish":
                    item.status = "private"
            elif kind == PageViewRestriction.PASSWORD:
                item.password = password
            elif status == "publish":
                item.status = "private"
        return item, shown

    def _page_item(self, page, story, scheduled):
        item, shown = self._base_item(page, story, scheduled, "page")
        item.parent = self.standard_paths.get(page.path[: -Page.steplen], 0)
        # Its place among its siblings: the tree path's last step, base 36.
        item.menu_order = int(page.path[-Page.steplen :], 36)
        if shown:
            item.content = self.rich_text(story.body)
        self.report.counts["page"] += 1
        self.report.statuses[item.status] += 1
        return item

    def _story_item(self, page, story, scheduled, *, notes, comments, updates):
        item, shown = self._base_item(page, story, scheduled, "post")
        language = self.locales.get(page.locale_id, settings.LANGUAGE_CODE)
        item.comment_status = "open" if story.comments_open else "closed"
        item.sticky = page.pk in self.sticky
        authors = [self.authors[pk] for pk in story.author_ids if pk in self.authors]
        if authors:
            item.creator = authors[0].login
        section = self.sections_by_path.get(page.path[: -Page.steplen])
        filed = [section] if section else []
        filed += [self.sections[pk] for pk in story.also_in if pk in self.sections and self.sections[pk] not in filed]
        item.categories = [("category", s.nicename, s.name) for s in filed]
        item.categories += [
            ("post_tag", wordpress_slug(self.tags[pk].slug), self.tags[pk].name)
            for pk in story.tag_ids
            if pk in self.tags
        ]
        if shown:
            with translation.override(language):
                item.content = self._story_html(page, story, notes, updates)
                item.comments = [self._comment(comment) for comment in comments]
            item.excerpt = story.standfirst
            if story.hero_image_id and story.hero_image_id in self.images:
                image = self._use_image(story.hero_image_id, story.hero_alt, story.hero_caption, page.pk)
                item.meta.append(("_thumbnail_id", str(image.wp_id)))
            moments = [item.modified, *(note.noted_at for note in notes), *(u.changed_at for u in updates)]
            item.modified = max((moment for moment in moments if moment), default=None)
        self.report.counts["post"] += 1
        self.report.counts["comment"] += len(item.comments)
        self.report.statuses[item.status] += 1
        return item

    def _story_html(self, page, story, notes, updates):
        parts = []
        if notes:
            for note in notes:
                when = date_format(timezone.localtime(note.noted_at), "DATETIME_FORMAT")
                parts.append(f"<p><strong>{escape(note.get_kind_display())} ({escape(when)}):</strong></p>")
                parts.append(self.rich_text(note.text))
            parts.append("<hr />")
        parts += self._blocks_html(story.body, page.pk)
        if updates:
            parts.append("<hr />")
            parts.append(f"<h2>{escape(gettext('Live updates'))}</h2>")
            for update in updates:
                parts += self._update_html(update, page.pk)
        return "\n\n".join(part for part in parts if part)

    def _update_html(self, update, page_id):
        when = date_format(timezone.localtime(update.posted_at), "DATETIME_FORMAT")
        byline = self.authors.get(update.author_id)
        time = f'<time datetime="{update.posted_at.isoformat(timespec="seconds")}">{escape(when)}</time>'
        parts = [f'<p id="update-{update.pk}">{time}{f" — {escape(byline.name)}" if byline else ""}</p>']
        if update.headline:
            parts.append(f"<h3>{escape(update.headline)}</h3>")
        parts += self._blocks_html(_raw_blocks(update.body), page_id)
        if update.correction:
            label = escape(ArticleNote.Kind.CORRECTION.label)
            parts.append(f"<p><strong>{label}:</strong></p>\n{self.rich_text(update.correction)}")
        return parts

    def _blocks_html(self, blocks, page_id):
        parts = []
        for block in blocks:
            kind, value = block.get("type"), block.get("value")
            if kind == "paragraph":
                parts.append(self.rich_text(value or ""))
            elif kind == "image" and isinstance(value, dict):
                image_id = value.get("image")
                if image_id not in self.images:
                    continue
                image = self._use_image(image_id, value.get("alt_text") or "", value.get("caption") or "", page_id)
                caption = escape(value.get("caption") or "")
                if image.credit:
                    caption = f'{caption} <span class="credit">{escape(image.credit)}</span>'.strip()
                figure = (
                    f'<figure class="wp-block-image"><img src="{escape(image.url)}" '
                    f'alt="{escape(value.get("alt_text") or "")}" class="wp-image-{image.wp_id}"/>'
                )
                parts.append(figure + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")
            elif kind == "quote" and isinstance(value, dict):
                quote_html = "<br />\n".join(escape(line) for line in (value.get("quote") or "").splitlines())
                cite = f"<cite>{escape(value['attribution'])}</cite>" if value.get("attribution") else ""
                parts.append(f'<blockquote class="wp-block-quote"><p>{quote_html}</p>{cite}</blockquote>')
            elif kind == "embed":
                url = value.get("url") if isinstance(value, dict) else value
                if url:
                    # A URL alone on its line: WordPress embeds it (WP_Embed::autoembed).
                    parts.append(str(url).strip())
        return parts

    def _use_image(self, image_id, alt, caption, page_id):
        image = self.images[image_id]
        if not image.used:
            image.used = True
            image.alt = image.description or alt
            image.caption = caption
            image.parent_id = page_id
        return image

    def _comment(self, comment):
        erased = comment.erased_at is not None
        return {
            "id": comment.pk,
            "author": "" if erased else comment.name,
            "email": comment.email if self.include_private and not erased else "",
            "url": "" if erased else comment.website,
            "ip": (comment.ip_address or "") if self.include_private and not erased else "",
            "date": comment.submitted_at,
            "content": gettext("This comment was removed at its author’s request.") if erased else comment.body,
            "approved": COMMENT_APPROVED.get(comment.status, "0"),
            "parent": comment.parent_id or 0,
            "staff": comment.staff_author_id is not None,
        }

    def _attachments(self):
        for image in sorted(self.images.values(), key=lambda image: image.pk):
            if not image.used:
                continue
            self.report.counts["attachment"] += 1
            yield Item(
                wp_id=image.wp_id,
                post_type="attachment",
                title=image.title,
                link=self.addresses.attachment_link(image.wp_id),
                guid=image.url,
                creator=self.default_creator,
                status="inherit",
                date=image.created_at,
                modified=image.created_at,
                content=image.credit,
                excerpt=image.caption,
                post_name=wordpress_slug(Path(image.relative_path).stem.lower()),
                parent=image.parent_id,
                attachment_url=image.url,
                meta=[("_wp_attached_file", image.relative_path), ("_wp_attachment_image_alt", image.alt)],
            )

    # Writing.

    def _write_item(self, item):
        wp = f"{{{WP}}}"
        local, gmt = wordpress_time(item.date)
        if item.date is None:
            local = wordpress_time(item.local_date)[0]
        modified_local, modified_gmt = wordpress_time(item.modified)
        with self._element("item", 0):
            self._text("title", item.title, 1)
            self._plain("link", item.link, 1)
            if item.date is not None:
                self._plain("pubDate", format_datetime(item.date.astimezone(UTC)), 1)
            self._text(f"{{{DC}}}creator", item.creator, 1)
            self._plain("guid", item.guid, 1, {"isPermaLink": "false"})
            self._plain("description", "", 1)
            self._text(f"{{{CONTENT}}}encoded", item.content, 1)
            self._text(f"{{{EXCERPT}}}encoded", item.excerpt, 1)
            self._plain(f"{wp}post_id", item.wp_id, 1)
            self._text(f"{wp}post_date", local, 1)
            self._text(f"{wp}post_date_gmt", gmt, 1)
            self._text(f"{wp}post_modified", modified_local, 1)
            self._text(f"{wp}post_modified_gmt", modified_gmt, 1)
            self._text(f"{wp}comment_status", item.comment_status, 1)
            self._text(f"{wp}ping_status", "closed", 1)
            self._text(f"{wp}post_name", item.post_name, 1)
            self._text(f"{wp}status", item.status, 1)
            self._plain(f"{wp}post_parent", item.parent, 1)
            self._plain(f"{wp}menu_order", item.menu_order, 1)
            self._text(f"{wp}post_type", item.post_type, 1)
            self._text(f"{wp}post_password", item.password, 1)
            self._plain(f"{wp}is_sticky", int(item.sticky), 1)
            if item.attachment_url:
                self._plain(f"{wp}attachment_url", item.attachment_url, 1)
            for domain, nicename, name in item.categories:
                self.xf.write("\n\t")
                with self.xf.element("category", {"domain": domain, "nicename": nicename}):
                    self._cdata(name)
            for key, value in item.meta:
                with self._element(f"{wp}postmeta", 1):
                    self._text(f"{wp}meta_key", key, 2)
                    self._text(f"{wp}meta_value", value, 2)
            for comment in item.comments:
                self._write_comment(comment)

    def _write_comment(self, comment):
        wp = f"{{{WP}}}"
        local, gmt = wordpress_time(comment["date"])
        with self._element(f"{wp}comment", 1):
            self._plain(f"{wp}comment_id", comment["id"], 2)
            self._text(f"{wp}comment_author", comment["author"], 2)
            self._text(f"{wp}comment_author_email", comment["email"], 2)
            self._text(f"{wp}comment_author_url", comment["url"], 2)
            self._text(f"{wp}comment_author_IP", comment["ip"], 2)
            self._text(f"{wp}comment_date", local, 2)
            self._text(f"{wp}comment_date_gmt", gmt, 2)
            self._text(f"{wp}comment_content", comment["content"], 2)
            self._text(f"{wp}comment_approved", comment["approved"], 2)
            self._text(f"{wp}comment_type", "comment", 2)
            self._plain(f"{wp}comment_parent", comment["parent"], 2)
            self._plain(f"{wp}comment_user_id", 0, 2)
            if comment["staff"]:
                with self._element(f"{wp}commentmeta", 2):
                    self._text(f"{wp}meta_key", "dateline_staff", 3)
                    self._text(f"{wp}meta_value", "1", 3)

    @contextlib.contextmanager
    def _element(self, tag, depth, attributes=None):
        self.xf.write("\n" + "\t" * depth)
        with self.xf.element(tag, attributes or {}):
            yield
            self.xf.write("\n" + "\t" * depth)

    def _text(self, tag, value, depth):
        """An element whose text is in CDATA, as WordPress writes most."""
        self.xf.write("\n" + "\t" * depth)
        with self.xf.element(tag):
            self._cdata(value)

    def _cdata(self, value):
        for section in cdata_sections(str(value or "")):
            self.xf.write(etree.CDATA(section))

    def _plain(self, tag, value, depth, attributes=None):
        """An element with escaped text: numbers, and addresses as WordPress writes them."""
        self.xf.write("\n" + "\t" * depth)
        with self.xf.element(tag, attributes or {}):
            if value not in (None, ""):
                self.xf.write(_clean(value))


def _raw_blocks(stream_value):
    if hasattr(stream_value, "raw_data"):
        return list(stream_value.raw_data)
    if isinstance(stream_value, str):
        return json.loads(stream_value or "[]")
    return list(stream_value or [])


def _paragraphs(blocks):
    return [block.get("value") or "" for block in blocks if block.get("type") == "paragraph"]


def _update_image_ids(update):
    return _block_image_ids(_raw_blocks(update.body))
