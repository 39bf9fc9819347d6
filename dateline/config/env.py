"""Read Dateline's configuration from environment variables.

Each reader fails fast with ImproperlyConfigured and names the variable, so a
typo in a deployment stops the server at start rather than misbehaving later.
"""

import ipaddress
import os
import secrets
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def string(name, *, default=""):
    return os.environ.get(name, default)


def boolean(name, *, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1 or 0).")


def number(name, *, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if value < 0:
        raise ImproperlyConfigured(f"{name} cannot be negative.")
    return value


def rate(name, *, default):
    """A rate limit written "requests/seconds", e.g. "30/60" for 30 a minute."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    requests, _, seconds = raw.partition("/")
    if not (requests.strip().isdigit() and seconds.strip().isdigit() and int(seconds) > 0):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate such as 30/60 (requests/seconds).")
    return int(requests), int(seconds)


def path(name, *, default):
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else Path(default)


def home():
    """The data folder of an embedded site: database, cache, media, secret key.

    Private to the service's user: the database holds commenters' e-mail
    addresses, and diskcache unpickles what it finds in the cache folder
    (GHSA-w8v5-vhqr-4h9v), so another local user who could write there
    could run code as the site."""
    folder = path("DATELINE_HOME", default=Path("var").resolve())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(folder, 0o700)
    return folder


def make_private(location, mode):
    """Take group and others' access away from a file or folder the service owns.

    One the service does not own (an operator's shared mount) is left as
    it is, and docs/security.md says what to check."""
    status = location.stat()
    if status.st_mode & 0o077 and status.st_uid == os.geteuid():
        location.chmod(mode)


def base_url():
    raw = os.environ.get("DATELINE_BASE_URL", "http://127.0.0.1:8000").strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"DATELINE_BASE_URL={raw!r} must be an http or https address, such as https://news.example.org"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"DATELINE_BASE_URL={raw!r} must name the site's root, with no path.")
    return f"{parts.scheme}://{parts.netloc}"


def allowed_hosts(site_url):
    """The base URL's host is always allowed; loopback names for health checks."""
    hosts = [urlsplit(site_url).hostname, "127.0.0.1", "localhost"]
    extra = os.environ.get("DATELINE_ALLOWED_HOSTS", "")
    hosts += [host.strip() for host in extra.split(",") if host.strip()]
    if "*" in hosts:
        raise ImproperlyConfigured(
            "DATELINE_ALLOWED_HOSTS must list host names: '*' would let any Host "
            "header through and poison links built from it."
        )
    return list(dict.fromkeys(hosts))


def database(data_folder):
    default = f"sqlite:///{data_folder / 'dateline.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default
    try:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not usable: {error}") from error
    if config["ENGINE"] == "django.db.backends.sqlite3":
        _private_sqlite_file(Path(config["NAME"]))
        # Several worker processes share one SQLite file. WAL lets readers
        # run beside a writer; synchronous=FULL makes a commit durable before
        # it is acknowledged; IMMEDIATE transactions take the write lock up
        # front, so a second writer waits (up to `timeout` seconds) instead of
        # failing halfway through with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": number("DATELINE_SQLITE_BUSY_TIMEOUT", default=20),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A page's queries read a few dozen rows each. Parallel workers took
        # 5 ms to start for a search that then read 26 rows in 1 ms, and on
        # a busy server the cores are the other requests'. A DATABASE_URL
        # that sets the parameter keeps its own value.
        options = config.setdefault("OPTIONS", {})
        if "max_parallel_workers_per_gather" not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} -c max_parallel_workers_per_gather=0".strip()
    else:
        raise ImproperlyConfigured(f"DATABASE_URL must point at SQLite or PostgreSQL, not {config['ENGINE']}.")
    return config


def _private_sqlite_file(name):
    """Create the database file readable by its owner only, or make it so.
    SQLite gives its -wal and -shm files the database file's permissions."""
    if str(name) in ("", ":memory:") or not name.parent.is_dir():
        return
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        make_private(name, 0o600)


def cache(data_folder):
    url = os.environ.get("CACHE_URL", "")
    scheme = urlsplit(url).scheme
    if not url:
        # A cache on local disk that every worker process shares, unlike
        # Django's per-process local-memory cache.
        return {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(data_folder / "cache"),
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {"size_limit": 2**30},
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL={url!r} must start with redis://, rediss:// or locmem://.")


def is_embedded(database_config, cache_config):
    """True for the one-machine default: SQLite and a cache on local disk."""
    return database_config["ENGINE"] == "django.db.backends.sqlite3" and "redis" not in cache_config["BACKEND"].lower()


def secret_key(data_folder, *, generate):
    key = os.environ.get("DATELINE_SECRET_KEY", "")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("DATELINE_SECRET_KEY must be at least 50 characters.")
        return key
    if not generate:
        raise ImproperlyConfigured(
            "DATELINE_SECRET_KEY is not set. With PostgreSQL or Redis the site may run "
            "on several nodes, which must all sign with one key: set it in the environment."
        )
    # Generated once and kept beside the database, so restarts keep everyone
    # logged in. O_EXCL makes two processes starting at once agree on one key.
    key_file = data_folder / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


def networks(name):
    raw = os.environ.get(name, "")
    result = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        try:
            result.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or network.") from error
    return result


def editions(default_name, editions_name):
    """The site's editions as Django's LANGUAGES, the default edition first.

    The default edition (`default_name`, served at /) must be one of them;
    the others are served under their language code (/ar/, /fa/)."""
    from django.conf.locale import LANG_INFO

    default = os.environ.get(default_name, "en").strip().lower()
    codes = [code.strip().lower() for code in os.environ.get(editions_name, "en,ar,fa").split(",") if code.strip()]
    for name, code in [(default_name, default), *((editions_name, code) for code in codes)]:
        if code not in LANG_INFO or "name_local" not in LANG_INFO[code]:
            raise ImproperlyConfigured(f"{name}: {code!r} is not a language code Django knows, such as ar.")
    ordered = [default, *(code for code in codes if code != default)]
    return default, [(code, LANG_INFO[code]["name_local"]) for code in dict.fromkeys(ordered)]


def languages(name, *, default):
    """A comma-separated list of language codes, lower-cased."""
    return [code.strip().lower() for code in os.environ.get(name, default).split(",") if code.strip()]


def time_zone(name, *, default):
    value = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ImproperlyConfigured(f"{name}={value!r} is not a time zone such as Asia/Damascus.") from error
    return value


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def email(name):
    """console:// (the default) or smtp://user:password@host:port, smtps:// for TLS from the start.

    smtp:// upgrades with STARTTLS on port 587 or when ?starttls=1 is given.
    """
    url = os.environ.get(name, "")
    if not url or url == "console://":
        return EmailConfig(backend="django.core.mail.backends.console.EmailBackend")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be console:// or smtp://user:password@host:port.")
    query = parse_qs(parts.query)
    use_ssl = parts.scheme == "smtps"
    port = parts.port or (465 if use_ssl else 25)
    starttls = query.get("starttls", ["0"])[0] in TRUE_WORDS or port == 587
    return EmailConfig(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=starttls and not use_ssl,
        use_ssl=use_ssl,
    )
