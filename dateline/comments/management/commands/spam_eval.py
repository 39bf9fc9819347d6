from django.core.management.base import BaseCommand, CommandError

from dateline.comments.models import CommentPolicy
from dateline.comments.spam_evaluation import (
    LENGTHS,
    THRESHOLDS,
    UnreadableExamples,
    cross_validate,
    figures,
    read_examples,
)


def _default(field):
    return CommentPolicy._meta.get_field(field).default


class Command(BaseCommand):
    help = (
        "Measure the spam filter on labelled texts: train on k-1 folds, score the held-out fold, and print "
        "precision, recall and F1 at the comment policy's thresholds, by length, and across thresholds. "
        "FILE is a CSV with a header row and columns text,label (label 1 for spam), or the UCI SMS Spam "
        "Collection as it ships (ham or spam, a tab, the text)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="labelled texts: CSV text,label, or the SMS Spam Collection's format")
        parser.add_argument("--folds", type=int, default=5, help="number of folds (default 5)")
        parser.add_argument("--seed", type=int, default=0, help="shuffle seed, for repeatable folds (default 0)")
        parser.add_argument(
            "--hold",
            type=float,
            default=_default("spam_hold_score"),
            help="score at which a comment is held for a moderator (default: the policy's default)",
        )
        parser.add_argument(
            "--spam",
            type=float,
            default=_default("spam_reject_score"),
            help="score at which a comment is filed as spam (default: the policy's default)",
        )

    def handle(self, *args, file, folds, seed, hold, spam, **options):
        if folds < 2:
            raise CommandError("--folds must be at least 2.")
        try:
            examples = read_examples(file)
        except UnreadableExamples as error:
            raise CommandError(str(error)) from error
        spam_count = sum(label for _, label in examples)
        if not spam_count or spam_count == len(examples):
            raise CommandError("The file needs both spam and legitimate texts.")
        if len(examples) < folds:
            raise CommandError(f"{len(examples)} texts cannot make {folds} folds.")
        scored = cross_validate(examples, folds=folds, seed=seed)
        write = self.stdout.write
        write(
            f"{len(examples)} texts ({spam_count} spam, {len(examples) - spam_count} legitimate), "
            f"{folds}-fold stratified, seed {seed}\n"
        )
        write(f"{'':<34}{'precision':>10}{'recall':>8}{'F1':>7}{'legit flagged':>15}   counts")
        for label, threshold in (("held or filed as spam", hold), ("filed as spam", spam)):
            write(self.row(f"{label} (>= {threshold:g})", figures(scored, threshold)))
        write(f"\nBy length, held or filed as spam (>= {hold:g}):")
        for label, shortest, longest in LENGTHS:
            write(self.row(label, figures(scored, hold, shortest=shortest, longest=longest)))
        write("\nAcross thresholds:")
        for threshold in sorted({*THRESHOLDS, hold, spam}):
            write(self.row(f">= {threshold:g}", figures(scored, threshold)))

    @staticmethod
    def row(label, result):
        return (
            f"  {label:<32}{result.precision:>10.3f}{result.recall:>8.3f}{result.f1:>7.3f}"
            f"{result.legitimate_flagged:>14.2%}   "
            f"(tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn}, unscored {result.unscored})"
        )
