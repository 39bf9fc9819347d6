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
hence this module. It lives in core because the articles store a folded headline beside each
headline and the search app folds queries: both must fold alike.
"""

import re
import unicodedata

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
    on its neighbours), which the search page's highlighting relies on to map matches back."""
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
