"""PostgreSQL databases of their own, for tests and benches that start real
servers: made beside the suite's database, dropped when done."""

import secrets

import psycopg


def _server(database_url):
    return database_url.rsplit("/", 1)[0]


def create_database(database_url, prefix, *, template=None):
    """A new, empty database on the server of `database_url` (or a copy of
    `template`, a database name), named `prefix` and a random suffix; its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(f"{_server(database_url)}/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"{_server(database_url)}/{name}"


def drop_database(database_url):
    """Drop the database at `database_url`, ending any connection still open to it."""
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{_server(database_url)}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
