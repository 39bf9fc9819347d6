"""Readers in a big archive: the home page, a section to its deepest page,
search and feeds, each as a ratio to the story page in the same run.

    .venv/bin/python bench/archive.py [--size 100000] [--database sqlite|postgres]
                                      [--requests 200] [--seconds 20] [--keep DIR] [--reuse DIR]
                                      [--reuse-database NAME]

Builds a site of --size stories as bench/speed.py does (the demo content,
synthetic stories, 100 approved comments under the seed story; --reuse a
data folder kept with --keep; on PostgreSQL, also --reuse-database with the
name of a database built for it, which is kept), starts `dateline serve` on
loopback and asks for each address one request at a time, --requests times
or for --seconds, whichever ends first. Every address carries a query string
the page cache does not store, so each answer is rendered by Django, with
every other cache as on a running site (the parts of pages and the lookups
the page cache keeps). Search is never stored anyway.

The reference is the seed story with its 100 comments, rendered the same
way in the same run; the targets are issue 15's: the home page and section
pages at most 2x the story's p50; search at most 3x its p50 and 9x at p95;
feeds at most 3x its p50.
"""

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import POSTGRES, free_port  # noqa: E402
from speed import REDIS, SITE_PROBE, build_site, drop_database, probe, start  # noqa: E402

from dateline.testing.processes import stop_group  # noqa: E402

# (what, path, target p50 ratio, target p95 ratio or None); {section} and
# {deepest} are filled in from the site.
ADDRESSES = [
    ("home", "/", 2, None),
    ("section, first page", "{section}", 2, None),
    ("section, deepest page", "{deepest}", 2, None),
    ("search, a rare word", "/search/?q=euphrates", 3, 9),
    ("search, a word in most stories", "/search/?q=lorem", 3, 9),
    ("search, two words", "/search/?q=lorem+ipsum", 3, 9),
    ("search, an Arabic phrase", "/search/?q=" + quote("الجيش السوري"), 3, 9),
    ("RSS, the site", "/feeds/rss/", 3, None),
    ("Atom, the site", "/feeds/atom/", 3, None),
    ("JSON Feed, the site", "/feeds/json/", 3, None),
    ("RSS, a section", "/feeds/sections/{section_slug}/rss/", 3, None),
    ("Atom, a section", "/feeds/sections/{section_slug}/atom/", 3, None),
    ("JSON Feed, a section", "/feeds/sections/{section_slug}/json/", 3, None),
]


def timings(base, path, requests, seconds):
    """Milliseconds for each answer to `path`, one request at a time on one connection."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    separator = "&" if "?" in path else "?"
    target = f"{path}{separator}uncached"
    times = []
    deadline = time.monotonic() + seconds
    try:
        for n in range(requests + 1):
            started = time.perf_counter()
            connection.request("GET", target)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise SystemExit(f"{target} answered {response.status}")
            if n:  # the first request warms the caches
                times.append(elapsed)
            if n >= 10 and time.monotonic() > deadline:
                break
    finally:
        connection.close()
    return times


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="at most this many requests an address")
    parser.add_argument("--seconds", type=float, default=20, help="and for at most about this long")
    parser.add_argument("--keep", help="keep the site's data folder here (SQLite)")
    parser.add_argument("--reuse", help="use this kept data folder")
    parser.add_argument("--reuse-database", help="with --reuse and --database postgres: this PostgreSQL database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dateline-archive-bench-") as work:
        home, env, postgres = build_site(args.size, Path(work), args.reuse, args.database)
        if args.reuse and args.database == "postgres":
            env["DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + f"/{args.reuse_database}"
            env["CACHE_URL"] = REDIS
        server = None
        try:
            site = json.loads(probe(env, SITE_PROBE.format(comments=100)))
            port = free_port()
            server = start(env, port, home)
            base = f"http://127.0.0.1:{port}"
            fill = {
                "section": site["section"],
                "section_slug": site["section"].strip("/").rsplit("/", 1)[-1],
                "deepest": f"{site['section']}page/{site['last_page']}/" if site["last_page"] > 1 else site["section"],
            }
            reference = timings(base, site["article"], args.requests, args.seconds)
            story_p50 = statistics.median(reference)
            print(f"{site['count']:,} stories on {args.database}; the section's deepest page is {fill['deepest']}\n")
            print("| what | p50 ms | p95 ms | p50 / story | target | p95 / story | target | requests |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|")
            print(
                f"| story with 100 comments (reference) | {story_p50:.2f} | {percentile(reference, 0.95):.2f} "
                f"| 1.00 | | | | {len(reference)} |"
            )
            missed = []
            for what, template, p50_target, p95_target in ADDRESSES:
                times = timings(base, template.format(**fill), args.requests, args.seconds)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                p50_ratio, p95_ratio = p50 / story_p50, p95 / story_p50
                if p50_ratio > p50_target or (p95_target and p95_ratio > p95_target):
                    missed.append(what)
                print(
                    f"| {what} | {p50:.2f} | {p95:.2f} | {p50_ratio:.2f} | ≤ {p50_target} "
                    f"| {p95_ratio:.2f} | {'≤ ' + str(p95_target) if p95_target else ''} | {len(times)} |",
                    flush=True,
                )
            print(f"\nTargets missed: {', '.join(missed) if missed else 'none'}")
        finally:
            if server:
                stop_group(server)
            if postgres:
                drop_database(postgres)
        if args.keep and not args.reuse:
            shutil.copytree(home, args.keep, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
