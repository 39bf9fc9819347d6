"""Latency of the discovery endpoints (feeds, sitemaps, search, read API)
through the real server, at a large archive.

    .venv/bin/python bench/discovery.py [--articles 100000] [--requests 200] [--backend sqlite postgres]

For each database it prepares a fresh demo site, adds --articles synthetic
stories through the bulk path, starts `dateline serve` (granian, two worker
processes) on loopback and asks each endpoint --requests times, one request
at a time, each from a client address of its own (through the trusted proxy
address, so the per-client rate limit does not stop the run). It prints p50
and p99 latency and errors per endpoint, and, for reference in the same run,
the same figures for /healthz (no database work) and the plain article page.
The database is kept in --keep DIR if given, so a second run can skip the
bulk load with --reuse DIR.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import free_port, prepare, start  # noqa: E402

from dateline.testing.databases import drop_database  # noqa: E402
from dateline.testing.processes import stop_group  # noqa: E402
from dateline.testing.servers import DATELINE  # noqa: E402

ENDPOINTS = {
    "healthz (reference)": "/healthz",
    "article page": None,  # filled in: the seed story
    "RSS feed": "/feeds/rss/",
    "section Atom feed": "/feeds/sections/middle-east/atom/",
    "sitemap index": "/sitemap.xml",
    "article sitemap page": "/sitemap-articles.xml?p=2",
    "news sitemap": "/news-sitemap.xml",
    "search, common word": "/search/?q=synthetic",
    "search, rare word": "/search/?q=Ezzur",
    "search, two words, section": "/search/?q=synthetic+article&section=world-news",
    "API article list": "/api/v1/articles?page=50",
    "API one article": None,  # filled in
}


def sqlite_value(home, query):
    import sqlite3

    with sqlite3.connect(home / "dateline.sqlite3") as db:
        return db.execute(query).fetchone()[0]


def postgres_value(env, query):
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as db:
        return db.execute(query).fetchone()[0]


def measure(base, address, requests):
    latencies, errors = [], 0
    for n in range(requests):
        request = urllib.request.Request(
            f"{base}{address}", headers={"X-Forwarded-For": f"10.9.{n // 256 % 256}.{n % 256}"}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                ok = response.status == 200
        except urllib.error.HTTPError:
            ok = False
        latencies.append(time.perf_counter() - started)
        errors += not ok
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "errors": errors,
    }


def run(backend, articles, requests, keep, reuse):
    home = Path(reuse or tempfile.mkdtemp(prefix=f"dateline-bench-{backend}-"))
    if reuse:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_") and k != "DATABASE_URL"}
        env.update(line.split("=", 1) for line in (home / "env").read_text().splitlines())
        database = None
    else:
        env, database = prepare(backend, home)
        started = time.perf_counter()
        subprocess.run([DATELINE, "generate-articles", str(articles)], env=env, check=True, capture_output=True)
        print(f"{backend}: {articles} articles loaded in {time.perf_counter() - started:.0f} s", flush=True)
        kept = {k: v for k, v in env.items() if k.startswith(("DATELINE_", "DATABASE_"))}
        (home / "env").write_text("\n".join(f"{k}={v}" for k, v in kept.items()))
    value = (lambda q: postgres_value(env, q)) if env.get("DATABASE_URL") else (lambda q: sqlite_value(home, q))
    seed = "FROM wagtailcore_page WHERE slug LIKE 'syrian-army%' ORDER BY id LIMIT 1"
    article_id, article_path = value(f"SELECT id {seed}"), value(f"SELECT url_path {seed}")  # noqa: S608
    stories = value("SELECT COUNT(*) FROM articles_articlepage")
    endpoints = dict(ENDPOINTS)
    endpoints["article page"] = "/" + article_path.split("/", 2)[2]
    endpoints["API one article"] = f"/api/v1/articles/{article_id}"
    port = free_port()
    server = start(env, port, home)
    try:
        base = f"http://127.0.0.1:{port}"
        for address in endpoints.values():  # warm-up: imports, site root paths, renditions
            measure(base, address, 2)
        print(f"\n{backend}, {stories} stories, {requests} requests each, one at a time")
        print(f"{'endpoint':32} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
        for name, address in endpoints.items():
            figures = measure(base, address, requests)
            print(f"{name:32} {figures['p50_ms']:9.1f} {figures['p99_ms']:9.1f} {figures['errors']:7d}", flush=True)
    finally:
        stop_group(server)
        if keep:
            print(f"kept in {home}")
        elif not reuse:
            shutil.rmtree(home, ignore_errors=True)
            if database:
                from comments import POSTGRES

                drop_database(f"{POSTGRES.rsplit('/', 1)[0]}/{database}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--keep", action="store_true", help="keep the prepared site and print where")
    parser.add_argument("--reuse", help="a site kept by an earlier --keep run (one backend)")
    args = parser.parse_args()
    for backend in args.backend:
        run(backend, args.articles, args.requests, args.keep, args.reuse)


if __name__ == "__main__":
    sys.exit(main())
