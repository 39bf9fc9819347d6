import csv
import random
import sys

from django.core.management.base import BaseCommand, CommandError

from dateline.comments.spam import MemoryFilter


def folds_of(rows, k, seed):
    """k stratified folds: each keeps the file's share of spam."""
    rng = random.Random(seed)
    folds = [[] for _ in range(k)]
    for label in (0, 1):
        group = [row for row in rows if row[1] == label]
        rng.shuffle(group)
        for n, row in enumerate(group):
            folds[n % k].append(row)
    return folds


class Command(BaseCommand):
    help = (
        "Measure the spam filter on a labelled CSV (columns text,label; label 1 for spam): "
        "train on k-1 folds, score the held-out fold, and print precision, recall and F1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row and columns text,label")
        parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
        parser.add_argument("--threshold", type=float, default=0.5, help="score at which a text counts as spam")
        parser.add_argument("--seed", type=int, default=0, help="shuffle seed, for repeatable folds")

    def handle(self, *args, file, folds, threshold, seed, verbosity, **options):
        rows = self.read(file)
        if folds < 2:
            raise CommandError("--folds must be at least 2.")
        if len({label for _, label in rows}) < 2:
            raise CommandError("The file needs both spam (1) and legitimate (0) rows.")
        counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "unscored": 0}
        parts = folds_of(rows, folds, seed)
        for n, test in enumerate(parts):
            spam_filter = MemoryFilter()
            for other, part in enumerate(parts):
                if other != n:
                    for text, label in part:
                        spam_filter.learn(text, spam=bool(label))
            for text, label in test:
                score = spam_filter.score(text)
                if score is None:
                    counts["unscored"] += 1
                    continue
                predicted = score >= threshold
                counts[{(1, True): "tp", (0, True): "fp", (1, False): "fn", (0, False): "tn"}[(label, predicted)]] += 1
            if verbosity >= 2:
                self.stdout.write(f"fold {n + 1}/{folds}: {len(test)} rows")
        precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
        recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
        f1 = 2 * precision * recall / max(1e-12, precision + recall)
        spam = sum(label for _, label in rows)
        self.stdout.write(
            f"{len(rows)} rows ({spam} spam, {len(rows) - spam} legitimate), {folds}-fold, threshold {threshold}\n"
            f"precision {precision:.3f}\nrecall    {recall:.3f}\nF1        {f1:.3f}\n"
            f"(true positives {counts['tp']}, false positives {counts['fp']}, "
            f"false negatives {counts['fn']}, true negatives {counts['tn']}, unscored {counts['unscored']})"
        )

    def read(self, path):
        csv.field_size_limit(sys.maxsize)
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                    raise CommandError("The CSV needs a header row with the columns text and label.")
                rows = []
                for line, row in enumerate(reader, start=2):
                    if row["label"].strip() not in ("0", "1"):
                        raise CommandError(f"Line {line}: label must be 0 or 1, not {row['label']!r}.")
                    rows.append((row["text"], int(row["label"])))
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        return rows
