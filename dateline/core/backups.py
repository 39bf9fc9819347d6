"""A whole site in one folder, and back: `dateline backup PATH` and
`dateline restore PATH`.

A backup folder holds the database (an SQLite copy made with SQLite's
online backup API, which is consistent while the site keeps serving, or a
`pg_dump` archive), the media files, the embedded site's generated secret
key (sessions and signed comment tokens keep working), and `backup.json`,
which says what is in it, with a SHA-256 of every file, so a restore
refuses a folder that was damaged or cut short.

A restore goes into an empty data folder or an empty database: it refuses
to overwrite a site unless told to (`--force`), and takes the site's
settings (DATELINE_HOME, DATABASE_URL) as the target. Stop the server first.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from dateline.config import env

MANIFEST = "backup.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with what to do about it."""


def backup(folder):
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for the backup.")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.make_private(folder, 0o700)  # it holds commenters' e-mail addresses
    database = _database()
    if database["ENGINE"].endswith("sqlite3"):
        _sqlite_backup(Path(database["NAME"]), folder / "database.sqlite3")
        kind = "sqlite"
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / 'database.dump'}"],
            database,
        )
        kind = "postgresql"
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, folder / "media", symlinks=False)
    key_file = Path(settings.DATELINE_HOME) / "secret_key"
    if key_file.exists():
        shutil.copy2(key_file, folder / "secret_key")
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "migrations": _applied_migrations(),
        "files": {str(path.relative_to(folder)): _sha256(path) for path in sorted(folder.rglob("*")) if path.is_file()},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


def restore(folder, *, force=False):
    folder = Path(folder)
    manifest = _checked_manifest(folder)
    database = _database()
    kind = "sqlite" if database["ENGINE"].endswith("sqlite3") else "postgresql"
    if manifest["database"] != kind:
        raise BackupError(
            f"This backup is of a {manifest['database']} database and the site is set up for {kind}: "
            "restore it where DATABASE_URL names the same kind."
        )
    media = Path(settings.MEDIA_ROOT)
    if not force:
        if _database_has_tables():
            raise BackupError(
                "The database already holds a site: restore into an empty one, or give --force to replace it."
            )
        if media.is_dir() and any(media.iterdir()):
            raise BackupError(f"{media} already holds media files: give --force to replace them.")
    connection.close()
    if kind == "sqlite":
        _sqlite_backup(folder / "database.sqlite3", Path(database["NAME"]))
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={_postgres_url(database)}",
                str(folder / "database.dump"),
            ],
            database,
            dbname=False,
        )
    if (folder / "media").is_dir():
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(folder / "media", media)
    key_file = Path(settings.DATELINE_HOME) / "secret_key"
    if (folder / "secret_key").exists() and (force or not key_file.exists()):
        shutil.copy2(folder / "secret_key", key_file)
        key_file.chmod(0o600)
    return manifest


def _checked_manifest(folder):
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a Dateline backup: it has no {MANIFEST}.") from None
    except ValueError:
        raise BackupError(f"{folder / MANIFEST} is damaged: it is not JSON.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} was made by another version of Dateline (format {manifest.get('format')}).")
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != digest:
            raise BackupError(f"The backup is damaged: {name} is not as it was written.")
    return manifest


def _sqlite_backup(source, target):
    """Copy one SQLite database into another page by page, with SQLite's
    own online backup: consistent even while the site writes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)
    target.chmod(0o600)


def _database():
    return settings.DATABASES["default"]


def _database_has_tables():
    with connection.cursor():
        return bool(connection.introspection.table_names())


def _applied_migrations():
    from django.db.migrations.recorder import MigrationRecorder

    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _postgres_url(database):
    return (
        f"postgresql://{database['USER'] or ''}@{database['HOST'] or ''}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def _run(command, database, *, dbname=True):
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    if dbname:
        command = [*command, f"--dbname={_postgres_url(database)}"]
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client tools (postgresql-client)."
        ) from None
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from None


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
