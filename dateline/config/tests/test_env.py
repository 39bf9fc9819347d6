"""Configuration from environment variables: safe defaults, clear refusals."""

import os
import subprocess
import sys
from ipaddress import ip_network

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from dateline.config import env


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("DATELINE_") or name in ("DATABASE_URL", "CACHE_URL", "EMAIL_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATELINE_HOME", str(tmp_path))
    return monkeypatch


def settings_in_subprocess(tmp_path, extra_env, expression):
    """Import the real settings module in a fresh interpreter, as a server would."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATELINE_") and key not in ("DATABASE_URL", "CACHE_URL", "EMAIL_URL")
    }
    environment.update({"DATELINE_HOME": str(tmp_path), **extra_env})
    code = f"import dateline.config.settings.base as s; print({expression})"
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60)


def test_embedded_default_is_sqlite_in_the_data_folder(clean_env, tmp_path):
    config = env.database(env.home())
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "dateline.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5


@pytest.fixture
def unblocked(django_db_blocker):
    """These tests open their own SQLite files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def test_sqlite_runs_in_wal_mode_with_full_sync_and_a_busy_timeout(clean_env, tmp_path, unblocked):
    config = env.database(env.home())
    wrapper = DatabaseWrapper({**config, "TIME_ZONE": None, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True})
    try:
        with wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == config["OPTIONS"]["timeout"] * 1000
    finally:
        wrapper.close()


HOLD_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO notes VALUES ('first')")
print("locked", flush=True)
time.sleep(1.5)
db.execute("COMMIT")
"""


def test_concurrent_sqlite_writer_waits_for_the_lock_instead_of_failing(clean_env, tmp_path, unblocked):
    """Two connections, as two worker processes would have: the second writer
    blocks until the first commits, then succeeds."""
    config = env.database(env.home())

    def connect():
        return DatabaseWrapper({**config, "TIME_ZONE": None, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True})

    first, second = connect(), connect()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE notes (text TEXT)")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(tmp_path / "dateline.sqlite3")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO notes VALUES ('second')")  # waits out the lock
        with second.cursor() as cursor:
            assert [row[0] for row in cursor.execute("SELECT text FROM notes ORDER BY rowid")] == ["first", "second"]
    finally:
        holder.wait(timeout=10)
        first.close()
        second.close()


def test_database_url_selects_postgresql(clean_env):
    clean_env.setenv("DATABASE_URL", "postgres://newsroom:secret@db.internal:5432/dateline")
    config = env.database(env.home())
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.internal", "dateline", "newsroom")
    assert config["CONN_HEALTH_CHECKS"] is True


def test_postgresql_answers_pages_without_parallel_workers(clean_env, django_db_blocker):
    clean_env.setenv("DATABASE_URL", "postgres://newsroom@db.internal/dateline?options=-c%20statement_timeout%3D5000")
    options = env.database(env.home())["OPTIONS"]["options"]
    assert options == "-c statement_timeout=5000 -c max_parallel_workers_per_gather=0"
    clean_env.setenv(
        "DATABASE_URL", "postgres://newsroom@db.internal/dateline?options=-c%20max_parallel_workers_per_gather%3D2"
    )
    assert env.database(env.home())["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
    if connection.vendor == "postgresql":  # the suite's own connections, on the PostgreSQL pass
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"


def test_unsupported_database_is_refused(clean_env):
    clean_env.setenv("DATABASE_URL", "mysql://root@127.0.0.1/test")
    with pytest.raises(ImproperlyConfigured, match="SQLite or PostgreSQL"):
        env.database(env.home())


def test_default_cache_is_on_disk_and_shared_between_processes(clean_env, tmp_path):
    config = env.cache(env.home())
    assert config["BACKEND"] == "diskcache.DjangoCache"
    assert config["LOCATION"] == str(tmp_path / "cache")
    code = (
        "import django; from django.conf import settings; "
        f"settings.configure(CACHES={{'default': {config!r}}}); django.setup(); "
        "from django.core.cache import cache; import sys; "
        "print(cache.set('k', sys.argv[1]) if sys.argv[1] != 'read' else cache.get('k'))"
    )
    subprocess.run([sys.executable, "-c", code, "written by one process"], check=True, timeout=60)
    read = subprocess.run([sys.executable, "-c", code, "read"], capture_output=True, text=True, check=True, timeout=60)
    assert read.stdout.strip() == "written by one process"


def test_cache_url_selects_redis(clean_env):
    clean_env.setenv("CACHE_URL", "redis://127.0.0.1:6379/2")
    assert env.cache(env.home()) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
    }


def test_unknown_cache_scheme_is_refused(clean_env):
    clean_env.setenv("CACHE_URL", "memcached://127.0.0.1:11211")
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env.cache(env.home())


def test_embedded_secret_key_is_generated_once_and_kept_private(clean_env, tmp_path):
    first = env.secret_key(env.home(), generate=True)
    second = env.secret_key(env.home(), generate=True)
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_data_folder_and_database_are_private_to_the_service(clean_env, tmp_path):
    """Another local user can neither read commenters' e-mails in the
    database nor plant a pickle in the cache folder."""
    home = tmp_path / "fresh"
    clean_env.setenv("DATELINE_HOME", str(home))
    env.database(env.home())
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / "dateline.sqlite3").stat().st_mode & 0o777 == 0o600


def test_an_existing_open_data_folder_is_made_private(clean_env, tmp_path):
    home = tmp_path / "old"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    (home / "dateline.sqlite3").touch()
    (home / "dateline.sqlite3").chmod(0o644)
    clean_env.setenv("DATELINE_HOME", str(home))
    env.database(env.home())
    assert home.stat().st_mode & 0o777 == 0o700
    assert (home / "dateline.sqlite3").stat().st_mode & 0o777 == 0o600


def test_secret_key_from_environment_wins(clean_env):
    clean_env.setenv("DATELINE_SECRET_KEY", "k" * 60)
    assert env.secret_key(env.home(), generate=True) == "k" * 60


def test_short_secret_key_is_refused(clean_env):
    clean_env.setenv("DATELINE_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        env.secret_key(env.home(), generate=True)


def test_server_with_postgresql_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(
        tmp_path, {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}, "s.SECRET_KEY"
    )
    assert result.returncode != 0
    assert "DATELINE_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_server_with_redis_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(tmp_path, {"CACHE_URL": "redis://127.0.0.1:6379/0"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "DATELINE_SECRET_KEY is not set" in result.stderr


def test_embedded_settings_start_with_no_variables_at_all(tmp_path):
    result = settings_in_subprocess(
        tmp_path, {}, "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.DEBUG, s.TIME_ZONE"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3 diskcache.DjangoCache False UTC"
    assert (tmp_path / "secret_key").exists()


def test_base_url_gives_admin_links_allowed_hosts_and_secure_cookies(tmp_path):
    result = settings_in_subprocess(
        tmp_path,
        {
            "DATELINE_BASE_URL": "https://news.example.org/",
            "DATELINE_ALLOWED_HOSTS": "www.example.org",
            "DATELINE_TRUSTED_PROXIES": "10.0.0.1",  # the proxy that ends TLS
        },
        "s.WAGTAILADMIN_BASE_URL, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "https://news.example.org ['news.example.org', '127.0.0.1', 'localhost', 'www.example.org'] "
        "True ['https://news.example.org']"
    )


@pytest.mark.parametrize(
    "value",
    ["news.example.org", "ftp://news.example.org", "https://news.example.org/section/", "https://"],
)
def test_base_url_must_be_a_site_root(clean_env, value):
    clean_env.setenv("DATELINE_BASE_URL", value)
    with pytest.raises(ImproperlyConfigured, match="DATELINE_BASE_URL"):
        env.base_url()


def test_wildcard_allowed_host_is_refused(clean_env):
    clean_env.setenv("DATELINE_ALLOWED_HOSTS", "*")
    with pytest.raises(ImproperlyConfigured, match="DATELINE_ALLOWED_HOSTS"):
        env.allowed_hosts("http://127.0.0.1:8000")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("0", False)])
def test_debug_reads_yes_and_no(clean_env, raw, expected):
    clean_env.setenv("DATELINE_DEBUG", raw)
    assert env.boolean("DATELINE_DEBUG") is expected


def test_debug_refuses_anything_else(clean_env):
    clean_env.setenv("DATELINE_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DATELINE_DEBUG"):
        env.boolean("DATELINE_DEBUG")


def test_time_zone_is_checked(clean_env):
    clean_env.setenv("DATELINE_TIME_ZONE", "Asia/Damascus")
    assert env.time_zone("DATELINE_TIME_ZONE", default="UTC") == "Asia/Damascus"
    clean_env.setenv("DATELINE_TIME_ZONE", "Middle/Earth")
    with pytest.raises(ImproperlyConfigured, match="DATELINE_TIME_ZONE"):
        env.time_zone("DATELINE_TIME_ZONE", default="UTC")


def test_trusted_proxies_are_networks(clean_env):
    clean_env.setenv("DATELINE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8 ,::1")
    assert env.networks("DATELINE_TRUSTED_PROXIES") == [
        ip_network("127.0.0.1/32"),
        ip_network("10.0.0.0/8"),
        ip_network("::1/128"),
    ]
    clean_env.setenv("DATELINE_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")
    with pytest.raises(ImproperlyConfigured, match="proxy.local"):
        env.networks("DATELINE_TRUSTED_PROXIES")


def test_email_defaults_to_the_console(clean_env):
    assert env.email("EMAIL_URL").backend == "django.core.mail.backends.console.EmailBackend"


def test_email_url_configures_smtp(clean_env):
    clean_env.setenv("EMAIL_URL", "smtp://desk%40example.org:p%40ss@mail.example.org:587")
    config = env.email("EMAIL_URL")
    assert config.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (config.host, config.port, config.user, config.password) == (
        "mail.example.org",
        587,
        "desk@example.org",
        "p@ss",
    )
    assert config.use_tls and not config.use_ssl
    clean_env.setenv("EMAIL_URL", "smtps://mail.example.org")
    config = env.email("EMAIL_URL")
    assert (config.port, config.use_ssl, config.use_tls) == (465, True, False)


def test_email_url_with_unknown_scheme_is_refused(clean_env):
    clean_env.setenv("EMAIL_URL", "sendmail:///usr/sbin/sendmail")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email("EMAIL_URL")


def test_editions_are_english_arabic_and_farsi_by_default(clean_env):
    assert env.editions("DATELINE_LANGUAGE", "DATELINE_EDITIONS") == (
        "en",
        [("en", "English"), ("ar", "العربيّة"), ("fa", "فارسی")],
    )


def test_the_default_edition_comes_first_and_more_editions_are_configured(clean_env):
    clean_env.setenv("DATELINE_LANGUAGE", "ar")
    clean_env.setenv("DATELINE_EDITIONS", "en, tr ,ar,ckb")
    default, languages = env.editions("DATELINE_LANGUAGE", "DATELINE_EDITIONS")
    assert default == "ar"
    assert [code for code, _ in languages] == ["ar", "en", "tr", "ckb"]


@pytest.mark.parametrize("editions", ["en,arabic", "en,xx"])
def test_an_unknown_edition_language_is_refused_by_name(clean_env, editions):
    clean_env.setenv("DATELINE_EDITIONS", editions)
    with pytest.raises(ImproperlyConfigured, match="DATELINE_EDITIONS"):
        env.editions("DATELINE_LANGUAGE", "DATELINE_EDITIONS")
