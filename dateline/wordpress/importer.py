"""A WordPress export (WXR) imported into Dateline, losing nothing that matters.

The file is read twice, streamed (wxr.py): the first reading checks the
whole file and notes its attachments and its posts' old addresses, so a
malformed file stops before anything is written, and a post can take its
featured image or link to a post that comes later in the file. The second
reading writes, in one transaction: a failure anywhere imports nothing.

What becomes what:
- authors: an author page for the byline, and an inactive user account
  that keeps the e-mail address privately (no password: an administrator
  activates it and the writer sets one);
- categories: sections, a nested category a subsection of its parent's
  section, or existing sections by --section-map; tags: tags;
- posts: stories, written a batch at a time by the bulk writer
  (dateline/articles/bulk.py), in the edition their text is written in
  (dateline/editions/scripts.py); pages: information pages;
- attachments: library images, from --media-dir, never fetched;
- comments: comments, threads and statuses kept, e-mails and addresses
  private as every comment's are;
- every old address: an OldAddress that answers 301 (middleware.py).

Each item imported is remembered (ImportedItem), so the same export
imported again changes nothing, and a newer one updates what changed.
"""

import hashlib
import ipaddress
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator, slugify
from PIL import Image as PillowImage
from taggit.models import Tag
from tqdm import tqdm
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Locale, Page, PageViewRestriction, ReferenceIndex, Revision

from dateline import pagecache
from dateline.articles.bulk import ArticleBatch, SectionSlots, content_types
from dateline.articles.models import (
    RESERVED_SECTION_SLUGS,
    ArticlePage,
    AuthorIndexPage,
    AuthorPage,
    HomePage,
    SectionPage,
)
from dateline.articles.tree import ensure_child, ensure_home, publish_child
from dateline.comments.models import Comment
from dateline.core.folding import headline_key
from dateline.core.models import StandardPage
from dateline.core.text import without_controls
from dateline.core.transactions import atomic_or_dry_run
from dateline.editions.scripts import language_of
from dateline.newsroom.models import NewsImage
from dateline.pagecache.tags import SITE
from dateline.wordpress import addresses, content, wxr
from dateline.wordpress.models import ImportedItem, OldAddress
from dateline.wordpress.review import Review

BATCH_SIZE = 200
# WordPress statuses of posts and pages, and what Dateline makes of them.
LIVE, SCHEDULED, DRAFT = "live", "scheduled", "draft"
STATUSES = {"publish": LIVE, "future": SCHEDULED, "draft": DRAFT, "pending": DRAFT, "private": DRAFT}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
# A link to an old address on this site, as content.py writes it.
OLD_LINK = re.compile(r'<a href="(?P<href>/[^"]*)">')
# An image's size variant in a post, e.g. photo-300x200.jpg for photo.jpg.
SIZE_VARIANT = re.compile(r"-\d+x\d+(?=\.\w+$)")
# WordPress.com serves uploads from <site>.files.wordpress.com/<yyyy>/<mm>/.
UPLOADS = ("/wp-content/uploads/", ".files.wordpress.com/")
TITLE_LENGTH = 255
STANDFIRST_LENGTH = 400


class ImportStopped(Exception):
    """The import cannot go on; nothing was written."""


@dataclass
class Attachment:
    wp_id: int
    relative_path: str  # under wp-content/uploads
    title: str
    alt: str
    caption: str
    parent_id: int


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)  # (kind, outcome) -> n
    skipped: Counter = field(default_factory=Counter)  # reason -> n
    notes: Counter = field(default_factory=Counter)  # what content lost, in words -> n
    missing_media: list = field(default_factory=list)
    dry_run: bool = False

    def count(self, kind, outcome, n=1):
        self.counts[(kind, outcome)] += n

    def lines(self):
        lines = ["Dry run: nothing was written." if self.dry_run else "Imported."]
        for (kind, outcome), n in sorted(self.counts.items()):
            lines.append(f"  {kind:<12} {outcome:<28} {n:>8,}")
        if self.skipped:
            lines.append("Skipped:")
            lines += [f"  {n:>8,}  {reason}" for reason, n in self.skipped.most_common()]
        if self.notes:
            lines.append("Content that could not be carried over as it was:")
            lines += [f"  {n:>8,}  {note}" for note, n in self.notes.most_common()]
        if self.missing_media:
            lines.append(f"Media files not found ({len(self.missing_media):,}), the first of them:")
            lines += [f"  {path}" for path in self.missing_media[:20]]
        return lines


def fingerprint(value):
    return hashlib.md5(repr(value).encode(), usedforsecurity=False).hexdigest()


class Survey:
    """The first reading: the whole file checked, its attachments, and the
    old addresses of its posts and pages (for links to posts further on)."""

    def __init__(self, path):
        self.channel = None
        self.items = 0
        self.attachments = {}  # wp id -> Attachment
        self.attachment_by_path = {}  # relative path -> wp id
        self.attachment_by_url = {}  # path of its address -> wp id
        self.post_addresses = set()  # normalised old paths of posts and pages
        for record in wxr.read(path):
            if isinstance(record, wxr.Channel):
                self.channel = record
            elif isinstance(record, wxr.Item):
                self.items += 1
                self._note(record)
        if self.channel is None:
            raise wxr.WXRError("not a WordPress export (WXR) file: it has no channel")

    def _note(self, item):
        if item.post_type == "attachment":
            relative = item.meta.get("_wp_attached_file") or uploads_path(item.attachment_url)
            if relative:
                attachment = Attachment(
                    wp_id=item.wp_id,
                    relative_path=relative.lstrip("/"),
                    title=content.plain_text(item.title) or Path(relative).stem,
                    alt=item.meta.get("_wp_attachment_image_alt", ""),
                    caption=content.plain_text(item.excerpt),
                    parent_id=item.parent_id,
                )
                self.attachments[item.wp_id] = attachment
                self.attachment_by_path[attachment.relative_path.lower()] = item.wp_id
                self.attachment_by_url[urlsplit(item.attachment_url).path.lower()] = item.wp_id
        elif item.post_type in ("post", "page") and item.link:
            self.post_addresses.add(addresses.path_of(item.link))


def uploads_path(url):
    """The path of an uploaded file under wp-content/uploads, from its URL, or ""."""
    for marker in UPLOADS:
        if marker in url:
            return urlsplit(url.split(marker, 1)[1]).path if marker.startswith("/") else url.split(marker, 1)[1]
    return ""


class WordPressImport:
    """One import of one export file. `run()` does it and returns the report."""

    def __init__(self, path, *, media_dir=None, section_map=None, with_pingbacks=False, progress=False):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir else None
        self.section_map_file = section_map
        self.with_pingbacks = with_pingbacks
        self.progress = progress
        self.report = ImportReport()
        self.created_files = []

    # The two readings -----------------------------------------------------

    def run(self, *, dry_run=False):
        self.report.dry_run = dry_run
        self.dry_run = dry_run
        self.survey = Survey(self.path)
        try:
            with atomic_or_dry_run(dry_run):
                self._write()
        except BaseException:
            self._remove_created_files()
            raise
        if dry_run:
            self._remove_created_files()
        return self.report

    def _write(self):
        channel = self.survey.channel
        self.source = (channel.base_blog_url or channel.link).rstrip("/")
        self.old_hosts = {urlsplit(url).netloc.lower() for url in (channel.base_blog_url, channel.link) if url}
        self.languages = {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
        self.home, _ = ensure_home(title=channel.title or "Front page", site_name=channel.title or "Dateline")
        self.site = self.home.get_site()
        self.types = content_types()
        self.slots = SectionSlots()
        self.language = self.home.locale.language_code  # the default edition's
        self.homes = {self.language: self.home}
        self.authors = {}  # login -> AuthorPage
        self.author_ids = {}  # login -> WordPress user id
        self.users = {}  # login -> user id
        self.categories = {}  # slug -> wxr.Term
        self.sections = {}  # (category slug, language) -> SectionPage
        self.category_language = {}  # category slug -> the edition its own section is in
        self.locales = {}  # locale id -> language code
        self.tags = {}  # slug -> Tag
        self.posts = dict(self._imported(ImportedItem.Kind.POST))  # wp id -> page id
        self.images = dict(self._imported(ImportedItem.Kind.ATTACHMENT))  # wp id -> image id
        self.pending = []
        self.review = Review()
        self.sticky = {}  # language -> page id
        self.restrictions = []  # (page id, password)
        self.links_ahead_in = []  # ids of stories linking to posts written after them
        self.used_slugs = {}  # section pk -> set of child slugs
        self.used_section_slugs = {}  # an edition's home path -> its sections' slugs
        self.terms_done = False
        self.seen = set()  # wp ids of the items read
        items = tqdm(
            total=self.survey.items, unit=" items", disable=not self.progress, desc="Importing", dynamic_ncols=True
        )
        with items:
            for record in wxr.read(self.path):
                if isinstance(record, wxr.Author):
                    self._author(record)
                elif isinstance(record, wxr.Term):
                    self._term(record)
                elif isinstance(record, wxr.Item):
                    self._item(record)
                    items.update(1)
            self._flush()
        self._finish()

    def _imported(self, kind):
        """(WordPress id, object id) of the items of `kind` imported before."""
        rows = ImportedItem.objects.filter(source=self.source, kind=kind).values_list("key", "object_id")
        return ((int(key), object_id) for key, object_id in rows.iterator())

    def _remember(self, kind, key, object_id, value):
        ImportedItem.objects.update_or_create(
            source=self.source, kind=kind, key=str(key), defaults={"object_id": object_id, "fingerprint": value}
        )

    def _imported_row(self, kind, key, object_id, value):
        """An unsaved ImportedItem, for a batch's bulk_create."""
        return ImportedItem(source=self.source, kind=kind, key=str(key), object_id=object_id, fingerprint=value)

    # Authors, categories, tags ----------------------------------------------

    def _author(self, author):
        imported = ImportedItem.objects.filter(source=self.source, kind=ImportedItem.Kind.AUTHOR, key=author.login)
        page = AuthorPage.objects.filter(pk__in=imported.values("object_id")).first()
        if page is None:
            index, _ = ensure_child(self.home, AuthorIndexPage, slug="authors", title="Authors")
            name = author.display_name or " ".join(filter(None, (author.first_name, author.last_name))) or author.login
            page = publish_child(
                parent=index,
                page=AuthorPage(title=name, slug=self._free_slug(index, slugify(author.login) or "author")),
            )
            self._remember(ImportedItem.Kind.AUTHOR, author.login, page.pk, fingerprint(author))
            self.report.count("author", "created")
        else:
            self.report.count("author", "unchanged")
        self.authors[author.login] = page
        self.author_ids[author.login] = author.wp_id
        self.users[author.login] = self._user(author)

    def _user(self, author):
        """An inactive account for the writer, keeping their e-mail privately;
        an account of the same name and e-mail that exists is theirs."""
        User = get_user_model()
        existing = User.objects.filter(username=author.login[:150]).first()
        if existing is not None:
            if existing.email.lower() == author.email.lower():
                return existing.pk
            self.report.skipped[f"user account for “{author.login}”: that name is another person's here"] += 1
            return None
        user = User(
            username=author.login[:150],
            email=author.email,
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        self.report.count("user", "created (inactive)")
        return user.pk

    def _term(self, term):
        if term.taxonomy == "category":
            self.categories[term.slug] = term
        elif term.taxonomy == "post_tag":
            self.tags[term.slug] = self._tag(term.slug, term.name)
        else:
            self.report.skipped[f"{term.taxonomy} terms (not something Dateline keeps)"] += 1

    def _tag(self, slug, name):
        # taggit keeps names unique too: a tag of the same name is the same tag.
        tag = Tag.objects.filter(Q(slug=slug[:100]) | Q(name=(name or slug)[:100])).first()
        if tag is None:
            tag = Tag.objects.create(slug=slug[:100], name=(name or slug)[:100])
            self.report.count("tag", "created")
        else:
            self.report.count("tag", "unchanged")
        return tag

    def _make_sections(self):
        """Every category a section, in the edition its name is written in:
        the default edition's, unless Arabic or Farsi letters say otherwise."""
        self.terms_done = True
        mapped = self._section_map()
        for slug in list(self.categories):
            if slug in mapped:
                self._place(slug, mapped[slug])
                self.report.count("category", "mapped to a section")
        for slug in list(self.categories):
            self._placed(slug)

    def _placed(self, slug, below=()):
        """The section of a category, its parent's made first (WordPress
        lists parents first, but a file may not: and a loop of parents,
        which WordPress itself prevents, ends at the top)."""
        language = self.category_language.get(slug)
        if language is None:
            term = self.categories[slug]
            parent = term.parent_slug
            if parent in self.categories and parent != slug and parent not in below:
                parent_section = self._placed(parent, (*below, slug))
            else:
                parent_section = None
            self._place(slug, self._section(term, parent_section))
            language = self.category_language[slug]
        return self.sections[(slug, language)]

    def _place(self, slug, section):
        language = self._language_of_locale(section.locale_id)
        self.sections[(slug, language)] = section
        self.category_language[slug] = language

    def _language_of_locale(self, locale_id):
        if locale_id not in self.locales:
            self.locales[locale_id] = Locale.objects.get(pk=locale_id).language_code
        return self.locales[locale_id]

    def _section(self, term, parent_section=None):
        """A category's own section: a subsection of `parent_section` if it
        has one (in that section's edition), else a section of the edition
        its name is written in."""
        imported = ImportedItem.objects.filter(source=self.source, kind=ImportedItem.Kind.CATEGORY, key=term.slug)
        section = SectionPage.objects.filter(pk__in=imported.values("object_id")).first()
        if section is not None:
            self.report.count("category", "unchanged")
            return section
        if parent_section is not None:
            parent = parent_section
        else:
            language = language_of(term.name, self.languages)
            parent = self._edition_home(language) if language else self.home
        slug = slugify(term.slug, allow_unicode=True) or "section"
        if slug in RESERVED_SECTION_SLUGS:
            slug = f"{slug}-section"
        section = publish_child(
            parent=parent,
            page=SectionPage(
                title=(term.name or term.slug)[:TITLE_LENGTH],
                slug=self._free_section_slug(parent, slug),
                introduction=content.plain_text(term.description),
            ),
        )
        self._remember(ImportedItem.Kind.CATEGORY, term.slug, section.pk, fingerprint(term))
        self.report.count("category", "created as a subsection" if parent_section else "created as a section")
        return section

    def _section_map(self):
        """--section-map: lines of `category-slug: section-slug` (a section of
        the default edition), # for comments."""
        if not self.section_map_file:
            return {}
        mapped = {}
        for number, line in enumerate(Path(self.section_map_file).read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            category, colon, section_slug = (part.strip() for part in line.partition(":"))
            section = SectionPage.objects.descendant_of(self.home).filter(slug=section_slug).first()
            if not colon or not category or section is None:
                raise ImportStopped(
                    f"{self.section_map_file}, line {number}: expected `category-slug: section-slug` "
                    f"naming a section of the site, got {line!r}"
                )
            mapped[wxr.decode_slug(category)] = section
        return mapped

    def _edition_home(self, language):
        if language not in self.homes:
            locale, _ = Locale.objects.get_or_create(language_code=language)
            home = self.home.get_translation_or_none(locale)
            if home is None:
                home = self.home.copy_for_translation(locale)
                home.save_revision().publish()
                self.report.count("edition", f"{language} home created")
            self.homes[language] = home.specific
        return self.homes[language]

    def _section_in(self, slug, language):
        """The section of a category in an edition: its own, or its
        translation there (made if missing)."""
        key = (slug, language)
        if key not in self.sections:
            own = self.sections[(slug, self.category_language[slug])]
            self._edition_home(language)
            self.sections[key] = self._translated(own, Locale.objects.get(language_code=language))
        return self.sections[key]

    def _translated(self, section, locale):
        """A section's translation, made if missing (after the sections above it)."""
        translation = section.get_translation_or_none(locale)
        if translation is None:
            parent = section.get_parent().specific
            if isinstance(parent, SectionPage):
                self._translated(parent, locale)
            translation = section.copy_for_translation(locale)
            translation.save_revision().publish()
            self.report.count("category", f"translated into {locale.language_code}")
        return translation.specific

    # Items ------------------------------------------------------------------

    def _item(self, item):
        if not self.terms_done:
            self._make_sections()
        if item.wp_id in self.seen:
            self.report.skipped["items listed twice in the file (the first was imported)"] += 1
            return
        self.seen.add(item.wp_id)
        if item.post_type == "attachment":
            if item.wp_id not in self.images:
                self._image(item.wp_id)
            return
        if item.post_type not in ("post", "page"):
            self.report.skipped[f"{item.post_type} items (not content Dateline keeps)"] += 1
            return
        if item.status not in STATUSES:
            self.report.skipped[f"{item.post_type}s with status “{item.status}”"] += 1
            return
        if item.post_type == "page":
            self._page(item)
            return
        self.pending.append(item)
        if len(self.pending) >= BATCH_SIZE:
            self._flush()

    def _image(self, wp_id):
        """The library image of an attachment, made from --media-dir; None if
        the file is missing."""
        if wp_id in self.images:
            return self.images[wp_id]
        attachment = self.survey.attachments.get(wp_id)
        if attachment is None:
            return None
        self.images[wp_id] = None
        if self.media_dir is None:
            self.report.skipped["attachments: no --media-dir given to take their files from"] += 1
            return None
        file = self.media_dir / attachment.relative_path
        if not file.is_file() or not file.resolve().is_relative_to(self.media_dir.resolve()):
            self.report.missing_media.append(attachment.relative_path)
            self.report.count("attachment", "file missing")
            return None
        if not _is_image(file):
            self.report.skipped["attachments that are not images (documents, audio, video)"] += 1
            return None
        if self.dry_run:
            self.report.count("attachment", "created as an image")
            return None
        with file.open("rb") as handle:
            image = NewsImage(title=attachment.title[:255], description=attachment.alt[:255])
            image.file = ImageFile(handle, name=file.name)
            image.save()
        self.created_files.append(image.file.name)
        self._remember(ImportedItem.Kind.ATTACHMENT, wp_id, image.pk, fingerprint(attachment))
        self.report.count("attachment", "created as an image")
        self.images[wp_id] = image.pk
        return image.pk

    def _find_image(self, url):
        relative = SIZE_VARIANT.sub("", uploads_path(url)).lstrip("/").lower()
        wp_id = self.survey.attachment_by_path.get(relative)
        if wp_id is None:  # not under uploads/ (another system's export): the attachment's own address
            wp_id = self.survey.attachment_by_url.get(SIZE_VARIANT.sub("", urlsplit(url).path).lower())
        if wp_id is None:
            return None
        image_id = self._image(wp_id)
        attachment = self.survey.attachments[wp_id]
        if image_id is None:
            return None
        return content.ImageRef(image_id=image_id, alt=attachment.alt, caption=attachment.caption)

    def _link_to_page(self, url):
        parts = urlsplit(url)
        if parts.netloc.lower() not in self.old_hosts:
            return None
        path = addresses.normalise(parts.path or "/", parts.query)
        old = self.address_pages.get(path)
        if old is not None:
            return old
        if path in self.survey.post_addresses:
            # A post not written yet (further on, or in the same batch): its
            # old address on this site for now, made a page link at the end.
            self.links_ahead = True
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None

    def _save_addresses(self, rows):
        """A post's or page's old addresses, saved and known to the links that follow."""
        OldAddress.objects.bulk_create(rows, ignore_conflicts=True)
        for address in rows:
            self.address_pages.setdefault(address.path, address.page_id)

    @property
    def address_pages(self):
        """Old paths of the posts imported so far -> page id."""
        if not hasattr(self, "_address_pages"):
            self._address_pages = dict(
                OldAddress.objects.filter(site=self.site, feed=False, tag_slug="").values_list("path", "page_id")
            )
        return self._address_pages

    def _convert(self, item):
        self.links_ahead = False
        converted = content.convert(item.content, link_to_page=self._link_to_page, find_image=self._find_image)
        for note in converted.notes:
            self.report.notes[note if not note.startswith("image not found") else "images not found"] += 1
        return converted.body

    def _language(self, item):
        return language_of(f"{item.title} {item.content[:2000]}", self.languages) or self.language

    def _sections_of(self, item, language):
        slugs = []
        for ref in item.terms:
            if ref.taxonomy == "category" and ref.slug not in slugs:
                if ref.slug not in self.categories:  # used, but not listed at the top of the file
                    self.categories[ref.slug] = wxr.Term("category", None, ref.slug, ref.name, "", "")
                    self._place(ref.slug, self._section(self.categories[ref.slug]))
                slugs.append(ref.slug)
        if not slugs:
            slugs = [self._uncategorised()]
        sections = []
        for slug in slugs:
            section = self._section_in(slug, language)
            if section not in sections:
                sections.append(section)
        return sections

    def _uncategorised(self):
        """WordPress files a post without a category under "Uncategorized"; so does this."""
        slug = "uncategorized"
        if slug not in self.categories:
            self.categories[slug] = wxr.Term("category", None, slug, "Uncategorized", "", "")
            self._place(slug, self._section(self.categories[slug]))
        return slug

    def _tags_of(self, item):
        tags = []
        for ref in item.terms:
            if ref.taxonomy == "post_tag":
                if ref.slug not in self.tags:
                    self.tags[ref.slug] = self._tag(ref.slug, ref.name)
                tags.append(self.tags[ref.slug])
        return tags

    def _free_section_slug(self, parent, slug):
        """A slug free among the sections of the parent's edition (where
        feeds and search name sections by slug) and the parent's children."""
        edition = parent.path[: 2 * Page.steplen]
        if edition not in self.used_section_slugs:
            self.used_section_slugs[edition] = set(
                SectionPage.objects.filter(path__startswith=edition).values_list("slug", flat=True)
            )
        used = self.used_section_slugs[edition]
        candidate = self._free_slug(parent, slug, also_used=used)
        used.add(candidate)
        return candidate

    def _free_slug(self, parent, slug, also_used=frozenset()):
        if parent.pk not in self.used_slugs:
            self.used_slugs[parent.pk] = set(Page.objects.child_of(parent).values_list("slug", flat=True))
        used = self.used_slugs[parent.pk]
        slug = slug[:240] or "story"
        candidate, n = slug, 2
        while candidate in used or candidate in also_used:
            candidate, n = f"{slug}-{n}", n + 1
        used.add(candidate)
        return candidate

    def _slug_of(self, item):
        return (
            slugify(item.post_name, allow_unicode=True)
            or slugify(content.plain_text(item.title))
            or f"post-{item.wp_id}"
        )

    def _state(self, item):
        """(live, first published, go live at) for the item's status."""
        state = STATUSES[item.status]
        if state == LIVE:
            return True, item.date or item.modified, None
        if state == SCHEDULED and item.date:
            return False, None, item.date
        return False, None, None

    # Posts, a batch at a time -----------------------------------------------

    def _flush(self):
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        known = dict(
            ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.POST, key__in=[str(item.wp_id) for item in batch]
            ).values_list("key", "fingerprint")
        )
        new, articles, relations = [], [], {"bylines": {}, "tag_links": {}, "also_in": {}}
        for item in batch:
            digest = fingerprint(replace(item, comments=(), line=0))
            if str(item.wp_id) in known:
                if known[str(item.wp_id)] == digest:
                    self.report.count("post", "unchanged")
                else:
                    self._update_post(item, digest)
                continue
            article = self._article(item)
            index = len(articles)
            articles.append(article)
            new.append((item, article, digest))
            author = self.authors.get(item.creator)
            relations["bylines"][index] = [author] if author else []
            relations["tag_links"][index] = self._tags_of(item)
            relations["also_in"][index] = article._also_in
        if articles:
            ArticleBatch(articles, content_types=self.types, **relations).write()
        rows, old_addresses = [], []
        for item, article, digest in new:
            self.posts[item.wp_id] = article.pk
            rows.append(self._imported_row(ImportedItem.Kind.POST, item.wp_id, article.pk, digest))
            old_addresses += self._old_addresses(item, article.pk)
            if item.sticky and article.live:
                self.sticky[article.locale.language_code] = article.pk
            if item.password:
                self.restrictions.append((article.pk, item.password))
            if article._links_ahead:
                self.links_ahead_in.append(article.pk)
            self.report.count("post", f"created ({STATUSES[item.status]}, {item.status})")
            if item.status == "pending":
                self._submit_for_review(article, item)
        ImportedItem.objects.bulk_create(rows)
        self._save_addresses(old_addresses)
        self._comments(batch)

    def _article(self, item):
        language = self._language(item)
        sections = self._sections_of(item, language)
        section = sections[0]
        live, published, go_live_at = self._state(item)
        title = Truncator(content.plain_text(item.title) or f"Untitled ({item.wp_id})").chars(TITLE_LENGTH)
        slug = self._free_slug(section, self._slug_of(item))
        changed = item.modified or item.date or timezone.now()
        hero = self._image(int(item.meta.get("_thumbnail_id", "0") or 0)) if item.meta.get("_thumbnail_id") else None
        attachment = self.survey.attachments.get(int(item.meta.get("_thumbnail_id", "0") or 0))
        excerpt = content.plain_text(item.excerpt)
        if len(excerpt) > STANDFIRST_LENGTH:
            self.report.notes["excerpt longer than a standfirst: cut at 400 characters"] += 1
        article = ArticlePage(
            title=title,
            draft_title=title,
            headline_key=headline_key(title),
            slug=slug,
            path=self.slots.take(section),
            depth=section.depth + 1,
            numchild=0,
            url_path=f"{section.url_path}{slug}/",
            content_type_id=self.types["article"],
            locale_id=section.locale_id,
            translation_key=uuid.uuid4(),
            live=live,
            has_unpublished_changes=not live,
            first_published_at=published,
            last_published_at=published and changed,
            latest_revision_created_at=changed,
            go_live_at=go_live_at,
            owner_id=self.users.get(item.creator),
            standfirst=Truncator(excerpt).chars(STANDFIRST_LENGTH),
            body=self._convert(item),
            comments_open=item.comment_status == "open",
            hero_image_id=hero,
            hero_alt=(attachment.alt or attachment.title)[:255] if hero and attachment else "",
            hero_caption=(attachment.caption[:400] if hero and attachment else ""),
        )
        article._also_in = sections[1:]
        article._links_ahead = self.links_ahead
        return article

    def _update_post(self, item, digest):
        """A post changed since the last import: a new revision of its page,
        published if the post is (an editor's later changes are kept as
        earlier revisions in the page's history)."""
        page_id = self.posts.get(item.wp_id)
        page = Page.objects.filter(pk=page_id).first()
        if page is None:
            self.report.skipped["posts deleted in Dateline since an earlier import (not made again)"] += 1
            return
        page = page.specific
        page.title = page.draft_title = Truncator(content.plain_text(item.title)).chars(TITLE_LENGTH) or page.title
        if isinstance(page, ArticlePage):
            page.standfirst = Truncator(content.plain_text(item.excerpt)).chars(STANDFIRST_LENGTH)
            page.body = self._convert(item)
            page.comments_open = item.comment_status == "open"
            page.tags.set(self._tags_of(item))
        else:
            page.body = self._page_body(item)
        live, published, _ = self._state(item)
        if live and page.first_published_at is None:
            page.first_published_at = published  # a draft published since: at its time, not the import's
        revision = page.save_revision(user=None, log_action=True)
        if live:
            self.review.withdraw(page)
            revision.publish()
        elif item.status == "pending":
            self._submit_for_review(page, item)
        ImportedItem.objects.filter(source=self.source, kind=ImportedItem.Kind.POST, key=str(item.wp_id)).update(
            fingerprint=digest
        )
        self.report.count(item.post_type, "updated")

    def _submit_for_review(self, page, item):
        if self.review.submit(page, requested_by_id=self.users.get(item.creator)):
            self.report.count(item.post_type, "waiting in review (pending)")
        else:
            self.report.notes["pending posts left as drafts: no review workflow covers their section"] += 1

    def _old_addresses(self, item, page_id):
        paths = {addresses.path_of(item.link)} if item.link else set()
        paths.add(f"/?p={item.wp_id}")
        if item.post_type == "page":
            paths.add(f"/?page_id={item.wp_id}")
        return [OldAddress(site=self.site, path=path[:500], page_id=page_id) for path in paths if path != "/"]

    # Pages -------------------------------------------------------------------

    def _page_body(self, item):
        """An information page's body is rich text: the converted blocks'
        text, images and embeds as links (a page has no blocks)."""
        parts = []
        for block in self._convert(item):
            if block["type"] == "paragraph":
                parts.append(block["value"])
            elif block["type"] == "quote":
                parts.append(f"<blockquote>{nh3.clean_text(block['value']['quote'])}</blockquote>")
            elif block["type"] == "embed":
                url = nh3.clean_text(block["value"])
                parts.append(f'<p><a href="{url}">{url}</a></p>')
        # A page must have a body: an empty WordPress page gets an empty paragraph.
        return "".join(parts) or "<p></p>"

    def _page(self, item):
        digest = fingerprint(replace(item, comments=(), line=0))
        known = ImportedItem.objects.filter(source=self.source, kind=ImportedItem.Kind.POST, key=str(item.wp_id))
        existing = known.values_list("fingerprint", flat=True).first()
        if existing is not None:
            if existing == digest:
                self.report.count("page", "unchanged")
            else:
                self._update_post(item, digest)
            return
        language = self._language(item)
        home = self._edition_home(language) if language != self.language else self.home
        title = Truncator(content.plain_text(item.title) or f"Untitled ({item.wp_id})").chars(TITLE_LENGTH)
        slug = self._free_slug(home, self._slug_of(item))
        if slug in RESERVED_SECTION_SLUGS:
            slug = self._free_slug(home, f"{slug}-page")
        live, published, go_live_at = self._state(item)
        page = StandardPage(
            title=title,
            slug=slug,
            body=self._page_body(item),
            show_in_menus=False,
            first_published_at=published,
            live=False,  # published below if the post is; a new page is live unless told otherwise
            go_live_at=go_live_at,
        )
        home.add_child(instance=page)
        revision = page.save_revision(user=None)
        if live or go_live_at:
            revision.publish()  # a future page is scheduled: the worker publishes it at its time
        self.posts[item.wp_id] = page.pk
        self._remember(ImportedItem.Kind.POST, item.wp_id, page.pk, digest)
        addresses_made = self._old_addresses(item, page.pk)
        self._save_addresses(addresses_made)
        if item.password:
            self.restrictions.append((page.pk, item.password))
        self.report.count("page", f"created ({STATUSES[item.status]}, {item.status})")
        if item.status == "pending":
            self._submit_for_review(page, item)
        if item.comments:
            self.report.skipped["comments on pages (Dateline's pages take no comments)"] += len(item.comments)

    # Comments ------------------------------------------------------------------

    def _comments(self, batch):
        """The comments of a batch of posts, with their threads: a level of
        replies at a time, since each needs its parent's id."""
        keys = [str(comment.wp_id) for item in batch for comment in item.comments]
        if not keys:
            return
        known = {
            key: (object_id, digest)
            for key, object_id, digest in ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.COMMENT, key__in=keys
            ).values_list("key", "object_id", "fingerprint")
        }
        placed = {}  # wp comment id -> Comment (new) or comment id (imported before)
        levels = defaultdict(list)  # depth -> [(wp comment, Comment)]
        for item in batch:
            article_id = self.posts.get(item.wp_id)
            if article_id is None:
                continue
            for comment, parent_wp_id, depth in self._threaded(item):
                if str(comment.wp_id) in known:
                    self._update_comment(comment, *known[str(comment.wp_id)])
                    placed[comment.wp_id] = known[str(comment.wp_id)][0]
                    continue
                new = self._comment(comment, article_id)
                new._parent_wp_id = parent_wp_id
                placed[comment.wp_id] = new
                levels[depth].append((comment, new))
        rows = []
        for depth in sorted(levels):
            for _, new in levels[depth]:
                parent = placed.get(new._parent_wp_id)
                if parent is not None:
                    parent_id = parent if isinstance(parent, int) else parent.pk
                    new.parent_id = parent_id
                    parent_comment = parent if not isinstance(parent, int) else None
                    if parent_comment is not None:
                        new.thread_root_id = parent_comment.thread_root_id or parent_comment.pk
                        new.depth = parent_comment.depth + 1
                    else:
                        root, parent_depth = Comment.objects.filter(pk=parent_id).values_list("thread_root", "depth")[0]
                        new.thread_root_id = root or parent_id
                        new.depth = parent_depth + 1
            Comment.objects.bulk_create([new for _, new in levels[depth]])
            for comment, new in levels[depth]:
                rows.append(self._imported_row(ImportedItem.Kind.COMMENT, comment.wp_id, new.pk, fingerprint(comment)))
                self.report.count("comment", f"created ({new.status})")
        ImportedItem.objects.bulk_create(rows)

    def _threaded(self, item):
        """(comment, parent's wp id or None, depth) for the comments of a post
        to import, parents before replies whatever order the file has them
        in. A reply whose parent is not imported (spam, a pingback) joins
        the nearest ancestor that is."""
        wanted = {}
        for comment in item.comments:
            if comment.type in ("pingback", "trackback") and not self.with_pingbacks:
                self.report.skipped[f"{comment.type}s (import them with --with-pingbacks)"] += 1
            elif comment.approved == "spam":
                self.report.skipped["comments marked as spam"] += 1
            elif comment.approved not in COMMENT_STATUSES:
                self.report.skipped[f"comments with status “{comment.approved}”"] += 1
            else:
                wanted[comment.wp_id] = comment
        parents = {comment.wp_id: comment.parent_id for comment in item.comments}

        def imported_parent(comment):
            seen, parent = set(), comment.parent_id
            while parent and parent not in seen:
                if parent in wanted:
                    return parent
                seen.add(parent)
                parent = parents.get(parent, 0)
            return None

        depth_of = {}

        def depth(wp_id, chain=()):
            if wp_id not in depth_of:
                parent = imported_parent(wanted[wp_id])
                depth_of[wp_id] = 0 if parent is None or parent in chain else depth(parent, (*chain, wp_id)) + 1
            return depth_of[wp_id]

        ordered = sorted(wanted.values(), key=lambda comment: depth(comment.wp_id))
        return [(comment, imported_parent(comment), depth(comment.wp_id)) for comment in ordered]

    def _comment(self, comment, article_id):
        website = comment.url if comment.url.startswith(("http://", "https://")) and len(comment.url) <= 200 else ""
        return Comment(
            article_id=article_id,
            name=without_controls(comment.author, keep=set()).strip()[:100] or "Anonymous",
            email=comment.email[:254],
            website=website,
            body=comment_text(comment.content),
            status=COMMENT_STATUSES[comment.approved],
            submitted_at=comment.date,
            ip_address=_ip(comment.ip),
            moderated_at=comment.date if comment.approved != "0" else None,
        )

    def _update_comment(self, comment, comment_id, digest):
        if fingerprint(comment) == digest or comment.approved not in COMMENT_STATUSES:
            self.report.count("comment", "unchanged")
            return
        Comment.objects.filter(pk=comment_id).update(
            body=comment_text(comment.content), status=COMMENT_STATUSES[comment.approved]
        )
        ImportedItem.objects.filter(source=self.source, kind=ImportedItem.Kind.COMMENT, key=str(comment.wp_id)).update(
            fingerprint=fingerprint(comment)
        )
        self.report.count("comment", "updated")

    # The end ---------------------------------------------------------------------

    def _finish(self):
        if not self.terms_done:
            self._make_sections()
        self._link_ahead()
        self.slots.count_children()
        for page_id, password in self.restrictions:
            PageViewRestriction.objects.get_or_create(
                page_id=page_id, defaults={"restriction_type": PageViewRestriction.PASSWORD, "password": password}
            )
        for language, page_id in self.sticky.items():
            home = self._edition_home(language) if language != self.language else self.home
            home = HomePage.objects.get(pk=home.pk)
            if home.lead_article_id != page_id:
                home.lead_article_id = page_id
                home.save_revision().publish()
                self.report.count("sticky post", "made the lead story")
        self._archive_addresses()
        pagecache.purge(SITE)
        if connection.vendor == "postgresql" or self.report.counts.get(("post", "created (live, publish)"), 0) > 1000:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _link_ahead(self):
        """Links to posts that were not written yet when the story linking to
        them was: now page links, in the story and in its revision."""
        for article in ArticlePage.objects.filter(pk__in=self.links_ahead_in).iterator(chunk_size=100):
            raw = list(article.body.raw_data)
            changed = False
            for block in raw:
                if block["type"] == "paragraph":
                    value = OLD_LINK.sub(self._page_link, block["value"])
                    changed |= value != block["value"]
                    block["value"] = value
            if changed:
                article.body = raw
                ArticlePage.objects.filter(pk=article.pk).update(body=article.body)
                Revision.objects.filter(pk=article.latest_revision_id).update(content=article.serializable_data())
                ReferenceIndex.create_or_update_for_object(article)

    def _page_link(self, match):
        page_id = self.address_pages.get(addresses.normalise(*unescape(match["href"]).partition("?")[::2]))
        return f'<a id="{page_id}" linktype="page">' if page_id else match[0]

    def _archive_addresses(self):
        """Category, tag and author archives, and the site's feed."""
        rows = [OldAddress(site=self.site, path="/feed", page_id=self.home.pk, feed=True)]
        for slug, term in self.categories.items():
            section = self.sections.get((slug, self.category_language.get(slug)))
            if section is None:
                continue
            trail, parent = [slug], term.parent_slug
            while parent and parent in self.categories and parent not in trail:
                trail.insert(0, parent)
                parent = self.categories[parent].parent_slug
            rows.append(
                OldAddress(site=self.site, path=addresses.normalise("/category/" + "/".join(trail)), page=section)
            )
            if term.wp_id:
                rows.append(OldAddress(site=self.site, path=f"/?cat={term.wp_id}", page=section))
        for slug in self.tags:
            rows.append(
                OldAddress(site=self.site, path=addresses.normalise(f"/tag/{slug}"), page=self.home, tag_slug=slug)
            )
            rows.append(OldAddress(site=self.site, path=f"/?tag={slug.lower()}", page=self.home, tag_slug=slug))
        for login, author in self.authors.items():
            rows.append(OldAddress(site=self.site, path=addresses.normalise(f"/author/{login}"), page=author))
            if self.author_ids.get(login):
                rows.append(OldAddress(site=self.site, path=f"/?author={self.author_ids[login]}", page=author))
        OldAddress.objects.bulk_create(rows, ignore_conflicts=True)

    def _remove_created_files(self):
        """Image files written for an import that did not happen."""
        storage = NewsImage._meta.get_field("file").storage
        for name in self.created_files:
            storage.delete(name)
        self.created_files = []


def _is_image(file):
    """Whether the library can take the file: an image format it allows,
    that Pillow can read (a PDF or an MP3 is an attachment too)."""
    if file.suffix.lower().lstrip(".") not in get_allowed_image_extensions():
        return False
    try:
        with PillowImage.open(file) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError):  # what Pillow raises for a damaged or unknown file
        return False
    return True


def comment_text(html):
    """A WordPress comment (which may hold a little HTML) as Dateline keeps
    comments: plain text, line breaks kept, controls removed."""
    text = re.sub(r"<br\s*/?>|</p>\s*<p[^>]*>", "\n", html, flags=re.IGNORECASE)
    return without_controls(unescape(nh3.clean(text, tags=set()))).strip()


def _ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
