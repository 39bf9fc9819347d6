from django.db import migrations

# The server's supervisor asks every few seconds whether a live page is due
# to expire (dateline/duework.py). Wagtail does not index `expire_at`, so at
# 100,000 pages that question read the whole page table (about 40 ms warm,
# 260 ms cold). Few pages ever have an expiry time: a partial index holds
# only those, and both SQLite and PostgreSQL use it for `expire_at < now`.
CREATE = (
    "CREATE INDEX IF NOT EXISTS dateline_page_expire_at "
    "ON wagtailcore_page (expire_at) WHERE expire_at IS NOT NULL"
)
DROP = "DROP INDEX IF EXISTS dateline_page_expire_at"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
