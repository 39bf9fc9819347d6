"""A spam filter that learns from moderators, with no outside service.

Naive Bayes, over the CLUES most telling of two kinds of feature: the words of a comment and the runs
of four characters inside them, which catch misspelt and run-together spam
("v1agra", "bestprice") and work in scripts without spaces between words.
Features are hashed to 64-bit integers, so what is stored is counts, never
commenters' text.

Written here rather than taken from a library: scikit-learn would bring
NumPy and SciPy to a web server for one formula, and none of the small
Bayes packages keeps its counts in the site's own database, learns one
comment at a time and forgets a decision a moderator reverses.

Cold start: until it has learned from MIN_EXAMPLES spam and MIN_EXAMPLES
legitimate comments, the filter gives no score and the other layers decide
alone. Each moderator's "spam" and "not spam" (and each approval) teaches it.
"""

import hashlib
import math
import re
import unicodedata
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F

MIN_EXAMPLES = 20
# Only the features that say most, either way, are counted (as Paul Graham's
# and SpamBayes' filters do): a long legitimate text full of weak hints is
# then not mistaken for spam. Measured on the SpamAssassin corpus, 30 clues
# cut false positives by half against counting every feature.
CLUES = 30
NGRAM = 4
MAX_FEATURES = 3000
WORD = re.compile(r"\w+", re.UNICODE)


def _hash(feature):
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big", signed=True)


def comment_text(*, body, name="", website=""):
    """What the filter reads: the comment, the name, and the website's host."""
    host = (urlsplit(website).hostname or "") if website else ""
    return f"{name}\n{host}\n{body}"


def features(text):
    """The set of hashed features of a text (at most MAX_FEATURES)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    found = {}
    for word in WORD.findall(text):
        found.setdefault(f"w:{word}", None)
        padded = f"_{word}_"
        for i in range(max(1, len(padded) - NGRAM + 1)):
            found.setdefault(f"c:{padded[i : i + NGRAM]}", None)
        if len(found) >= MAX_FEATURES:
            break
    return {_hash(feature) for feature in list(found)[:MAX_FEATURES]}


def spam_probability(counts, spam_total, ham_total):
    """P(spam | features), or None before the filter has learned enough.

    `counts` maps each feature of the text to (spam count, ham count).
    Features never seen in either class say nothing and are left out.
    """
    if spam_total < MIN_EXAMPLES or ham_total < MIN_EXAMPLES:
        return None
    evidence = sorted(
        (
            math.log((spam + 1) / (spam_total + 2)) - math.log((ham + 1) / (ham_total + 2))
            for spam, ham in counts.values()
            if spam or ham
        ),
        key=abs,
        reverse=True,
    )
    log_odds = math.log(spam_total / ham_total) + sum(evidence[:CLUES])
    if log_odds > 50:
        return 1.0
    if log_odds < -50:
        return 0.0
    return 1 / (1 + math.exp(-log_odds))


class MemoryFilter:
    """The filter with its counts in memory: for `dateline spam-eval`."""

    def __init__(self):
        self.counts = {}
        self.totals = {"spam": 0, "ham": 0}

    def learn(self, text, *, spam):
        column = 0 if spam else 1
        for feature in features(text):
            pair = self.counts.setdefault(feature, [0, 0])
            pair[column] += 1
        self.totals["spam" if spam else "ham"] += 1

    def score(self, text):
        counts = {f: tuple(self.counts[f]) for f in features(text) if f in self.counts}
        return spam_probability(counts, self.totals["spam"], self.totals["ham"])


class StoredFilter:
    """The filter with its counts in the database, shared by every worker."""

    CHUNK = 500  # features per query, well under SQLite's parameter limit

    def _totals(self):
        from dateline.comments.models import SpamTotals

        totals, _ = SpamTotals.objects.get_or_create(pk=1)
        return totals

    def score(self, text):
        from dateline.comments.models import SpamFeature

        totals = self._totals()
        if totals.spam < MIN_EXAMPLES or totals.ham < MIN_EXAMPLES:
            return None
        wanted = list(features(text))
        counts = {}
        for start in range(0, len(wanted), self.CHUNK):
            rows = SpamFeature.objects.filter(feature__in=wanted[start : start + self.CHUNK])
            counts.update({row.feature: (row.spam, row.ham) for row in rows})
        return spam_probability(counts, totals.spam, totals.ham)

    def learn(self, text, *, spam, forget=False):
        """Count `text` as spam or not (or take that back, with forget=True)."""
        from dateline.comments.models import SpamFeature, SpamTotals

        column = "spam" if spam else "ham"
        step = -1 if forget else 1
        found = list(features(text))
        with transaction.atomic():
            SpamTotals.objects.get_or_create(pk=1)
            totals = SpamTotals.objects.filter(pk=1)
            if forget:
                totals = totals.filter(**{f"{column}__gt": 0})
            totals.update(**{column: F(column) + step})
            if not forget:
                SpamFeature.objects.bulk_create([SpamFeature(feature=f) for f in found], ignore_conflicts=True)
            for start in range(0, len(found), self.CHUNK):
                chunk = found[start : start + self.CHUNK]
                rows = SpamFeature.objects.filter(feature__in=chunk)
                if forget:
                    rows = rows.filter(**{f"{column}__gt": 0})
                rows.update(**{column: F(column) + step})
