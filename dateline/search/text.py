"""One normalisation for indexed text and for queries, on SQLite and PostgreSQL.

Neither database folds what readers of Arabic and Farsi expect folded:
SQLite's FTS5 tokenizer splits vowelled Arabic ("مُحَمَّد") into single
letters, Farsi ی and ک do not match Arabic ي and ك, and PostgreSQL has no
Persian configuration. So text is folded before it reaches either:

- Arabic diacritics (harakat, shadda, sukun, superscript alef) and tatweel
  are removed;
- alef forms (أ إ آ ٱ) become ا, yeh forms (ى ی ئ) become ي, keheh ک becomes
  ك, teh marbuta ة becomes ه;
- Latin (and other) accents are removed: "Mayadeen" finds "Mayādeen";
- case is folded.

No library does this for both scripts and both databases (PyArabic covers
Arabic only, and neither it nor unidecode keeps Arabic letters as letters),
hence this module. `highlight` maps matches in folded text back onto the
original, so snippets show what was written, with the words found marked.
"""

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

TATWEEL = "\u0640"
ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670"}
FOLDS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",  # Farsi yeh
    "ئ": "ي",
    "ک": "ك",  # Farsi keheh
    "ة": "ه",
    "ۀ": "ه",
}
# One str.translate table: a character-by-character Python loop made
# indexing 100,000 stories take minutes.
TABLE = str.maketrans({TATWEEL: None, **dict.fromkeys(ARABIC_MARKS), **FOLDS})
WORD = re.compile(r"\w+")


def normalize(text):
    """Text folded for matching: the same function for what is indexed and what is asked.

    Folding works character by character (no character's folding depends
    on its neighbours), which `highlight` relies on to map matches back."""
    if not text.isascii():
        # Fold before decomposing too, or ۀ would lose its mark and become ە, not ه.
        text = unicodedata.normalize("NFKD", text.translate(TABLE))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(TABLE).casefold()


def terms(query):
    """The distinct words of a query, folded, in order."""
    return list(dict.fromkeys(WORD.findall(normalize(query))))


def headline_key(headline):
    """A headline's folded words between spaces: " word" is found at a word's start."""
    return f" {' '.join(WORD.findall(normalize(headline)))} "


@functools.lru_cache(maxsize=4096)
def _fold(character):
    return normalize(character)


def _folded_with_origins(text):
    """The folded text, and for each of its characters the index of the original it came from."""
    if text.isascii():
        return text.casefold(), range(len(text))  # ASCII folds one character to one
    pieces = [_fold(character) for character in text]
    folded = "".join(pieces)
    if len(folded) == len(text):
        return folded, range(len(text))
    return folded, [index for index, piece in enumerate(pieces) for _ in piece]


def highlight(text, words, *, width=220):
    """An escaped excerpt of `text` around the first word found, with every
    found word in <mark>. Falls back to the opening of the text. With
    width=None, the whole text (a headline)."""
    folded, origins = _folded_with_origins(text)
    spans = []
    for word in words:
        for match in re.finditer(rf"(?<!\w){re.escape(word)}", folded):
            start = origins[match.start()]
            end = origins[match.end() - 1] + 1
            spans.append((start, end))
    spans.sort()
    first = spans[0][0] if spans else 0
    begin = 0 if width is None else max(0, first - width // 3)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space != -1 else begin
    finish = len(text) if width is None else min(len(text), begin + width)
    if finish < len(text):
        space = text.find(" ", finish)
        finish = space if space != -1 else len(text)
    pieces, cursor = [], begin
    for start, end in spans:
        if start < cursor or end > finish:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    pieces.append(escape(text[cursor:finish]))
    prefix = "…" if begin else ""
    suffix = "…" if finish < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 (every piece is escaped above)
