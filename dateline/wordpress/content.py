"""A WordPress post's content turned into Dateline article body blocks.

WordPress stores a post as HTML that is only finished when it is shown:
block-editor posts hold their structure in comments (`<!-- wp:image {...} -->`),
classic posts leave paragraphs to `wpautop` (blank lines become paragraphs,
single newlines line breaks) and media to shortcodes (`[caption]`, `[embed]`).
`convert` does that finishing the way WordPress does, then keeps what a
Dateline story can hold: rich text in the editor's own format, images from
the library, pull quotes, embeds; the rest goes into notes for the import's
report.

The steps:
1. block comments are parsed into a tree (no library reads them); blocks
   that are not rich text (pull quotes, embeds, cover images, server-side
   widgets) are handled from their JSON attributes and inner HTML;
2. shortcodes are expanded, bare URLs auto-embedded, and classic text run
   through `wpautop`, all written here after WordPress's own
   wp-includes/shortcodes.php, class-wp-embed.php and formatting.php:
   no Python library does them. A URL becomes an embed only where
   Wagtail has a provider for it (else the editor could not save the
   story); otherwise it stays a link, as WordPress shows it;
3. the HTML is sanitised by nh3 (ammonia, in Rust: a browser-grade HTML5
   parser, fast enough for 100,000 posts, removing scripts, styles, event
   handlers and unsafe URL schemes before anything else looks at it);
4. its output, well-formed by construction, is read as a stream of tags and
   written out again as Wagtail's database format, exactly as the Draftail
   editor writes it (`<b>`/`<i>`, not `<strong>`/`<em>`; the same nesting
   and whitespace), so an imported story opens in the editor unchanged
   (settle() makes sure). Only tags and attributes the editor knows are
   ever written, so the output is safe whatever the input was.

Images, pull quotes and embeds found along the way stand in the text as
private-use markers (U+E000 n U+E001) until the last step puts their
blocks in place: a [caption] in the middle of a paragraph splits it.
"""

import bisect
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from wagtail.embeds.finders import get_finders


@dataclass(frozen=True)
class ImageRef:
    image_id: int
    alt: str  # the attachment's alt text, may be ""
    caption: str  # may be ""


@dataclass
class Converted:
    body: list[dict]  # StreamField raw data for ArticleBodyBlock
    notes: list[str] = field(default_factory=list)  # what could not be carried over, each once


# Input clean-up ----------------------------------------------------------------

# Control characters are never content (and Postgres refuses NUL); vertical
# tab and form feed are spaces. The markers' own characters are taken out of
# the input first, so a post cannot forge one.
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\ue000\ue001]")
SPACE_CONTROLS = re.compile(r"[\x0b\x0c]")
MARKER = re.compile("\ue000(\\d+)\ue001")
MARKERS = re.compile("\ue000\\d*\ue001?")
REMOVED = re.compile(r"<(script|style|object|embed|applet|form|svg|math)\b", re.IGNORECASE)

# What nh3 lets through to the writer: every tag whose meaning the writer
# uses (its block or inline structure), with the only attributes it reads.
# Everything else loses its tags but keeps its text; these lose their content too.
INPUT = nh3.Cleaner(
    tags={
        *("p", "br", "div", "span", "section", "article", "header", "footer", "aside", "main", "nav", "address"),
        *("center", "hgroup", "form", "fieldset", "legend", "menu", "details", "summary", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins"),
        *("sub", "sup", "small", "big", "mark", "abbr", "acronym", "cite", "q", "code", "kbd", "samp"),
        *("tt", "var", "dfn", "time", "font", "label", "bdi", "bdo", "a", "img", "video", "audio"),
        *("figure", "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
    },
    # <iframe> too: its content is raw text, which nh3 passes on unescaped
    # (convert() has already replaced each player it knows by an embed).
    clean_content_tags={"script", "style", "template", "noscript", "svg", "math", "object", "applet", "textarea"}
    | {"select", "title", "xmp", "noembed", "noframes", "iframe"},
    attributes={"a": {"href"}, "img": {"src", "alt"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,
)
TEXT_ONLY = nh3.Cleaner(tags=set(), link_rel=None)

# nh3's output is serialised HTML5: every "<" in text is escaped and every
# attribute value double-quoted, so a regular expression reads it exactly.
TOKEN = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>|([^<]+)|<')
ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
VOID = {"br", "img", "hr", "wbr", "source", "track", "area", "col", "embed", "input", "link", "meta", "param"}


def tokens(html):
    """(kind, tag, attrs or text) from nh3's output: "start", "end" or "text"."""
    for match in TOKEN.finditer(html):
        closing, tag, attrs, text = match.groups()
        if tag:
            tag = tag.lower()
            if closing:
                yield "end", tag, None
            else:
                values = {}
                if attrs:
                    for name, value in ATTRIBUTE.findall(attrs):
                        values[name.lower()] = unescape(value)
                yield "start", tag, values
                if tag in VOID:
                    yield "end", tag, None
        else:
            yield "text", None, unescape(text if text is not None else match.group())


# Tags that start a new line when a fragment is read as plain text.
BREAKS = re.compile(
    r"<(?:br|/?(?:p|div|li|h[1-6]|tr|td|th|dt|dd|blockquote|figcaption|pre|ul|ol|table|section|article|cite))\b[^<>]*>",
    re.IGNORECASE,
)
LINE_TAGS = {"p", "div", "li", "tr", "dt", "dd", "blockquote", "figcaption", "pre", "ul", "ol", "table", "cite"}
LINE_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td", "th"}


def plain_text(html):
    """Titles and excerpts: tags removed, entities decoded, whitespace collapsed."""
    if not html:
        return ""
    html = BREAKS.sub(" ", CONTROLS.sub("", SPACE_CONTROLS.sub(" ", MARKERS.sub("", html))))
    return " ".join(unescape(TEXT_ONLY.clean(html)).split())


def text_lines(html, *, aside=()):
    """A fragment's text, one line per paragraph or line break; the text of
    `aside` tags (e.g. a quote's <cite>) returned separately."""
    main, other, depth = [], [], 0
    for kind, tag, value in tokens(INPUT.clean(html)):
        if kind == "text":
            (other if depth else main).append(value)
        elif tag in aside:
            depth += 1 if kind == "start" else -1 if depth else 0
            other.append("\n")
        elif tag == "br" or tag in LINE_TAGS:
            (other if depth else main).append("\n")

    def lines(parts):
        text = MARKERS.sub("", "".join(parts))
        return "\n".join(line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line)

    return lines(main), lines(other)


def clip(text, length):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Block markup ------------------------------------------------------------------

# WordPress's own block delimiter (WP_Block_Parser::next_token), matched
# against one comment at a time: a comment ends at the first "-->", which
# WordPress escapes in attributes.
BLOCK = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)
BLOCK_START = re.compile(r"<!--\s+/?wp:")
MAX_BLOCK_DEPTH = 64


@dataclass
class WPBlock:
    """A block of WordPress's block markup: <!-- wp:name {attrs} -->inner<!-- /wp:name -->."""

    name: str
    attrs: dict
    inner: list  # of str and WPBlock
    void: bool = False

    def html(self):
        return "".join(part if isinstance(part, str) else part.html() for part in self.inner)


def parse_blocks(html):
    """Top-level parts of a post: str (classic content between blocks) and WPBlock."""
    root = WPBlock("", {}, [])
    stack = [root]
    position = 0
    for match in block_delimiters(html):
        if match.start() > position:
            stack[-1].inner.append(html[position : match.start()])
        position = match.end()
        name = match["name"] if "/" in match["name"] else "core/" + match["name"]
        if match["closer"]:
            # A closer with no opener is left out, as WordPress's parser does.
            if any(block.name == name for block in stack[1:]):
                while stack.pop().name != name:
                    pass
            continue
        try:
            attrs = json.loads(match["attrs"]) if match["attrs"] else {}
        except ValueError:
            attrs = {}
        if len(stack) > MAX_BLOCK_DEPTH:
            continue  # no editor nests blocks this deep; their content stays
        block = WPBlock(name, attrs if isinstance(attrs, dict) else {}, [], void=bool(match["void"]))
        stack[-1].inner.append(block)
        if not block.void:
            stack.append(block)
    if position < len(html):
        stack[-1].inner.append(html[position:])
    return root.inner


def block_delimiters(html):
    """The block comments in a post, in order, in time linear in its length."""
    position = 0
    while found := BLOCK_START.search(html, position):
        end = html.find("-->", found.end())
        if end == -1:
            return
        match = BLOCK.fullmatch(html, found.start(), end + 3)
        if match:
            yield match
        position = end + 3  # anything else in the comment is part of it


# Blocks WordPress renders from the site's data when a page is shown (widgets,
# theme templates): their stored markup holds nothing of the story.
SITE_BLOCKS = re.compile(
    r"core/(archives|calendar|categories|latest-comments|latest-posts|page-list|rss|search|tag-cloud|loginout"
    r"|query.*|post-.*|comment.*|navigation.*|site-.*|avatar|read-more|term-description|social-links?|home-link"
    r"|template-part|pattern|block|footnotes|legacy-widget|widget-group|table-of-contents)"
)
# Blocks whose loss loses nothing: page layout.
SILENT_BLOCKS = {"core/more", "core/nextpage", "core/spacer", "core/separator"}


# Shortcodes --------------------------------------------------------------------

# WordPress's get_shortcode_regex(), for any name, written as a scanner (the
# regular expression takes time quadratic in a post's length when brackets
# do not close): [[escaped]], [name attrs], [name /], [name]content[/name],
# content ending at the first [/name].
SHORTCODE_OPENING = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])([^\[\]/]*(?:/(?!\])[^\[\]/]*)*)(/?)\]")
SHORTCODE_CLOSING = re.compile(r"\[/([A-Za-z][\w-]*)\]")
# shortcode_parse_atts(), for named attributes (the only ones read here).
SHORTCODE_ATTRIBUTE = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s\'"]+))(?:\s|$)')
SHORTCODE_NAMED_ATTRIBUTE = re.compile(r"\s+[\w-]+\s*=")
MEDIA_SHORTCODES = {"audio", "video", "playlist"}
# Jetpack's embed shortcodes ([youtube https://…]): embeds when they carry a URL.
EMBED_SHORTCODES = {"youtube", "vimeo", "dailymotion", "soundcloud", "spotify", "ted", "tweet"}
KNOWN_SHORTCODES = {"caption", "wp_caption", "embed", "gallery"} | MEDIA_SHORTCODES | EMBED_SHORTCODES


def shortcode_attrs(text):
    return {
        name.lower(): next(value for value in values if value is not None)
        for name, *values in SHORTCODE_ATTRIBUTE.findall(re.sub(r"[\u00a0\u200b]+", " ", text))
    }


# Embeds ------------------------------------------------------------------------

WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
URL_VALIDATOR = URLValidator(schemes=["http", "https"])
# class-wp-embed.php autoembed(): a URL alone on its line, or alone in a paragraph.
OWN_LINE_URL = re.compile(r"^([ \t\r]*)(https?://[^\s<>\"]+)([ \t\r]*)$", re.IGNORECASE | re.MULTILINE)
OWN_PARAGRAPH_URL = re.compile(r"(<p(?: [^<>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.IGNORECASE)
IFRAME = re.compile(r"<iframe\b([^<>]*)>", re.IGNORECASE)
IFRAME_SRC = re.compile(r"\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
EMBED_WRAPPER = re.compile(r"https?://[^\s<>\"]+")
FIGCAPTION = re.compile(r"<figcaption[^<>]*>(.*?)</figcaption>", re.IGNORECASE | re.DOTALL)
# Players' iframe addresses that name the page they play, and that page.
IFRAMES = (
    (
        re.compile(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,})"),
        "https://www.youtube.com/watch?v={}",
    ),
    (re.compile(r"https?://player\.vimeo\.com/video/(\d+)"), "https://vimeo.com/{}"),
    (re.compile(r"https?://(?:www\.)?dailymotion\.com/embed/video/(\w+)"), "https://www.dailymotion.com/video/{}"),
    (re.compile(r"https?://open\.spotify\.com/embed/(\w+/\w+)"), "https://open.spotify.com/{}"),
)


@functools.cache
def embed_finders():
    # Built from WAGTAILEMBEDS_FINDERS once per process.
    return tuple(get_finders())


def embeddable(url):
    """Whether Wagtail can fetch an embed for the URL: an embed block it
    cannot fetch would stop the editor saving the story."""
    return any(finder.accept(url) for finder in embed_finders())


# wpautop ------------------------------------------------------------------------

ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote"
    r"|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption"
    r"|details|menu|summary)"
)
AUTOP = [
    (re.compile(r"<br\s*/?>\s*<br\s*/?>"), "\n\n"),
    (re.compile(rf"(<{ALLBLOCKS}[\s/>])"), "\n\n\\1"),
    (re.compile(rf"(</{ALLBLOCKS}>)"), "\\1\n\n"),
    (re.compile(r"(<hr\s*?/?>)"), "\\1\n\n"),
    (re.compile(r"\n\n+"), "\n\n"),
]
AUTOP_AFTER = [
    (re.compile(r"<p>\s*</p>"), ""),
    (re.compile(r"<p>([^<]+)</(div|address|form)>"), "<p>\\1</p></\\2>"),
    (re.compile(rf"<p>\s*(</?{ALLBLOCKS}[^<>]*>)\s*</p>"), "\\1"),
    (re.compile(r"<p>(<li.+?)</p>"), "\\1"),
    (re.compile(r"<p><blockquote([^<>]*)>", re.IGNORECASE), "<blockquote\\1><p>"),
    (re.compile(r"</blockquote></p>"), "</p></blockquote>"),
    (re.compile(rf"<p>\s*(</?{ALLBLOCKS}[^<>]*>)"), "\\1"),
    (re.compile(rf"(</?{ALLBLOCKS}[^<>]*>)\s*</p>"), "\\1"),
    (re.compile(r"<br\s*/?>"), "<br />"),
    # (?<!\s): tried once per run of whitespace, not at each of its characters
    (re.compile(r"(?<!<br />)(?<!\s)\s*\n"), "<br />\n"),
    (re.compile(rf"(</?{ALLBLOCKS}[^<>]*>)\s*<br />"), "\\1"),
    (re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)"), "\\1"),
]
TAG = re.compile(r"<[^<>]*>")


def autop(text):
    """WordPress's wpautop() (wp-includes/formatting.php), step for step:
    blank lines make paragraphs, other newlines line breaks, except next to
    block-level tags and inside <pre>."""
    if not text.strip():
        return ""
    kept, parts = [], (text + "\n").split("</pre>")
    for index, part in enumerate(parts[:-1]):  # WordPress's way: each </pre> closes the first <pre before it
        start = part.find("<pre")
        if start != -1:
            kept.append(part[start:] + "</pre>")
            parts[index] = part[:start] + f"<pre wp-pre-tag-{len(kept) - 1}></pre>"
    text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    for pattern, replacement in AUTOP[:4]:
        text = pattern.sub(replacement, text)
    text = TAG.sub(lambda match: match.group().replace("\n", " "), text)  # newlines inside tags
    for pattern, replacement in AUTOP[4:]:
        text = pattern.sub(replacement, text)
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in re.split(r"\n\s*\n", text) if part.strip())
    for pattern, replacement in AUTOP_AFTER:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for index, pre in enumerate(kept):
        text = text.replace(f"<pre wp-pre-tag-{index}></pre>", pre)
    return text


# The conversion ----------------------------------------------------------------


class Conversion:
    """One post's conversion: its notes and the blocks found before the writer runs."""

    def __init__(self, link_to_page, find_image):
        self.link_to_page = link_to_page
        self.find_image = find_image
        self.notes = {}
        self.pieces = []

    def note(self, text):
        self.notes[text] = None

    def marker(self, block):
        self.pieces.append(block)
        return f"\ue000{len(self.pieces) - 1}\ue001"

    # Blocks and classic text, to HTML with markers

    def parts(self, parts, *, classic):
        return "".join(
            self.prepare(part, classic=classic) if isinstance(part, str) else self.block(part) for part in parts
        )

    def prepare(self, text, *, classic):
        # WordPress expands shortcodes after wpautop; here they go first, as
        # their markers need no paragraph of their own. Then, as WordPress:
        # auto-embeds, then paragraphs.
        text = self.shortcodes(text)
        text = OWN_LINE_URL.sub(self.autoembed, text)
        text = OWN_PARAGRAPH_URL.sub(self.autoembed, text)
        return autop(text) if classic else text

    def block(self, block):
        name = block.name
        if name == "core/embed" or name.startswith("core-embed/"):
            return self.embed_block(block)
        if name == "core/pullquote":
            return self.pullquote(block)
        if name in ("core/freeform", "core/shortcode"):
            return self.prepare(block.html(), classic=True)
        if name in SILENT_BLOCKS:
            return ""
        if block.void or SITE_BLOCKS.fullmatch(name):
            self.note(
                "reusable block dropped" if name == "core/block" else f"{name.removeprefix('core/')} block dropped"
            )
            return ""
        cover = ""
        if name == "core/cover" and block.attrs.get("url"):
            if block.attrs.get("backgroundType", "image") == "image":
                image = self.image(str(block.attrs["url"]), str(block.attrs.get("alt") or ""), "")
                cover = self.marker(image) if image else ""
            else:
                self.note("cover video dropped")
        return cover + self.parts(block.inner, classic=False)

    def embed_block(self, block):
        html = block.html()
        url = block.attrs.get("url")
        if not isinstance(url, str):
            found = EMBED_WRAPPER.search(html)
            url = unescape(found.group()) if found else ""
        caption = FIGCAPTION.search(html)
        return self.embed(url, explicit=True) + (f"<p>{caption.group(1)}</p>" if caption else "")

    def pullquote(self, block):
        quote, attribution = text_lines(block.html(), aside={"cite"})
        if not quote:
            return ""
        return self.marker(
            {"type": "quote", "value": {"quote": quote, "attribution": clip(attribution.replace("\n", " "), 200)}}
        )

    def embed(self, url, *, explicit):
        """An embed block's marker, or a link where Wagtail knows no provider
        (WordPress itself shows those as links); for no web address, nothing
        (noted) if the post asked for an embed, else None."""
        url = url.strip()
        try:
            URL_VALIDATOR(url)  # as the embed block's own field checks it
        except ValidationError:
            if explicit:
                self.note("embed without a web address dropped")
                return ""
            return None
        if embeddable(url):
            return self.marker({"type": "embed", "value": url})
        if explicit:
            self.note(f"embed kept as a link: {host(url)}")
        link = f'<a href="{escape(url)}">{escape(url)}</a>'
        return f"<p>{link}</p>" if explicit else link

    def iframes(self, html):
        """Each <iframe>, with its content (browsers never show it), as an embed or a note."""
        lower, parts, position = html.lower(), [], 0
        last_closing = lower.rfind("</iframe")
        while opening := IFRAME.search(html, position):
            end = opening.end()
            if end < last_closing:
                closing = lower.find("</iframe", end)
                end = lower.find(">", closing) + 1 or len(html)
            parts.append(html[position : opening.start()] + self.iframe(opening.group(1)))
            position = end
        return "".join(parts) + html[position:]

    def iframe(self, attrs):
        """A player's <iframe> as an embed of the page it plays, when it says which."""
        found = IFRAME_SRC.search(attrs)
        src = unescape(next((value for value in found.groups() if value is not None), "")) if found else ""
        for pattern, page in IFRAMES:
            player = pattern.match(src.strip())
            if player and embeddable(page.format(*player.groups())):
                return self.marker({"type": "embed", "value": page.format(*player.groups())})
        self.note(f"iframe dropped: {host(src) or 'no address'}")
        return ""

    def autoembed(self, match):
        embed = self.embed(unescape(match.group(2)), explicit=False)
        return match.group() if embed is None else match.group(1) + embed + match.group(3)

    def shortcodes(self, text, depth=0):
        # Page builders nest shortcodes a few deep; past that it is not content.
        if "[" not in text or depth > 20:
            return text
        closings = {}
        for closing in SHORTCODE_CLOSING.finditer(text):
            closings.setdefault(closing.group(1), []).append(closing.start())
        parts, position = [], 0
        while opening := SHORTCODE_OPENING.search(text, position):
            escaped, name, attr_text, self_closing = opening.groups()
            end, content = opening.end(), None
            later = closings.get(name, ())
            at = bisect.bisect_left(later, end) if later and not self_closing else len(later)
            if at < len(later):
                content, end = text[end : later[at]], later[at] + len(name) + 3
            if escaped and text.startswith("]", end):
                # [[name]] is WordPress's way to write [name]
                parts.append(text[position : opening.start()] + text[opening.start() + 1 : end])
                position = end + 1
            elif name in KNOWN_SHORTCODES or content is not None or SHORTCODE_NAMED_ATTRIBUTE.match(attr_text):
                parts.append(text[position : opening.start()] + escaped)
                parts.append(self.shortcode(name, attr_text, content or "", depth))
                position = end
            else:  # words in brackets: [sic], [citation needed], [x=5]
                parts.append(text[position : opening.end()])
                position = opening.end()
        return "".join(parts) + text[position:]

    def shortcode(self, name, attr_text, content, depth):
        attrs = shortcode_attrs(attr_text)
        if name in ("caption", "wp_caption"):
            return self.caption_shortcode(attrs, content, depth)
        if name == "embed":
            return self.embed(unescape(content), explicit=True)
        if name in EMBED_SHORTCODES:
            found = WEB_ADDRESS.search(f"{attr_text} {content}")
            if found:
                return self.embed(unescape(found.group()), explicit=True)
        if name == "gallery":
            self.note("gallery shortcode dropped")
            return ""
        self.note(f"{name} shortcode dropped" if name in KNOWN_SHORTCODES else f"shortcode [{name}] dropped")
        return self.shortcodes(content, depth + 1)

    def caption_shortcode(self, attrs, content, depth):
        image = IMAGE_TAG.search(INPUT.clean(content))
        if not image:
            return self.shortcodes(content, depth + 1)  # no image: keep the words
        caption = plain_text(attrs.get("caption", "")) or " ".join(text_lines(content)[0].split())
        _, _, values = next(tokens(image.group()))
        block = self.image(values.get("src", ""), values.get("alt", ""), caption)
        return self.marker(block) if block else ""

    # Links and images

    def link(self, href):
        """("page", id) or ("url", href) for an <a href>, None where the link
        cannot be kept (its text stays)."""
        href = href.strip()
        if href.startswith("//"):
            href = "https:" + href
        target = self.link_to_page(href)
        if isinstance(target, int) and not isinstance(target, bool):
            return ("page", target)
        if isinstance(target, str):
            href = target
        return ("url", href) if safe_href(href) else None

    def image(self, src, alt, caption):
        """An image block, or None (noted) when the file was not imported."""
        src = src.strip()
        if not src:
            self.note("image without an address dropped")
            return None
        ref = self.find_image(src)
        if ref is None:
            self.note(f"image not found: {upload_path(src)}")
            return None
        caption = " ".join(MARKERS.sub("", caption or ref.caption or "").split())
        alt = " ".join(MARKERS.sub("", alt or ref.alt or "").split())
        value = {"image": ref.image_id, "alt_text": clip(alt or caption or "Image", 255), "caption": clip(caption, 400)}
        if not alt:
            value[ALT_FROM_CAPTION] = True  # a <figcaption> read later is the better alt text
        return {"type": "image", "value": value}


ALT_FROM_CAPTION = "_alt_from_caption"
IMAGE_TAG = re.compile(r"<img\b[^<>]*>")
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
# Characters browsers ignore in a URL's scheme ("jav&#9;ascript:").
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")


def safe_href(href):
    """http, https and mailto links, and addresses on this site ("/…")."""
    probe = IGNORED_IN_URL.sub("", href).lower()
    scheme = SCHEME.match(probe)
    if scheme:
        return scheme.group(1) in ("http", "https", "mailto")
    return probe.startswith("/") and not probe.startswith(("//", "/\\"))


def host(url):
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        return ""


def upload_path(url):
    """The part of an image URL that names the file, e.g. 2013/03/pic.jpg."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "/uploads/" in parts.path:
        return parts.path.split("/uploads/", 1)[1]
    if (parts.hostname or "").endswith(".files.wordpress.com"):
        return parts.path.lstrip("/")
    return url


# The writer --------------------------------------------------------------------

# Whitespace handling copied from the editor's reader
# (wagtail/admin/rich_text/converters/html_to_contentstate.py), so that what
# is written here reads back the same.
STRIP, KEEP, FORCE = 0, 1, 2
WHITESPACE = re.compile(r"[ \t\n\f\r]+")
SPACES_AROUND_BREAK = re.compile(r" *\n *")
FLOW, BLOCK_FRAME, LIST_FRAME = 0, 1, 2

HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
BOUNDARIES = {"div", "section", "article", "header", "footer", "aside", "main", "nav", "address", "center", "hgroup"}
BOUNDARIES |= {"dl", "dt", "dd", "details", "summary", "table", "thead", "tbody", "tfoot", "caption", "hr", "form"}
BOUNDARIES |= {"fieldset", "legend", "menu", "figure", "figcaption"}
OWN_BLOCK = {"p": "p", "blockquote": "blockquote", "tr": "row", "pre": "p", **HEADINGS}


class Writer:
    """Reads nh3's output as a stream of tags and writes the body: runs of
    rich text as one paragraph block each, in the editor's format, with the
    blocks behind the markers in between.

    Rich text is kept as the editor keeps it (a list of blocks, each a kind,
    a list depth and runs of text with their styles and link) and written out
    the way its exporter (draftjs_exporter) writes it.

    With `as_editor`, it reads its own output exactly as the editor reads
    it: see settle()."""

    def __init__(self, conversion, *, as_editor=False):
        self.conversion = conversion
        self.as_editor = as_editor
        self.body = []
        self.blocks = []  # the rich text since the last image, quote or embed
        self.cur = None  # [kind, depth, runs]; a run is [text, bold, italic, link]
        self.ws = STRIP
        self.bold = self.italic = 0
        self.link = None
        self.separator = False  # between table cells
        self.pre = 0
        self.frames = [(FLOW, "p", 0)]
        self.figures = []  # per open <figure>: the image blocks in it (None: not found)
        self.caption = None  # words of a <figcaption> that captions its figure's image

    def write(self, html):
        stack = []  # per open element: what its end undoes
        open_tags = Counter()
        skip = None  # depth of the element whose content is ignored
        for kind, tag, value in tokens(html):
            if kind == "text":
                if skip is None:
                    self.text(value)
            elif kind == "start":
                action = self.start(tag, value) if skip is None else None
                stack.append((tag, action))
                open_tags[tag] += 1
                if action == "skip" and skip is None:
                    skip = len(stack)
            elif open_tags[tag]:  # nh3's output is balanced; this still never pops an unopened tag
                while stack:
                    open_tag, action = stack.pop()
                    open_tags[open_tag] -= 1
                    if skip is None:
                        self.end(action)
                    elif len(stack) < skip:
                        skip = None  # the end of the element whose content was skipped
                    if open_tag == tag:
                        break
        while stack:
            self.end(stack.pop()[1])
        self.flush()
        return self.body

    # Structure

    def start(self, tag, attrs):
        if self.caption is not None:
            if tag == "br" or tag in LINE_TAGS:
                self.caption.append(" ")
            return None
        if tag in ("b", "strong"):
            self.inline()
            self.bold += 1
            return "bold"
        if tag in ("i", "em"):
            self.inline()
            self.italic += 1
            return "italic"
        if tag == "a":
            if self.as_editor:
                page = attrs.get("id") if attrs.get("linktype") == "page" else None
                target = ("page", int(page)) if page else ("url", attrs["href"]) if "href" in attrs else None
            elif attrs.get("href") and self.link is None:
                target = self.conversion.link(attrs["href"])
            else:
                target = None
            if target is None:
                return None
            self.inline()
            saved, self.link = self.link, target
            return ("link", saved)
        if tag == "br":
            self.line_break()
            return None
        if tag == "img":
            self.image(attrs)
            return None
        if tag in ("ul", "ol"):
            return self.list_start(tag)
        if tag == "li":
            return self.item_start()
        if tag in ("td", "th"):
            self.ws = STRIP
            self.separator = self.has_text()
            return None
        if tag == "figcaption" and self.figures and len(self.figures[-1]) == 1:
            self.caption = []
            return "caption"
        if tag == "figure":
            self.figures.append([])
            return ("figure", self.block_start(None))
        if tag in ("video", "audio"):
            self.conversion.note(f"{tag} dropped")
            return "skip"
        if tag in ("pre", "code"):
            self.conversion.note("preformatted text kept as plain text")
        if tag == "pre":
            self.pre += 1
            return ("pre", self.block_start("p"))
        if tag == "table":
            self.conversion.note("table flattened to text")
        if tag in OWN_BLOCK:
            return self.block_start(OWN_BLOCK[tag])
        if tag in BOUNDARIES:
            return self.block_start(None)
        if tag == "cite" and self.frames[-1][1] == "blockquote":
            self.soft_break()  # a quote's source, on a line of its own
        return None

    def end(self, action):
        if action is None or action == "skip":
            return
        if action == "bold":
            self.bold -= 1
        elif action == "italic":
            self.italic -= 1
        elif action == "caption":
            self.set_caption(" ".join("".join(self.caption).split()))
            self.caption = None
        elif action[0] == "link":
            self.link = action[1]
        elif action[0] == "pre":
            self.pre -= 1
            self.block_end(action[1])
        elif action[0] == "figure":
            self.figures.pop()
            self.block_end(action[1])
        else:
            self.block_end(action)

    def block_start(self, kind):
        """A block-level element: a block of its own (kind) or a boundary
        (None); inside a block the editor cannot nest in (a list item, a
        quote, a table row), a line break instead."""
        if self.frames[-1][0] == BLOCK_FRAME:
            self.soft_break()
            return ("soft",)
        self.close()
        if kind is None:
            return ("boundary",)
        self.frames.append((BLOCK_FRAME, kind, 0))
        return ("frame",)

    def block_end(self, action):
        if action[0] == "frame":
            self.frames.pop()
            self.close()
        elif action[0] == "soft":
            self.soft_break()
        else:
            self.close()

    def list_start(self, tag):
        kind, frame_kind, depth = self.frames[-1]
        if kind == BLOCK_FRAME and not isinstance(frame_kind, tuple):
            self.soft_break()  # a list in a quote or a table: its items become lines
            return ("soft",)
        self.close()
        nested = kind in (BLOCK_FRAME, LIST_FRAME)
        self.frames.append((LIST_FRAME, tag, depth + 1 if nested else 0))
        return ("frame",)

    def item_start(self):
        kind, list_type, depth = self.frames[-1]
        if kind != LIST_FRAME:
            return self.block_start("p")
        self.close()
        self.frames.append((BLOCK_FRAME, ("li", list_type), depth))
        return ("frame",)

    def close(self):
        self.cur = None
        self.ws = STRIP
        self.separator = False

    def soft_break(self):
        if self.link is not None or self.frames[-1][1] == "row":
            if self.ws != STRIP:
                self.ws = FORCE
        elif self.has_text():
            self.put("\n")
            self.ws = STRIP

    def has_text(self):
        return bool(self.cur and self.cur[2]) and not self.cur[2][-1][0].endswith("\n")

    # Text

    def ensure_block(self):
        kind, block_kind, depth = self.frames[-1]
        self.cur = [block_kind if kind == BLOCK_FRAME else "p", depth if kind == BLOCK_FRAME else 0, []]
        self.blocks.append(self.cur)
        self.ws = STRIP

    def inline(self):
        """The start of <b>, <i> or <a>, as the editor reads it."""
        if self.caption is not None:
            return
        if self.cur is None:
            self.ensure_block()
        if self.ws == FORCE:
            self.put(" ")
            self.ws = STRIP

    def line_break(self):
        if self.caption is not None:
            self.caption.append(" ")
        elif self.cur is not None:
            if self.link is not None or self.frames[-1][1] == "row":  # no line breaks in either
                if self.ws != STRIP:
                    self.ws = FORCE
            else:
                self.put("\n")
                if not self.as_editor:  # the editor keeps a space after a line break
                    self.ws = STRIP

    def text(self, text):
        if self.caption is not None:
            self.caption.append(MARKERS.sub("", text))
            return
        if "\ue000" in text:
            for index, part in enumerate(MARKER.split(text)):
                if index % 2:
                    self.piece(self.conversion.pieces[int(part)])
                elif part:
                    self.text(part)
        elif self.pre and "\n" in text:
            for index, line in enumerate(text.split("\n")):
                if index:
                    self.line_break()
                self.chars(line)
        else:
            self.chars(text)

    def chars(self, content):
        # html_to_contentstate.py HtmlToContentStateHandler.handle_data
        content = WHITESPACE.sub(" ", content)
        if self.cur is None:
            if content in ("", " "):
                return
            self.ensure_block()
        if content == " ":
            if self.ws != STRIP:
                self.ws = FORCE
            return
        if self.ws == STRIP:
            content = content.lstrip()
        elif self.ws == FORCE and not content.startswith(" "):
            content = " " + content
        if content.endswith(" "):
            content = content.rstrip()
            self.ws = FORCE
        else:
            self.ws = KEEP
        if content:
            self.put(content)

    def put(self, text):
        runs = self.cur[2]
        if self.separator and not text.isspace():
            self.separator = False
            runs.append([" · ", False, False, None])
        bold, italic, link = self.bold > 0, self.italic > 0, self.link
        if runs and runs[-1][1] == bold and runs[-1][2] == italic and runs[-1][3] is link:
            runs[-1][0] += text
        else:
            runs.append([text, bold, italic, link])

    # Images, embeds, quotes

    def piece(self, block):
        """A block that is not rich text: the text so far becomes a
        paragraph block, and the text after it continues in a new one."""
        if block is None:
            return
        self.flush()
        self.body.append(block)

    def image(self, attrs):
        block = self.conversion.image(attrs.get("src", ""), attrs.get("alt", ""), "")
        if self.figures:
            self.figures[-1].append(block)  # None for a missing image: its caption goes with it
        self.piece(block)

    def set_caption(self, caption):
        if self.figures[-1][0] is None:
            return
        value = self.figures[-1][0]["value"]
        if caption:
            value["caption"] = clip(caption, 400)
            if value.get(ALT_FROM_CAPTION):
                value["alt_text"] = clip(caption, 255)

    # Output

    def flush(self):
        blocks = [block for block in self.blocks if finish(block[2])]
        value = render(blocks) if blocks else ""
        if value and not self.as_editor:
            value = settle(value)
        if value:
            self.body.append({"type": "paragraph", "value": value})
        self.blocks = []
        self.cur = None
        self.ws = STRIP


def settle(value):
    """The value as the editor would save it again. Writing mirrors the
    editor's reading, but not for every odd mix of whitespace and styles
    (a no-break space before a space, a styled lone space): reading the
    value back as the editor does and writing it again settles those, most
    often at once."""
    for _ in range(3):
        again = Writer(None, as_editor=True).write(value)
        again = again[0]["value"] if again else ""
        if again == value:
            break
        value = again
    return value


def finish(runs):
    """Trims a block's runs the way the editor would read them back: no
    whitespace at either end, none around a line break. Returns whether any
    text is left."""
    for index, run in enumerate(runs):
        text = run[0]
        if "\n" in text:
            text = SPACES_AROUND_BREAK.sub("\n", text)
        if index and text.startswith(" ") and runs[index - 1][0].endswith("\n"):
            text = text.lstrip(" ")
        if index + 1 < len(runs) and text.endswith(" ") and runs[index + 1][0].startswith("\n"):
            text = text.rstrip(" ")
        run[0] = text
    runs[:] = [run for run in runs if run[0]]
    while runs and not runs[0][0].lstrip():
        runs.pop(0)
    if runs:
        runs[0][0] = runs[0][0].lstrip()
    while runs and not runs[-1][0].rstrip(" \n"):
        runs.pop()
    if runs:
        runs[-1][0] = runs[-1][0].rstrip(" \n")
    merged = []
    for run in runs:
        if merged and merged[-1][1:] == run[1:] and merged[-1][3] is run[3]:
            merged[-1][0] += run[0]
        else:
            merged.append(run)
    runs[:] = merged
    return bool(runs)


def render(blocks):
    """The editor's database format for a list of blocks (draftjs_exporter's
    output, as Wagtail configures it, without the block keys)."""
    html = []
    lists = []  # open list types, outermost first
    for kind, depth, runs in blocks:
        if isinstance(kind, tuple):
            # draftjs_exporter's wrapper_state.py: an item of the innermost
            # list's type goes back into the list open at its depth; any
            # other item starts a list of its own at its depth.
            list_type = kind[1]
            depth = min(depth, len(lists))
            if depth < len(lists) and list_type == lists[-1]:
                while len(lists) > depth + 1:
                    html.append(f"</li></{lists.pop()}>")
                html.append("</li>")
                if lists[-1] != list_type:
                    # The list at that depth is of the other type: the item
                    # would read back as one of its items, and then start a
                    # list of its own; it starts one now.
                    html.append(f"</{lists[-1]}><{lists[-1]}>")
            else:
                while len(lists) > depth:
                    html.append(f"</li></{lists.pop()}>")
                html.append(f"<{list_type}>")
                lists.append(list_type)
            html.append(f"<li>{inline(runs)}")
            continue
        while lists:
            html.append(f"</li></{lists.pop()}>")
        tag = "p" if kind == "row" else kind
        html.append(f"<{tag}>{inline(runs)}</{tag}>")
    while lists:
        html.append(f"</li></{lists.pop()}>")
    return "".join(html)


def inline(runs):
    """Runs of text as draftjs_exporter writes them: a link wraps each of
    its runs styled on its own; outside links, bold and italic elements stay
    open across runs (bold outside italic), except for the first run after
    a link."""
    html = []
    opened = []
    after_link = False
    index = 0
    while index < len(runs):
        text, bold, italic, link = runs[index]
        if link is not None:
            html.extend(f"</{tag}>" for tag in reversed(opened))
            opened = []
            inner = []
            while index < len(runs) and runs[index][3] is link:
                text, bold, italic, _ = runs[index]
                inner.append(styled(escape(text.replace("\n", " "), quote=False), bold, italic))
                index += 1
            kind, target = link
            attrs = f'linktype="page" id="{target}"' if kind == "page" else f'href="{escape(target)}"'
            html.append(f"<a {attrs}>{''.join(inner)}</a>")
            after_link = True
            continue
        text = escape(text, quote=False).replace("\n", "<br/>")
        if after_link:
            html.append(styled(text, bold, italic))
            after_link = False
        else:
            wanted = [tag for tag, on in (("b", bold), ("i", italic)) if on]
            same = 0
            while same < len(opened) and same < len(wanted) and opened[same] == wanted[same]:
                same += 1
            html.extend(f"</{tag}>" for tag in reversed(opened[same:]))
            html.extend(f"<{tag}>" for tag in wanted[same:])
            opened = wanted
            html.append(text)
        index += 1
    html.extend(f"</{tag}>" for tag in reversed(opened))
    return "".join(html)


def styled(text, bold, italic):
    if italic:
        text = f"<i>{text}</i>"
    return f"<b>{text}</b>" if bold else text


def convert(html, *, link_to_page, find_image):
    """A post's content as article body blocks, and what was lost, in words.

    link_to_page(url) -> int | str | None: the Wagtail page an old address
    now is (a link to it is written as a page link), or a site-relative
    address to link to instead, or None to keep the link as it is.
    find_image(url) -> ImageRef | None: the imported image for a src, None
    when its file is missing (the image is left out, and noted)."""
    conversion = Conversion(link_to_page, find_image)
    html = CONTROLS.sub("", SPACE_CONTROLS.sub(" ", html or ""))
    prepared = conversion.parts(parse_blocks(html), classic=True)
    if "<iframe" in prepared.lower():
        prepared = conversion.iframes(prepared)
    for tag in REMOVED.findall(prepared):
        conversion.note(f"<{tag.lower()}> removed")
    body = Writer(conversion).write(INPUT.clean(prepared))
    for block in body:
        if block["type"] == "image":
            block["value"].pop(ALT_FROM_CAPTION, None)
    return Converted(body=body, notes=list(conversion.notes))
