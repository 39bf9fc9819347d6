"""Every story's headline_key folded again: folding now also covers hamza
seats, more yeh, kaf, heh and waw forms, Arabic-Indic and Persian digits,
and ZWNJ compounds (dateline.core.folding).

Only changed keys are written, a batch at a time: at 100,000 stories it
reads 100 batches of titles and writes the few non-Latin headlines that
fold differently. On SQLite the headline index's triggers follow each
write; on PostgreSQL its index is over the column itself. Wagtail's search
index holds the folded text too: rebuild it with `dateline manage
update_index` (docs/discovery.md).
"""

from django.db import migrations

# The folding of the day the migration runs, not of the day it was written:
# what it must bring the keys up to is what the code that then runs reads.
from dateline.core.folding import headline_key

BATCH = 1000


def refold(apps, schema_editor):
    ArticlePage = apps.get_model("articles", "ArticlePage")
    stories = ArticlePage.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while batch := list(stories.filter(pk__gt=last).values_list("pk", "title", "headline_key")[:BATCH]):
        last = batch[-1][0]
        changed = [
            ArticlePage(pk=pk, headline_key=key)
            for pk, title, stored in batch
            if (key := headline_key(title)) != stored
        ]
        ArticlePage.objects.using(schema_editor.connection.alias).bulk_update(changed, ["headline_key"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_trust_indicators")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
