"""Comments posted per second through the real server, on SQLite and PostgreSQL.

    .venv/bin/python bench/comments.py [--posts 400] [--concurrency 8] [--backend sqlite postgres]

For each database it prepares a fresh demo site, starts `dateline serve`
(granian, two worker processes) on loopback, and has --posts readers post a
comment each, --concurrency at a time. Every reader fetches its tokens as the
page script does, waits out the form's minimum age, then posts through the
trusted proxy address with a client address of its own, so the real CSRF,
token, rate-limit and spam checks all run. It prints acknowledged posts per
second, p50 and p99 latency of the post, and errors.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dateline.testing.comments import reader
from dateline.testing.databases import create_database, drop_database
from dateline.testing.ports import free_port  # noqa: F401 (the other benches take it from here)
from dateline.testing.processes import stop_group

ROOT = Path(__file__).resolve().parent.parent
DATELINE = ROOT / ".venv" / "bin" / "dateline"
POSTGRES = os.environ.get("DATELINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


def prepare(backend, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_") and k != "DATABASE_URL"}
    env.update(
        {
            "DATELINE_HOME": str(home),
            "DATELINE_TRUSTED_PROXIES": "127.0.0.1",
            "DATELINE_SECRET_KEY": secrets.token_urlsafe(60),
        }
    )
    database = None
    if backend == "postgres":
        env["DATABASE_URL"] = create_database(POSTGRES, "dateline_bench")
        database = env["DATABASE_URL"].rsplit("/", 1)[1]
    for command in (["setup"], ["load-demo"]):
        subprocess.run([DATELINE, *command], env=env, check=True, capture_output=True)
    return env, database


def start(env, port, home):
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [DATELINE, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def article_id(env, home):
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as db:
            return db.execute("SELECT page_ptr_id FROM articles_articlepage").fetchone()[0]
    import sqlite3

    with sqlite3.connect(home / "dateline.sqlite3") as db:
        return db.execute("SELECT page_ptr_id FROM articles_articlepage").fetchone()[0]


def post(base, article, job):
    opener, headers, form = job
    request = urllib.request.Request(
        f"{base}/comments/post/{article}/", data=urllib.parse.urlencode(form).encode(), headers=headers
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def run(backend, posts, concurrency):
    home = Path(tempfile.mkdtemp(prefix=f"dateline-bench-{backend}-"))
    env, database = prepare(backend, home)
    port = free_port()
    process = start(env, port, home)
    base = f"http://127.0.0.1:{port}"
    try:
        article = article_id(env, home)
        jobs = [reader(base, article, n) for n in range(posts)]
        time.sleep(3.2)  # the forms' minimum age
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(lambda job: post(base, article, job), jobs))
        elapsed = time.perf_counter() - started
    finally:
        stop_group(process)
        if database:
            drop_database(f"{POSTGRES.rsplit('/', 1)[0]}/{database}")
    latencies = sorted(seconds for status, seconds in results if status == 303)
    errors = sum(1 for status, _ in results if status != 303)
    return {
        "backend": backend,
        "posts": posts,
        "concurrency": concurrency,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "errors": errors,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    args = parser.parse_args()
    rows = [run(backend, args.posts, args.concurrency) for backend in args.backend]
    print(f"{'database':<10} {'posts':>6} {'conc.':>6} {'posts/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in rows:
        print(
            f"{row['backend']:<10} {row['posts']:>6} {row['concurrency']:>6} {row['per_second']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7}"
        )


if __name__ == "__main__":
    sys.exit(main())
