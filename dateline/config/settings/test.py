"""Settings for the test suite: the same environment-driven settings as
production, pointed at a throwaway data folder, with a fast password hasher.

DATABASE_URL and CACHE_URL choose the backends exactly as in production, so
the suite runs on SQLite with the disk cache by default and on PostgreSQL
with Redis in CI.
"""

import os
import tempfile

os.environ.setdefault("DATELINE_HOME", tempfile.mkdtemp(prefix="dateline-test-"))
os.environ.setdefault("DATELINE_SECRET_KEY", "test-only-" + "x" * 50)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Live-server threads must not leave connections open behind them, or
# PostgreSQL refuses to drop the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Tests render pages without running collectstatic first; the manifest storage
# the site uses is covered by its own test.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
DATELINE_SERVE_MEDIA = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# On SQLite, the test database is a file in the throwaway data folder, not
# Django's shared in-memory database: in shared-cache mode a second
# connection meets "database table is locked" at once instead of waiting
# its turn, and the admin's page editor makes requests of its own (editing
# sessions) while the browser tests publish.
# A throwaway database needs no fsync: it need not survive a power cut.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["DATELINE_HOME"], "test.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"  # noqa: F405
