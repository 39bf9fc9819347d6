"""A spam filter that has learned from a labelled corpus, for tests and benches."""

from functools import cache

from dateline.comments.models import SpamFeature, SpamTotals
from dateline.comments.spam import MemoryFilter, comment_features
from dateline.comments.spam_evaluation import read_examples
from dateline.testing import DATA


@cache
def sms_examples():
    """The UCI SMS Spam Collection as (text, is_spam) pairs: 5,574 texts, 747 spam."""
    return tuple(read_examples(DATA / "SMSSpamCollection"))


def learned_filter(examples):
    spam_filter = MemoryFilter()
    for text, spam in examples:
        spam_filter.learn(comment_features(body=text), spam=spam)
    return spam_filter


def store_learned(spam_filter):
    """Put what a MemoryFilter learned into the site's database, as if
    moderators had taught the site's filter the same comments one by one
    (which takes minutes for a corpus; this takes a second)."""
    SpamFeature.objects.all().delete()
    SpamFeature.objects.bulk_create(
        [SpamFeature(feature=feature, spam=spam, ham=ham) for feature, (spam, ham) in spam_filter.counts.items()],
        batch_size=2000,
    )
    totals = spam_filter.totals
    SpamTotals.objects.update_or_create(
        pk=1,
        defaults={
            "spam": totals.spam,
            "ham": totals.ham,
            "spam_features": totals.spam_features,
            "ham_features": totals.ham_features,
            "vocabulary": totals.vocabulary,
        },
    )
