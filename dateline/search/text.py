"""Search results' excerpts: matches found in folded text (dateline.core.folding)
marked on the original, so snippets show what was written, with the words found marked.
"""

import bisect
import functools
import itertools
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from dateline.core.folding import ZWNJ, normalize


class _CharacterFolds(dict):
    """A str.translate table folding each character as `normalize` does,
    filled as characters are met: translating a story's text is then one C
    loop, where a Python call per character took most of a search's
    highlighting for Arabic.

    But for ZWNJ, which stays itself rather than the space it folds to: it
    parts words as a space does, and a word typed joined is found across it
    (`_word_at_start`), as the index finds it (folding.index_text)."""

    def __missing__(self, code):
        folded = self[code] = ZWNJ if code == ord(ZWNJ) else normalize(chr(code))
        return folded


class _FoldLengths(dict):
    """A str.translate table giving, for each character, how many characters
    it folds to, as a character: "\x01" for most."""

    def __missing__(self, code):
        length = self[code] = chr(len(CHARACTER_FOLDS[code]))
        return length


CHARACTER_FOLDS = _CharacterFolds()
FOLD_LENGTHS = _FoldLengths()


class _Origins:
    """For each character of a folded text, the index of the original it
    came from, computed when asked from the few characters that did not
    fold to exactly one (`lengths`: each original character's fold length,
    as a character), instead of a list as long as the text."""

    def __init__(self, lengths):
        uneven = [(match.start(), ord(match.group())) for match in UNEVEN.finditer(lengths)]
        self.originals = [index for index, _ in uneven]
        self.lengths = [length for _, length in uneven]
        # How far the folded text has moved from the original after each.
        self.shifts = list(itertools.accumulate(length - 1 for _, length in uneven))
        self.starts = [index + shift - (length - 1) for (index, length), shift in zip(uneven, self.shifts, strict=True)]

    def __getitem__(self, folded_index):
        n = bisect.bisect_right(self.starts, folded_index) - 1
        if n < 0:
            return folded_index
        if folded_index < self.starts[n] + self.lengths[n]:
            return self.originals[n]
        return folded_index - self.shifts[n]


UNEVEN = re.compile("[^\x01]")


def _folded_with_origins(text):
    """The folded text, and for each of its characters the index of the original it came from."""
    if text.isascii():
        return text.casefold(), range(len(text))  # ASCII folds one character to one
    return _folded_with_origins_kept(text)


# Results of a search are often results of the next one: a story's folded
# text is kept in each process, as its text is kept in the page store.
@functools.lru_cache(maxsize=512)
def _folded_with_origins_kept(text):
    return text.translate(CHARACTER_FOLDS), _Origins(text.translate(FOLD_LENGTHS))


@functools.lru_cache(maxsize=256)
def _word_at_start(word):
    """The folded word where a word starts: "ab" is found in "abc", not in
    "cab"; and, outside ASCII, with ZWNJs between its letters: "میشود" is
    found in "می‌شود"."""
    pattern = re.escape(word) if word.isascii() else f"{ZWNJ}*".join(map(re.escape, word))
    return re.compile(rf"(?<!\w){pattern}")


def _past_marks(text, end):
    """`end`, moved past the marks (vowels, shadda) that follow: a mark cut
    off from its letter is drawn on a dotted circle."""
    while end < len(text) and not CHARACTER_FOLDS[ord(text[end])]:
        end += 1
    return end


def highlight(text, words, *, width=220):
    """An escaped excerpt of `text` around the first word found, with every
    found word in <mark>. Falls back to the opening of the text. With
    width=None, the whole text (a headline)."""
    folded, origins = _folded_with_origins(text)
    patterns = [_word_at_start(word) for word in words]
    firsts = [match.start() for pattern in patterns if (match := pattern.search(folded))]
    first_found = min(firsts, default=None)
    first = origins[first_found] if firsts else 0
    begin = 0 if width is None else max(0, first - width // 3)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space != -1 else begin
    finish = len(text) if width is None else min(len(text), begin + width)
    if finish < len(text):
        space = text.find(" ", finish)
        finish = space if space != -1 else len(text)
    # Nothing is found before the first word found, and what is found after
    # the excerpt is not shown: only the excerpt's matches are looked for.
    spans = []
    for pattern in patterns if firsts else ():
        for match in pattern.finditer(folded, first_found):
            start = origins[match.start()]
            if start >= finish:
                break
            spans.append((start, _past_marks(text, origins[match.end() - 1] + 1)))
    spans.sort()
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
