"""Finding work that has come due, without loading Django.

Five kinds of work wait for a time rather than for a reader: queued tasks
(moderators' digests, on django-tasks' database backend), scheduled
publishing (Wagtail's go-live and expiry times), taking down a breaking-news
banner at its expiry, forgetting commenters' IP addresses once the comment
policy's retention period has passed, and retrying a page-cache purge that
failed (Redis unreachable). All are rare. A resident
`db_worker` would hold a whole Django and Wagtail in memory (about 100 MB
of the server's 300) only to wait for them, so `dateline serve` asks the
database two cheap questions every few seconds from its supervisor process
(how long addresses are kept; is anything due?), and starts a short-lived
Django process (`dateline _run-due-work`) only when the answer is yes.

The questions read tables that belong to django-tasks-db, Wagtail and the
comments app; dateline/config/tests/test_duework.py checks them against
their models, on SQLite and on PostgreSQL, so an upgrade that renames a
column fails a test.
"""

import datetime
import logging
import sqlite3

logger = logging.getLogger("dateline.duework")

TASK_BACKEND = "background"

# django-tasks-db stores "run as soon as possible" as this date, not as NULL.
NO_RUN_AFTER = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)

DUE_WORK_SQL = """
SELECT
    EXISTS (
        SELECT 1 FROM django_tasks_database_dbtaskresult
        WHERE status = 'READY' AND backend_name = {p}
          AND (run_after = {p} OR run_after <= {p})
    )
    OR EXISTS (SELECT 1 FROM wagtailcore_revision WHERE approved_go_live_at < {p})
    OR EXISTS (SELECT 1 FROM wagtailcore_page WHERE live AND expire_at < {p})
    OR EXISTS (SELECT 1 FROM newsroom_breakingnewssettings WHERE showing AND expires_at <= {p})
    OR EXISTS (SELECT 1 FROM comments_comment WHERE ip_address IS NOT NULL AND submitted_at < {p})
    OR EXISTS (SELECT 1 FROM pagecache_failedpurge)
"""

# The shortest IP retention of any site's comment policy applies to every
# comment (dateline/comments/services.py: comment_ips_purge); with no policy
# saved yet, the policy's default (checked against the model in the tests).
RETENTION_SQL = "SELECT MIN(ip_retention_days) FROM comments_commentpolicy"
DEFAULT_IP_RETENTION_DAYS = 30

# Options in Django's DATABASES that are Django's own, not libpq's.
DJANGO_ONLY_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role"}


def work_is_due(connection, vendor, now):
    """True when a queued task may run, a page is due to go live or expire,
    a breaking-news banner is due to come down, a commenter's IP address
    is past its retention period, or a page-cache purge failed.

    `connection` is a DB-API connection to the site's database: "sqlite" or
    "postgresql" as `vendor`.
    """
    if vendor == "sqlite":
        # Django keeps SQLite datetimes as naive UTC text, as str() writes
        # them (microseconds only when not zero); that text sorts as it reads.
        def value(moment):
            return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))

        sql = DUE_WORK_SQL.format(p="?")
    else:

        def value(moment):
            return moment

        sql = DUE_WORK_SQL.format(p="%s")
    cursor = connection.cursor()
    try:
        cursor.execute(RETENTION_SQL)
        days = cursor.fetchone()[0]
        ip_cutoff = now - datetime.timedelta(days=DEFAULT_IP_RETENTION_DAYS if days is None else days)
        cursor.execute(
            sql, [TASK_BACKEND, value(NO_RUN_AFTER), value(now), value(now), value(now), value(now), value(ip_cutoff)]
        )
        return bool(cursor.fetchone()[0])
    finally:
        cursor.close()


def connect(database):
    """A DB-API connection, in autocommit, from a Django DATABASES entry."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return sqlite3.connect(database["NAME"], timeout=5, isolation_level=None), "sqlite"
    import psycopg  # only a PostgreSQL site's supervisor loads libpq

    options = {key: value for key, value in database.get("OPTIONS", {}).items() if key not in DJANGO_ONLY_OPTIONS}
    parts = {"dbname": database["NAME"], "user": database.get("USER"), "password": database.get("PASSWORD")}
    parts |= {"host": database.get("HOST"), "port": database.get("PORT")}
    parts = {key: value for key, value in parts.items() if value}
    return psycopg.connect(**parts, **options, autocommit=True, connect_timeout=5), "postgresql"


def _unavailable_database_errors(database):
    """What an unreachable, restarting or locked database raises."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return (sqlite3.Error, OSError)
    import psycopg  # only a PostgreSQL site's supervisor loads libpq

    return (psycopg.Error, OSError)


class DueWorkWatch:
    """Asks the database whether work is due, at most once per `interval` seconds.

    A failed question (the database is restarting, say) is logged and asked
    again later on a fresh connection; it never stops the web server.
    """

    def __init__(self, database, *, interval):
        self.database = database
        self.interval = interval
        self.connection = None
        self.next_check = 0.0
        self.unavailable = _unavailable_database_errors(database)

    def due(self, monotonic_now):
        if monotonic_now < self.next_check:
            return False
        self.next_check = monotonic_now + self.interval
        try:
            if self.connection is None:
                self.connection, self.vendor = connect(self.database)
            return work_is_due(self.connection, self.vendor, datetime.datetime.now(datetime.UTC))
        except self.unavailable as error:
            # The database is restarting, unreachable or locked: ask later.
            logger.warning("Could not check for due work (%s); trying again in %s s.", error, self.interval)
            self.close()
            return False
        except Exception:
            # A bug in the question would stop scheduled publishing: say so
            # loudly, with the traceback, and keep the server up.
            logger.exception("Checking for due work failed; trying again in %s s.", self.interval)
            self.close()
            return False

    def postpone(self, seconds, monotonic_now):
        """Ask no earlier than `seconds` from now: after a failed run, say."""
        self.next_check = max(self.next_check, monotonic_now + seconds)

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None
