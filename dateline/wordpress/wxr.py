"""A streaming reader of WordPress export files (WXR).

WXR, "WordPress eXtended RSS", is what Tools > Export writes: an RSS 2.0
feed whose one `<channel>` holds the site's authors and terms, then one
`<item>` per post, page, attachment or menu entry, with WordPress's own
fields in a `wp:` namespace (`http(s)://wordpress.org/export/1.0/`, `1.1/`
or `1.2/`) and the body in `content:encoded`.

`read()` yields a `Channel` first, then `Author`, `Term` and `Item` records
in file order. It is read with lxml's `iterparse` because:

- it streams: each item is turned into a record, then cleared and its
  earlier siblings dropped, so a 1 GB export runs in bounded memory;
- it keeps each element's `sourceline`, so errors and items name their line;
- libxml2 can be told never to load a DTD, never to touch the network and
  never to substitute entities, and it refuses billion-laughs amplification
  on its own. An entity reference is left out of the text, not expanded.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from lxml import etree

NOT_WXR = "not a WordPress export (WXR) file"

# Version-agnostic, like WordPress's own importer: any /export/x.y/ (and its
# /excerpt/ sibling), over http or https (wordpress.com writes https).
WP_NAMESPACE = re.compile(r"https?://wordpress\.org/export/\d+(?:\.\d+)*/(excerpt/)?\Z")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"

PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": True,  # a post body or meta value may pass libxml2's 10 MB text limit
    "remove_comments": True,
    "remove_pis": True,
}

# A site's offset from UTC is between -12 and +14 hours; a wider difference
# between a post's local and GMT times is a broken record, not a time zone.
MAX_OFFSET = timedelta(hours=14)
# Comment.date cannot be None: when neither the comment nor its item has a
# usable time, the comment is dated at the epoch, visibly wrong but sortable.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

CHANNEL_FIELDS = {
    "title": "title",
    "link": "link",
    "description": "description",
    "language": "language",
    "wp:wxr_version": "wxr_version",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
}
# The three ways a term is listed: its taxonomy (None: wp:term_taxonomy
# says), then the names of its slug, name, parent slug and description.
TERM_FIELDS = {
    "wp:category": ("category", "category_nicename", "cat_name", "category_parent", "category_description"),
    "wp:tag": ("post_tag", "tag_slug", "tag_name", None, "tag_description"),
    "wp:term": (None, "term_slug", "term_name", "term_parent", "term_description"),
}
TERM_ELEMENTS = TERM_FIELDS.keys()
RECORD_ELEMENTS = TERM_ELEMENTS | {"wp:author", "item"}


class WXRError(ValueError):
    """The file is not a WXR export we can read."""

    def __init__(self, message, line=None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Channel:
    title: str
    link: str
    description: str
    language: str
    wxr_version: str
    base_site_url: str
    base_blog_url: str


@dataclass(frozen=True)
class Author:
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str
    wp_id: int | None


@dataclass(frozen=True)
class Term:
    taxonomy: str  # as WordPress names it: category, post_tag, nav_menu, post_format...
    wp_id: int | None
    slug: str
    name: str
    parent_slug: str  # "" if none
    description: str


@dataclass(frozen=True)
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime  # aware UTC; EPOCH when nothing in the file dates it
    content: str
    approved: str  # "1", "0", "spam", "trash", "post-trashed"
    type: str  # "comment", "pingback", "trackback"
    parent_id: int  # 0: none
    user_id: int


@dataclass(frozen=True)
class TermRef:
    """One `<category domain="..." nicename="...">Name</category>` of an item."""

    taxonomy: str
    slug: str
    name: str


@dataclass(frozen=True)
class Item:
    wp_id: int
    title: str
    link: str
    creator: str
    guid: str
    content: str
    excerpt: str
    date: datetime | None  # aware UTC
    modified: datetime | None  # aware UTC
    comment_status: str
    post_name: str
    status: str
    parent_id: int
    menu_order: int
    post_type: str
    password: str
    sticky: bool
    terms: tuple[TermRef, ...]
    meta: dict
    attachment_url: str
    comments: tuple[Comment, ...]
    line: int  # where <item> starts (for a tag split over lines, libxml2 gives the line of its ">")


def read(source) -> Iterator[Channel | Author | Term | Item]:
    """Yield the export's records: the Channel, then Authors, Terms and Items
    in file order. `source` is a path (str or Path) or a binary file object.

    Raises WXRError, possibly after some records were yielded: a broken tag
    near the end of the file is only seen when the parser gets there."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            yield from _read(file)
    else:
        yield from _read(source)


def decode_slug(raw: str) -> str:
    """A slug as WordPress stores it, decoded: non-Latin slugs are
    percent-encoded UTF-8 (in either case of hex) and may be cut at 200 bytes
    inside a character, whose broken bytes are dropped."""
    raw = raw.strip()
    if "%" not in raw:
        return raw
    return unquote_to_bytes(raw).decode("utf-8", errors="ignore")


# Reading --------------------------------------------------------------------


def _read(file):
    parser = etree.iterparse(file, events=("start", "end"), **PARSER_OPTIONS)
    clock = _Clock()
    channel_fields = {}
    channel_sent = False
    channel_line = None
    root_line = None
    seen_terms = set()  # (taxonomy, slug): WordPress 6 lists each category and tag twice
    depth = 0
    try:
        for event, elem in parser:
            if event == "start":
                depth += 1
                if depth == 3:
                    if not channel_sent and _name(elem.tag) in RECORD_ELEMENTS:
                        channel_sent = True
                        yield _channel(channel_fields)
                elif depth == 1:
                    root_line = elem.sourceline
                    if elem.tag != "rss":
                        raise WXRError(f"{NOT_WXR}: it is <{etree.QName(elem).localname}>, not <rss>", root_line)
                elif depth == 2 and elem.tag == "channel" and channel_line is None:
                    channel_line = elem.sourceline
                    if not any(WP_NAMESPACE.match(uri) for uri in elem.nsmap.values()):
                        raise WXRError(f"{NOT_WXR}: it has no WordPress (wp:) namespace", channel_line)
                continue

            # An element ended. Only the channel's children are read, each
            # whole, in one pass over its own children.
            if depth == 3:
                name = _name(elem.tag)
                record = None
                if name == "item":
                    record = _item(elem, clock)
                elif name == "wp:author":
                    record = _author(elem)
                elif name in TERM_ELEMENTS:
                    record = _term(elem, name)
                    if record is not None:
                        key = (record.taxonomy, record.slug)
                        record = None if key in seen_terms else record
                        seen_terms.add(key)
                elif not channel_sent and name in CHANNEL_FIELDS:
                    channel_fields.setdefault(CHANNEL_FIELDS[name], _text(elem).strip())
                elem.clear()
                parent = elem.getparent()
                while elem.getprevious() is not None:
                    del parent[0]
                if record is not None:
                    yield record
            elif depth == 2:
                if elem.tag == "channel" and not channel_sent:
                    channel_sent = True
                    yield _channel(channel_fields)
                elem.clear()
            depth -= 1
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, parser.error_log) from error
    if channel_line is None:
        raise WXRError(f"{NOT_WXR}: it has no <channel>", root_line)


def _syntax_error(error, log):
    # The exception names the first error in libxml2's log, which may be a
    # bare "no element found" (line 0) after an undeclared entity, or an
    # undeclared prefix that libxml2 read past; where it stopped is clearer.
    for level in (etree.ErrorLevels.FATAL, etree.ErrorLevels.ERROR):
        for entry in log:
            if entry.level == level and entry.line:
                return WXRError(f"malformed XML: {entry.message}", entry.line)
    return WXRError(f"malformed XML: {error.msg}", error.lineno or None)


@lru_cache(maxsize=4096)
def _name(tag):
    """'{https://wordpress.org/export/1.2/}post_id' -> 'wp:post_id', and
    'content:...', 'excerpt:...', 'dc:...'; plain RSS names stay as they are.
    None for other namespaces (plugins') and for entity references."""
    if not isinstance(tag, str):
        return None
    if tag[0] != "{":
        return tag
    uri, local = tag[1:].split("}", 1)
    if uri == CONTENT_NAMESPACE:
        return f"content:{local}"
    if uri == DC_NAMESPACE:
        return f"dc:{local}"
    if match := WP_NAMESPACE.match(uri):
        return f"excerpt:{local}" if match[1] else f"wp:{local}"
    return None


def _text(elem):
    if not len(elem):
        return elem.text or ""
    # Rare: an unexpanded entity reference or stray markup splits the text.
    # Keep the text and the elements' text, never the reference itself.
    parts = [elem.text or ""]
    for child in elem:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _fields(elem):
    return {_name(child.tag): _text(child) for child in elem}


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _int_or_none(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _channel(fields):
    return Channel(**{field: fields.get(field, "") for field in CHANNEL_FIELDS.values()})


def _author(elem):
    fields = _fields(elem)
    return Author(
        login=fields.get("wp:author_login", "").strip(),
        email=fields.get("wp:author_email", "").strip(),
        display_name=fields.get("wp:author_display_name", "").strip(),
        first_name=fields.get("wp:author_first_name", "").strip(),
        last_name=fields.get("wp:author_last_name", "").strip(),
        wp_id=_int_or_none(fields.get("wp:author_id")),
    )


def _term(elem, name):
    """A wp:category, wp:tag or wp:term as a Term; None without a taxonomy
    or slug, which no item could refer to."""
    fields = _fields(elem)
    taxonomy, *keys = TERM_FIELDS[name]
    slug, term_name, parent, description = (fields.get(f"wp:{key}", "") if key else "" for key in keys)
    taxonomy = taxonomy or fields.get("wp:term_taxonomy", "").strip()
    slug = decode_slug(slug)
    if not (taxonomy and slug):
        return None
    return Term(
        taxonomy=taxonomy,
        wp_id=_int_or_none(fields.get("wp:term_id")),
        slug=slug,
        name=term_name.strip(),
        parent_slug=decode_slug(parent),
        description=description,
    )


def _item(elem, clock):
    line = elem.sourceline
    fields = {}
    terms = []
    meta = {}
    comments = []
    for child in elem:
        name = _name(child.tag)
        if name == "category":
            # WXR 1.0 repeats each category without nicename for feed
            # readers; WordPress's importer skips those too.
            nicename = child.get("nicename")
            if nicename is not None and (slug := decode_slug(nicename)):
                domain = (child.get("domain") or "category").strip()
                taxonomy = "post_tag" if domain == "tag" else domain  # WXR 1.0 said "tag"
                terms.append(TermRef(taxonomy, slug, _text(child).strip()))
        elif name == "wp:postmeta":
            parts = _fields(child)
            if key := parts.get("wp:meta_key", "").strip():
                meta[key] = parts.get("wp:meta_value", "")
        elif name == "wp:comment":
            comments.append(child)  # read below, once the item's date is known
        elif name is not None:
            fields[name] = _text(child)

    wp_id = _int(fields.get("wp:post_id"))
    if wp_id <= 0:
        raise WXRError("an item without a valid wp:post_id", line)
    get = fields.get
    clock.learn(get("wp:post_date"), get("wp:post_date_gmt"))
    clock.learn(get("wp:post_modified"), get("wp:post_modified_gmt"))
    date = clock.utc(get("wp:post_date"), get("wp:post_date_gmt"))
    return Item(
        wp_id=wp_id,
        title=get("title", "").strip(),
        link=get("link", "").strip(),
        creator=get("dc:creator", "").strip(),
        guid=get("guid", "").strip(),
        content=get("content:encoded", ""),
        excerpt=get("excerpt:encoded", ""),
        date=date,
        modified=clock.utc(get("wp:post_modified"), get("wp:post_modified_gmt")),
        comment_status=get("wp:comment_status", "").strip(),
        post_name=decode_slug(get("wp:post_name", "")),
        status=get("wp:status", "").strip(),
        parent_id=_int(get("wp:post_parent")),
        menu_order=_int(get("wp:menu_order")),
        post_type=get("wp:post_type", "").strip(),
        password=get("wp:post_password", ""),
        sticky=get("wp:is_sticky", "").strip() == "1",
        terms=tuple(terms),
        meta=meta,
        attachment_url=get("wp:attachment_url", "").strip(),
        comments=tuple(_comment(comment, clock, date) for comment in comments),
        line=line,
    )


def _comment(elem, clock, item_date):
    fields = {}
    for child in elem:
        name = _name(child.tag)
        if name != "wp:commentmeta":  # Akismet's history and the like: not wanted
            fields[name] = _text(child)
    get = fields.get
    return Comment(
        wp_id=_int(get("wp:comment_id")),
        author=get("wp:comment_author", "").strip(),
        email=get("wp:comment_author_email", "").strip(),
        url=get("wp:comment_author_url", "").strip(),
        ip=get("wp:comment_author_IP", "").strip(),
        date=clock.utc(get("wp:comment_date"), get("wp:comment_date_gmt")) or item_date or EPOCH,
        content=get("wp:comment_content", ""),
        approved=get("wp:comment_approved", "").strip(),
        type=get("wp:comment_type", "").strip() or "comment",
        parent_id=_int(get("wp:comment_parent")),
        user_id=_int(get("wp:comment_user_id")),
    )


# Dates ----------------------------------------------------------------------


def _naive_utc(text):
    """'2024-02-08 06:55:31' as a naive datetime; None for WordPress's
    '0000-00-00 00:00:00' (a draft never published) or anything invalid."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


class _Clock:
    """Turns WordPress's (local, GMT) time pairs into aware UTC datetimes.

    The GMT time is used when valid. Drafts carry a zero GMT time, so their
    local time is shifted by the site's offset, learnt from the last item
    that had both; before any is seen, local time is taken as UTC."""

    def __init__(self):
        self.offset = None

    def learn(self, local_text, gmt_text):
        local, gmt = _naive_utc(local_text), _naive_utc(gmt_text)
        if local is not None and gmt is not None and abs(local - gmt) <= MAX_OFFSET:
            self.offset = local - gmt

    def utc(self, local_text, gmt_text):
        moment = _naive_utc(gmt_text)
        if moment is None:
            moment = _naive_utc(local_text)
            if moment is None:
                return None
            if self.offset is not None:
                try:
                    moment -= self.offset
                except OverflowError:  # year 1 or 9999
                    return None
        return moment.replace(tzinfo=UTC)
