"""A spam filter that learns from moderators, with no outside service.

Multinomial naive Bayes over the features of a comment (`comment_features`):
its words and pairs of words, the shapes of its numbers, its symbols and
links, its length, and the commenter's name and website kept apart from the
text. Features are hashed to 64-bit integers, so what is stored is counts,
never commenters' text.

Four choices make it right on short comments, where the filter it replaced
held a third of legitimate ones (docs/comments.md has the figures):
- No prior. How many spam and legitimate comments moderators have filed says
  nothing about the next one, so a comment whose features were never seen
  gets no score at all, whatever the moderation history.
- Smoothing by each class's feature total and the vocabulary (Lidstone,
  ALPHA), so a feature seen once in the smaller class only nudges the score.
- A word counts once, not also as its runs of characters. Scripts written
  without spaces (Chinese, Japanese, Thai...) are read as pairs of
  characters instead.
- The name and website are features of their own, beside the words.

Written here rather than taken from a library: scikit-learn would bring
NumPy and SciPy to a web server for one formula, and none of the small
Bayes packages keeps its counts in the site's own database, learns one
comment at a time and forgets a decision a moderator reverses exactly.

Cold start: until it has learned from MIN_EXAMPLES spam and MIN_EXAMPLES
legitimate comments, the filter gives no score and the other layers decide
alone; until SETTLED_EXAMPLES of each, its score may hold a comment for a
moderator but never files one as spam on its own.
"""

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F

from dateline.comments.models import SpamFeature, SpamTotals

MIN_EXAMPLES = 20
SETTLED_EXAMPLES = 100
# Measured on the SMS corpus and the SpamAssassin corpus (bench/spam.py):
# 0.5 was best on both, against 0.2, 0.3 and 1.
ALPHA = 0.5
MAX_WORDS = 2000  # of a 10,000-character comment, about 1,700

WORD = re.compile(r"\w+")
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Scripts written without spaces between words, read as character pairs.
UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Punctuation too common to tell anything.
PLAIN_PUNCTUATION = set(".,'’-")


def _hash(feature):
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big", signed=True)


def _host(address):
    if not address.lower().startswith(("http://", "https://")):
        address = f"http://{address}"
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _token(word):
    """A word as the filter counts it. Phone numbers, short codes and prices
    differ digit by digit but share a length; short numbers (dates, times)
    are kept as they are."""
    if word.isdigit() and len(word) > 4:
        return f"{min(len(word), 12)} digits"
    return word


def _word_features(token):
    if UNSPACED.search(token):
        for i in range(max(1, len(token) - 1)):
            yield f"u:{token[i : i + 2]}"
    else:
        yield f"w:{token}"


def _text_features(text):
    tokens = [_token(word) for word in WORD.findall(text.casefold())[:MAX_WORDS]]
    for token in tokens:
        yield from _word_features(token)
    for first, second in zip(tokens, tokens[1:], strict=False):
        yield f"b:{first} {second}"
    for character in set(text):
        if unicodedata.category(character)[0] in "PS" and character not in PLAIN_PUNCTUATION:
            yield f"s:{character}"
    if any(len(word) >= 3 and word.isupper() and not word.isdigit() for word in WORD.findall(text)):
        yield "shape:capitals"
    for link in LINK.findall(text):
        yield "shape:link"
        yield f"host:{_host(link)}"
    length = len(text)
    yield f"length:{'short' if length <= 40 else 'medium' if length <= 160 else 'long'}"


def comment_features(*, body, name="", website=""):
    """The set of hashed features the filter reads in a comment."""
    body = unicodedata.normalize("NFKC", body)
    found = set(_text_features(body))
    for word in WORD.findall(unicodedata.normalize("NFKC", name).casefold()):
        found.add(f"name:{word}")
    if website:
        found.update({"shape:website", f"host:{_host(website)}"})
    return {_hash(feature) for feature in found}


# Every comment has a length: on its own it is no evidence that the filter
# has seen anything like the comment before.
LENGTH_FEATURES = {_hash(f"length:{size}") for size in ("short", "medium", "long")}


@dataclass(frozen=True)
class Totals:
    """What the filter has learned from, in all: comments and features of each kind."""

    spam: int = 0
    ham: int = 0
    spam_features: int = 0
    ham_features: int = 0
    vocabulary: int = 0


@dataclass(frozen=True)
class SpamScore:
    probability: float
    # Learned from enough comments to file one as spam without a moderator.
    settled: bool


def spam_score(counts, totals):
    """How likely a comment is spam, from its features' counts; None before
    the filter has learned enough, or when none of its features was ever seen.

    `counts` maps each known feature of the comment to (spam count, ham count).
    """
    if totals.spam < MIN_EXAMPLES or totals.ham < MIN_EXAMPLES:
        return None
    seen = {feature: pair for feature, pair in counts.items() if any(pair)}
    if not seen.keys() - LENGTH_FEATURES:
        return None
    smoothing = ALPHA * max(totals.vocabulary, 1)
    spam_total = totals.spam_features + smoothing
    ham_total = totals.ham_features + smoothing
    log_odds = sum(
        math.log((spam + ALPHA) / spam_total) - math.log((ham + ALPHA) / ham_total) for spam, ham in seen.values()
    )
    # Kept within ±30, so that a probability is never exactly 0 or 1 and a
    # threshold of 1 means "never" (1 / (1 + e**-30) is 1 - 1e-13).
    log_odds = max(-30.0, min(30.0, log_odds))
    settled = totals.spam >= SETTLED_EXAMPLES and totals.ham >= SETTLED_EXAMPLES
    return SpamScore(probability=1 / (1 + math.exp(-log_odds)), settled=settled)


class MemoryFilter:
    """The filter with its counts in memory: for `dateline spam-eval`."""

    def __init__(self):
        self.counts = {}
        self.totals = Totals()

    def learn(self, features, *, spam):
        new = 0
        for feature in features:
            pair = self.counts.get(feature)
            if pair is None:
                pair = self.counts[feature] = [0, 0]
                new += 1
            pair[0 if spam else 1] += 1
        size = len(features)
        self.totals = Totals(
            spam=self.totals.spam + spam,
            ham=self.totals.ham + (not spam),
            spam_features=self.totals.spam_features + (size if spam else 0),
            ham_features=self.totals.ham_features + (0 if spam else size),
            vocabulary=self.totals.vocabulary + new,
        )

    def score(self, features):
        counts = {feature: tuple(self.counts[feature]) for feature in features if feature in self.counts}
        return spam_score(counts, self.totals)


class StoredFilter:
    """The filter with its counts in the database, shared by every worker and node."""

    CHUNK = 500  # features per query, well under SQLite's parameter limit

    def _totals_row(self):
        row, _ = SpamTotals.objects.get_or_create(pk=1)
        return row

    def totals(self):
        row = self._totals_row()
        return Totals(row.spam, row.ham, row.spam_features, row.ham_features, row.vocabulary)

    def _rows(self, features):
        wanted = list(features)
        for start in range(0, len(wanted), self.CHUNK):
            yield SpamFeature.objects.filter(feature__in=wanted[start : start + self.CHUNK])

    def score(self, features):
        totals = self.totals()
        if totals.spam < MIN_EXAMPLES or totals.ham < MIN_EXAMPLES:
            return None
        counts = {}
        for rows in self._rows(features):
            counts.update({row.feature: (row.spam, row.ham) for row in rows})
        return spam_score(counts, totals)

    def learn(self, features, *, spam, forget=False):
        """Count a comment's features as spam or not (or take that back, with forget=True)."""
        column = "spam" if spam else "ham"
        step = -1 if forget else 1
        with transaction.atomic():
            self._totals_row()
            totals = SpamTotals.objects.filter(pk=1)
            if forget:
                totals = totals.filter(**{f"{column}__gt": 0})
            new = 0
            if not forget:
                known = set()
                for rows in self._rows(features):
                    known.update(rows.values_list("feature", flat=True))
                missing = [SpamFeature(feature=feature) for feature in features if feature not in known]
                SpamFeature.objects.bulk_create(missing, ignore_conflicts=True)
                new = len(missing)
            totals.update(
                **{
                    column: F(column) + step,
                    f"{column}_features": F(f"{column}_features") + step * len(features),
                    "vocabulary": F("vocabulary") + new,
                }
            )
            for rows in self._rows(features):
                if forget:
                    rows = rows.filter(**{f"{column}__gt": 0})
                rows.update(**{column: F(column) + step})
