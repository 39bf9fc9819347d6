"""`dateline serve` on a site of its own, run as an operator runs it: for
the suite's fixtures (fixtures/servers.py) and the benches (bench/)."""

import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

from dateline.testing import REPO_ROOT
from dateline.testing.processes import stop_group

SEED_FILE = REPO_ROOT / "dateline" / "demo" / "seed.json"

DATELINE = Path(sys.executable).parent / "dateline"


class ServerDidNotStart(RuntimeError):
    pass


def outside_environment(**extra):
    """This process's environment without Dateline's own settings and the
    suite's: what a `dateline` command run by hand would see."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATELINE_") and key not in ("DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return {**environment, **extra}


def site_environment(home, **extra):
    """The environment of a site of its own in `home`, behind a proxy on
    loopback, with a secret key of its own. A CACHE_URL in this process's
    environment is kept: the caller pops it for a cache in `home`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATELINE_") and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        {
            "DATELINE_HOME": str(home),
            "DATELINE_TRUSTED_PROXIES": "127.0.0.1",
            "DATELINE_SECRET_KEY": secrets.token_urlsafe(60),
            **extra,
        }
    )
    return environment


class ProductionServer:
    """`dateline serve` (granian, two worker processes) on the site in `home`
    whose settings are `environment` (an SQLite file in `home` unless it names
    a DATABASE_URL)."""

    def __init__(self, home, environment, port):
        self.home = Path(home)
        self.environment = environment
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.process = None
        self.log = None

    def dateline(self, *args, timeout=600):
        return subprocess.run(
            [str(DATELINE), *args], env=self.environment, capture_output=True, text=True, timeout=timeout, check=True
        )

    def run_python(self, *args, timeout=600):
        """This interpreter, with the site's environment: for probes that must run on its database."""
        return subprocess.run(
            [sys.executable, *args],
            env=self.environment,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self, *, timeout=120):
        """Starts the server, as a newcomer runs it (the supervisor also
        watches for due work), and returns once it answers /healthz."""
        self.log = (self.home / "server.log").open("w")
        self.process = subprocess.Popen(
            [str(DATELINE), "serve", "--port", str(self.port)],
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerDidNotStart(f"dateline serve exited: {self.output()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise ServerDidNotStart(f"dateline serve did not become healthy in {timeout} s: {self.output()}")

    def output(self):
        return (self.home / "server.log").read_text()

    def stop(self):
        if self.process is None:
            return
        stop_group(self.process)
        self.log.close()

    def seed_article_id(self):
        """The page id of the demo's seed story (the demo has a live story too)."""
        slug = json.loads(SEED_FILE.read_text(encoding="utf-8"))["article"]["slug"]
        query = "SELECT id FROM wagtailcore_page WHERE slug = ? AND live"
        return self.sql(query, (slug,))[0][0]

    def sql(self, query, params=()):
        """Read the server's database directly, as an operator would."""
        if self.environment.get("DATABASE_URL"):
            with psycopg.connect(self.environment["DATABASE_URL"]) as db:
                return db.execute(query.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.home / "dateline.sqlite3") as db:
            return db.execute(query, params).fetchall()
