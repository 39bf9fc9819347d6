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
import statistics
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
from dateline.testing.servers import ProductionServer, site_environment

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("DATELINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


def prepare(backend, home):
    """The environment of a new site in `home` with the demo content, and
    its PostgreSQL database's name (None on SQLite)."""
    env = site_environment(home)
    database = None
    if backend == "postgres":
        env["DATABASE_URL"] = create_database(POSTGRES, "dateline_bench")
        database = env["DATABASE_URL"].rsplit("/", 1)[1]
    server = ProductionServer(home, env, port=None)
    server.dateline("setup")
    server.dateline("load-demo")
    return env, database


def start(env, port, home):
    """`dateline serve` on the site, answering; returns its process."""
    return ProductionServer(home, env, port).start(timeout=120).process


def article_id(env, home):
    return ProductionServer(home, env, port=None).seed_article_id()


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
