"""Measuring the spam filter on labelled texts: stratified k-fold cross-validation.

Shared by `dateline spam-eval`, the quality gate in the test suite and
bench/spam.py, so that all three measure the same thing.
"""

import csv
import random
import sys
from dataclasses import dataclass

from dateline.comments.spam import MemoryFilter, comment_features

# Lengths in characters: a one-liner, a paragraph, more.
LENGTHS = [("up to 40 characters", 0, 40), ("41 to 160 characters", 41, 160), ("over 160 characters", 161, None)]
# (is spam, caught) -> its name.
OUTCOMES = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}
THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999]


class UnreadableExamples(ValueError):
    """The file is not a labelled corpus this module can read; the message says why."""


@dataclass(frozen=True)
class Scored:
    """One held-out text: its score (None when the filter had no opinion), its label and its length."""

    probability: float | None
    spam: bool
    length: int


@dataclass(frozen=True)
class Figures:
    tp: int
    fp: int
    fn: int
    tn: int
    unscored: int

    @property
    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self):
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def legitimate_flagged(self):
        """The share of legitimate texts the filter would hold or file."""
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


def stratified_folds(examples, k, seed):
    """k folds that each keep the corpus's share of spam, the same for the same seed."""
    rng = random.Random(seed)
    folds = [[] for _ in range(k)]
    for label in (False, True):
        group = [example for example in examples if example[1] == label]
        rng.shuffle(group)
        for n, example in enumerate(group):
            folds[n % k].append(example)
    return folds


def cross_validate(examples, *, folds=5, seed=0):
    """Train on k-1 folds, score the held-out fold, k times; every text is scored once.

    `examples` are (text, is_spam) pairs. Returns a list of Scored.
    """
    parts = [
        [(text, spam, comment_features(body=text)) for text, spam in part]
        for part in stratified_folds(examples, folds, seed)
    ]
    scored = []
    for n, held_out in enumerate(parts):
        spam_filter = MemoryFilter()
        for other, part in enumerate(parts):
            if other != n:
                for _, spam, features in part:
                    spam_filter.learn(features, spam=spam)
        for text, spam, features in held_out:
            score = spam_filter.score(features)
            scored.append(Scored(score and score.probability, spam, len(text)))
    return scored


def figures(scored, threshold, *, shortest=0, longest=None):
    """What a threshold makes of the scored texts (of a range of lengths): a text
    scoring at least `threshold` counts as caught. An unscored spam is missed."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "unscored": 0}
    for item in scored:
        if item.length < shortest or (longest is not None and item.length > longest):
            continue
        if item.probability is None:
            counts["unscored"] += 1
        caught = item.probability is not None and item.probability >= threshold
        counts[OUTCOMES[(item.spam, caught)]] += 1
    return Figures(**counts)


def read_examples(path):
    """Labelled texts from a file: a CSV with a header row and columns text,label
    (label 1 for spam, 0 not), or the UCI SMS Spam Collection's own format
    (`ham` or `spam`, a tab, the text; one a line)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            first = handle.readline()
            handle.seek(0)
            if first.startswith(("ham\t", "spam\t")):
                return _read_tab_separated(handle)
            return _read_csv(handle)
    except FileNotFoundError as error:
        raise UnreadableExamples(f"No such file: {path}") from error
    except UnicodeDecodeError as error:
        raise UnreadableExamples(f"{path} is not UTF-8 text.") from error


def _read_tab_separated(handle):
    examples = []
    for line_number, line in enumerate(handle, start=1):
        label, tab, text = line.rstrip("\r\n").partition("\t")
        if not tab or label not in ("ham", "spam"):
            raise UnreadableExamples(f"Line {line_number}: expected ham or spam, a tab, then the text.")
        examples.append((text, label == "spam"))
    return examples


def _read_csv(handle):
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(handle)
    if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
        raise UnreadableExamples("The CSV needs a header row with the columns text and label.")
    examples = []
    for line_number, row in enumerate(reader, start=2):
        label = (row["label"] or "").strip()
        if label not in ("0", "1"):
            raise UnreadableExamples(f"Line {line_number}: label must be 0 or 1, not {row['label']!r}.")
        examples.append((row["text"], label == "1"))
    return examples
