"""The `dateline` command, run as a newcomer would: real processes, real server."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dateline.testing.fixtures.servers import with_collected_static
from dateline.testing.ports import free_port
from dateline.testing.processes import stop_group
from dateline.testing.servers import outside_environment

# Each test runs `dateline` on a site of its own on SQLite, or on none.
pytestmark = pytest.mark.once

DATELINE = str(Path(sys.executable).parent / "dateline")
SEED_HEADLINE = "Syrian Army, Popular Fighters Drive ISIL out of Large Region in Western Deir Ezzur"


def environment(home, **extra):
    return outside_environment(DATELINE_HOME=str(home), **extra)


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    """`dateline demo` or `dateline serve` in its own process group, stopped by pid."""

    def __init__(self, *args, home, env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = home / f"server-{self.port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [DATELINE, *args, "--port", str(self.port)],
                env=environment(home, **(env or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_healthy(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited early:\n{self.output()}")
            try:
                if fetch(f"{self.base}/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"the server did not answer /healthz within {timeout} s:\n{self.output()}")

    def output(self):
        return self.log.read_text()

    def stop(self):
        stop_group(self.process)


def test_help_lists_every_command_with_one_line_each():
    result = subprocess.run([DATELINE, "--help"], capture_output=True, text=True, timeout=60, check=True)
    for command in ["demo", "serve", "setup", "load-demo", "generate-articles", "manage"]:
        assert f"    {command}" in result.stdout, command


def test_demo_serves_the_seed_site_with_the_production_server(tmp_path, collected_static):
    # Compressing the static files (20 s) is tested in core/tests/test_static_assets.py.
    server = Server("demo", home=with_collected_static(tmp_path, collected_static))
    try:
        server.wait_until_healthy()
        output = server.output()
        assert "Created the admin account" in output and "password: " in output
        assert "granian" in output.lower()

        status, _, body = fetch(f"{server.base}/")
        assert status == 200
        assert SEED_HEADLINE in body.decode()
        status, _, body = fetch(
            f"{server.base}/middle-east/syrian-army-popular-fighters-drive-isil-out-of-large-region-in-western-deir-ezzur/"
        )
        assert status == 200
        assert "Deir Ezzur" in body.decode()

        css = body.decode().split('rel="stylesheet" href="')[1].split('"')[0]
        assert css.startswith("/static/dateline/css/site.") and css.endswith(".css"), "static names carry a hash"
        status, headers, _ = fetch(server.base + css, {"Accept-Encoding": "br"})
        assert status == 200
        assert headers["content-encoding"] == "br"
        assert "immutable" in headers["cache-control"]

        (tmp_path / "media" / "note.txt").write_text("uploaded")
        assert fetch(f"{server.base}/media/note.txt")[2] == b"uploaded"
        assert fetch(f"{server.base}/admin/login/")[0] == 200
    finally:
        server.stop()
    assert (tmp_path / "secret_key").exists()

    again = Server("demo", home=tmp_path)
    try:
        again.wait_until_healthy()
        assert "password: " not in again.output(), "the password is printed only once"
        assert "Demo content is already loaded" in again.output()
        _, _, body = fetch(f"{again.base}/middle-east/")
        assert body.decode().count(SEED_HEADLINE) == 1
    finally:
        again.stop()


def test_admin_password_can_come_from_the_environment(tmp_path, collected_static):
    env = environment(with_collected_static(tmp_path, collected_static), DATELINE_ADMIN_PASSWORD="a long demo password")
    subprocess.run([DATELINE, "setup"], env=env, check=True, capture_output=True, timeout=300)
    check = (  # as the sign-in form asks: django-axes counts attempts by request
        "from django.contrib.auth import authenticate; from django.test import RequestFactory; "
        "request = RequestFactory().post('/admin/login/'); "
        "print(authenticate(request, username='admin', password='a long demo password') is not None)"
    )
    script = f"from dateline.cli import _django, ensure_admin; _django(); ensure_admin(); {check}"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "password from DATELINE_ADMIN_PASSWORD" in result.stdout
    assert "a long demo password" not in result.stdout
    assert result.stdout.strip().endswith("True")


def test_serve_refuses_an_unprepared_site(tmp_path):
    result = subprocess.run(
        [DATELINE, "serve", "--port", str(free_port())],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "unapplied migration" in result.stderr
    assert "dateline setup" in result.stderr


def test_serve_refuses_postgresql_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [DATELINE, "serve", "--port", str(free_port())],
        env=environment(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATELINE_SECRET_KEY is not set" in result.stderr


def test_the_server_loads_django_before_forking_its_workers_and_leaves_nothing_open_across_the_fork(tmp_path):
    # dateline/config/server.py imports the site once in granian's main
    # process so the workers share it; a database connection, a thread or a
    # cache client opened there would be shared by both workers after fork.
    env = environment(tmp_path)  # no database needed: loading the site reads none
    script = """
import sys, threading
from dateline.config.server import preload
preload()
from django.core.cache import caches
from django.db import connections
from django.template import engines
print(all(c.connection is None for c in connections.all()))
print(threading.active_count())
print(len(list(caches.all(initialized_only=True))))
print("dateline.comments.views" in sys.modules, "dateline.search.views" in sys.modules)
print(len(engines["django"].engine.template_loaders[0].get_template_cache))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    no_connection, threads, caches_open, views, templates = result.stdout.splitlines()
    assert no_connection == "True"
    assert threads == "1"
    assert caches_open == "0"
    assert views == "True True", "the workers inherit every view module"
    assert int(templates) >= 20, "and Dateline's templates, parsed"
