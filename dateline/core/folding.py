"""One normalisation for indexed text and for queries, on SQLite and PostgreSQL.

Neither database folds what readers of Arabic and Farsi expect folded.
SQLite's FTS5 tokenizer (unicode61, as Wagtail's database backend creates
its table) splits vowelled Arabic ("مُحَمَّد") into single letters; Farsi ی
and ک do not match Arabic ي and ك; PostgreSQL indexes with one
configuration (Wagtail's backend takes the database's
default_text_search_config, 'english' unless set), and it has no Persian
one, while its 'arabic' one would stem English and Persian as Arabic; and
neither knows that ۲۰۲۴ is 2024. So text is folded before it reaches
either, as Lucene's Arabic and Persian normalisers fold it (Elasticsearch's
and Solr's `arabic_normalization` and `persian_normalization`), and a
little further:

- Marks are removed: harakat, shadda, sukun, superscript alef (هٰذا is
  هذا, as it is spelled today; a Quranic quotation's ٱلْكِتَٰبُ becomes
  الكتب, not الكتاب), Quranic annotation marks and small letters, and
  tatweel ("ســوريا" is "سوريا").
- Hamza. Alef with hamza or madda (أ إ آ ٱ ٲ ٳ) becomes ا, as every Arabic
  search engine folds it: readers seldom type the hamza on alef. Lucene
  stops there; here a hamza on waw or yeh leaves its seat (ؤ is و, ئ is ي:
  what a reader writes without the hamza), and a hamza on no seat (ء, or
  hamza above or below written as a mark) is removed, so "مساء" and "شيء"
  find "مسا" and "شي". The price: a word spelled on either seat (مسؤول
  and مسئول, both in use) folds to two words, مسوول and مسيول. Folding
  both seats to one letter, as the ISRI stemmer does, would join those but
  lose the reader who types no hamza at all.
- One letter for each family, the Arabic one, so Arabic and Persian
  spellings meet: yeh (ى ی ې ۍ ێ ۑ ے) becomes ي, kaf (ک ڪ) ك, heh (ھ ہ ۀ ۃ
  and teh marbuta ة, which readers write as heh at a word's end) ه, and
  waw with a hamza or a mark (ؤ ۄ ۅ ۆ ۇ ۈ ۉ ۊ ۋ ۏ) و.
- Arabic-Indic (٠-٩) and Persian (۰-۹) digits become 0-9: "۲۰۲۴" finds "2024".
- ZWNJ (U+200C), the Persian half-space between a stem and its prefix or
  suffix (می‌شود, کمک‌های), splits words: it becomes a space. The databases
  disagree about it (SQLite's tokenizer and PostgreSQL's parser under a
  Unicode locale such as C.UTF-8 split there, PostgreSQL under the C locale
  keeps it inside a word), so neither is left to decide. Splitting is what
  Lucene's Persian analyzer does, and it lets "کمک" find "کمک‌های" and "می
  شود", typed with a space, find "می‌شود". The spelling a split cannot find
  is the joined one, "میشود", typed on keyboards without a ZWNJ: so what is
  indexed (`index_text`, `headline_key`) also holds every ZWNJ compound
  written as one word. A story that writes "می‌شود" is found by all three
  spellings; one that writes "می شود" or "میشود" by the spellings that
  split or join as it does (that "میشود" is "می" + "شود" takes a dictionary).
- ZWJ and the invisible direction marks (LRM, RLM, ALM) are removed: they
  change how a word is drawn, not which word it is.
- Latin (and other) accents are removed ("Mayadeen" finds "Mayādeen"),
  compatibility forms (Arabic presentation forms, ligatures) decomposed,
  and case folded.

Folding works character by character: no character's folding depends on
its neighbours, so a match in the folded text maps back onto what was
written (search highlighting relies on it). `index_text`'s joined
compounds are words added after the text, not a change to it.

No library does this for both scripts and both databases (PyArabic covers
Arabic only, and neither it nor unidecode keeps Arabic letters as letters),
hence this module. It lives in core because the articles store a folded headline beside each
headline and the search app folds queries: both must fold alike.
"""

import re
import unicodedata

TATWEEL = "\u0640"
ZWNJ = "\u200c"


def _characters(*ranges):
    return {chr(code) for first, last in ranges for code in range(first, last + 1)}


# Removed: marks (every one a combining mark but the small letters) and
# what draws a word without changing it.
ARABIC_MARKS = _characters(
    (0x0610, 0x061A),  # honorific signs and small high letters
    (0x064B, 0x065F),  # harakat, shadda, sukun, maddah, hamza above and below
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06DC),  # Quranic annotation signs
    (0x06DF, 0x06E8),  # Quranic marks, small waw and small yeh
    (0x06EA, 0x06ED),
    (0x08C9, 0x08E1),  # extended Arabic marks
    (0x08E3, 0x08FF),
)
HAMZA = {"\u0621", "\u0674"}  # hamza on no seat, high hamza
INVISIBLE = {"\u200d", "\u200e", "\u200f", "\u061c"}  # ZWJ, LRM, RLM, ALM
REMOVED = {TATWEEL, *ARABIC_MARKS, *HAMZA, *INVISIBLE}

FOLDS = {
    **dict.fromkeys("أإآٱٲٳ", "ا"),
    **dict.fromkeys("ؤۄۅۆۇۈۉۊۋۏ", "و"),
    **dict.fromkeys("ئىیېۍێۑے", "ي"),
    **dict.fromkeys("کڪ", "ك"),
    **dict.fromkeys("ةۀھہۃ", "ه"),
    **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Persian
    ZWNJ: " ",
}
# One str.translate table: a character-by-character Python loop made
# indexing 100,000 stories take minutes.
TABLE = str.maketrans({**dict.fromkeys(REMOVED), **FOLDS})
# The same, keeping ZWNJ: to find the compounds it joins.
KEEPING_ZWNJ = {**TABLE, ord(ZWNJ): ZWNJ}
WORD = re.compile(r"\w+")
COMPOUND = re.compile(rf"\w+(?:{ZWNJ}+\w+)+")
# headline_key's column holds this many characters.
HEADLINE_KEY_LENGTH = 400


def _fold(text, table):
    if not text.isascii():
        # Fold before decomposing too, or ۀ would lose its mark and become ە, not ه.
        text = unicodedata.normalize("NFKD", text.translate(table))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(table).casefold()


def normalize(text):
    """Text folded for matching: the same function for what is indexed and what is asked.

    Folding works character by character (no character's folding depends
    on its neighbours), which the search page's highlighting relies on to map matches back."""
    return _fold(text, TABLE)


def joined_words(text):
    """Each compound that a ZWNJ joins in `text`, folded and written as one
    word ("کمک‌های" gives "كمكهاي"), in order, once each."""
    if ZWNJ not in text:
        return []
    compounds = COMPOUND.findall(_fold(text, KEEPING_ZWNJ))
    return list(dict.fromkeys(compound.replace(ZWNJ, "") for compound in compounds))


def index_text(text):
    """What is indexed for `text`: the text folded, then its ZWNJ compounds
    written as one word, so that a reader who types them joined finds them."""
    joined = joined_words(text)
    return normalize(text) + ("\n" + " ".join(joined) if joined else "")


def terms(query):
    """The distinct words of a query, folded, in order."""
    return list(dict.fromkeys(WORD.findall(normalize(query))))


def headline_key(headline):
    """A headline's folded words between spaces, then its ZWNJ compounds
    written as one word: " word" is found at a word's start. Cut after the
    last word that fits the column (a headline of 255 characters could
    fold to more)."""
    key = f" {' '.join([*WORD.findall(normalize(headline)), *joined_words(headline)])} "
    if len(key) > HEADLINE_KEY_LENGTH:
        key = key[: key.rindex(" ", 0, HEADLINE_KEY_LENGTH) + 1]
    return key
