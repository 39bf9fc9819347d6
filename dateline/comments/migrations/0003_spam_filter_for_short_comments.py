"""The spam filter reads comments differently now (dateline/comments/spam.py):
what it learned before is relearned from the moderators' decisions, and
policies still at the old default thresholds move to the new ones."""

from collections import defaultdict

import django.core.validators
from django.conf import settings
from django.db import migrations, models


OLD_DEFAULTS = (0.5, 0.95)
NEW_DEFAULTS = (0.9, 0.99)


def new_default_thresholds(apps, schema_editor):
    CommentPolicy = apps.get_model("comments", "CommentPolicy")
    hold, reject = OLD_DEFAULTS
    CommentPolicy.objects.filter(spam_hold_score=hold, spam_reject_score=reject).update(
        spam_hold_score=NEW_DEFAULTS[0], spam_reject_score=NEW_DEFAULTS[1]
    )


def relearn_from_moderators(apps, schema_editor):
    from dateline.comments.spam import comment_features

    Comment = apps.get_model("comments", "Comment")
    SpamFeature = apps.get_model("comments", "SpamFeature")
    SpamTotals = apps.get_model("comments", "SpamTotals")
    counts = defaultdict(lambda: [0, 0])
    totals = {"spam": 0, "ham": 0, "spam_features": 0, "ham_features": 0}
    taught = Comment.objects.filter(trained_as__in=["spam", "ham"], erased_at__isnull=True, staff_author__isnull=True)
    for comment in taught.only("body", "name", "website", "trained_as").iterator(chunk_size=2000):
        features = comment_features(body=comment.body, name=comment.name, website=comment.website)
        column = comment.trained_as
        for feature in features:
            counts[feature][column == "ham"] += 1
        totals[column] += 1
        totals[f"{column}_features"] += len(features)
    SpamFeature.objects.all().delete()
    SpamTotals.objects.all().delete()
    SpamFeature.objects.bulk_create(
        (SpamFeature(feature=feature, spam=spam, ham=ham) for feature, (spam, ham) in counts.items()), batch_size=2000
    )
    SpamTotals.objects.create(pk=1, vocabulary=len(counts), **totals)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_headline_key'),
        ('comments', '0002_moderators_group'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='spamtotals',
            name='ham_features',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='spamtotals',
            name='spam_features',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='spamtotals',
            name='vocabulary',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='commentpolicy',
            name='spam_hold_score',
            field=models.FloatField(default=0.9, help_text='Hold a comment for a moderator when its learned spam score (0 to 1) is at least this. Lower holds more spam and more legitimate comments.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)]),
        ),
        migrations.AlterField(
            model_name='commentpolicy',
            name='spam_reject_score',
            field=models.FloatField(default=0.99, help_text='File a comment as spam, unseen by moderators unless they look, when its learned spam score is at least this. Keep it high: a legitimate comment filed as spam is easily lost. 1 files none.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)]),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('ip_address__isnull', False)), fields=['submitted_at'], name='comment_ip_kept'),
        ),
        migrations.RunPython(new_default_thresholds, migrations.RunPython.noop),
        migrations.RunPython(relearn_from_moderators, migrations.RunPython.noop),
    ]
