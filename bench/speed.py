"""Speed and scale: the production server beside nginx serving a static file.

    .venv/bin/python bench/speed.py [--sizes 100 100000] [--duration 10] [--keep DIR] [--reuse DIR]
    .venv/bin/python bench/speed.py --database postgres --sizes 100

For each archive size it prepares an embedded site (SQLite, disk cache),
or with --database postgres a site on the production parts (a new
PostgreSQL database beside the test one, and Redis database 5, emptied
first), with the demo content, synthetic stories up to that size and 100 approved
comments under the seed story, starts `dateline serve` (granian, two worker
processes) on loopback and measures with wrk:

- the seed story from the page cache at 64 connections, and rendered by
  Django (its page-cache entry bypassed with a query string; every other
  cache warm) at 1 and 32 connections;
- the home page, a deep section page and the RSS feed, cached and not;
- search (never cached) and posting a comment (every post a new reader);
- how long a publish takes to reach readers, and how many stale pages
  they got after the publish returned;
- the server's proportional set size (all its processes) at rest after.

In the same run nginx (Debian's package) serves the seed story's HTML as a
static file on loopback; every requests/s figure is also printed as a
ratio to it. wrk sends no Accept-Encoding: both serve the same bytes.

The 100,000-article site takes several minutes to build: --keep DIR keeps
its data folder, --reuse DIR starts from one kept earlier.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import POSTGRES, free_port, post, prepare, reader, start  # noqa: E402

from dateline.cli import DEFAULT_THREADS, DEFAULT_WORKERS, granian_options  # noqa: E402
from dateline.testing import databases  # noqa: E402
from dateline.testing.processes import stop_group  # noqa: E402
from dateline.testing.servers import DATELINE  # noqa: E402

REDIS = os.environ.get("DATELINE_BENCH_REDIS", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parent.parent
COMMENTS = 100
COMMENT_POSTS = 200
NGINX_CONF = """
user root;
worker_processes 2;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/www;
        location / {{ }}
    }}
}}
"""

# Run inside the site's own environment: 100 approved comments under the
# seed story, then its address and the deepest page of its section.
SITE_PROBE = """
import django, json
django.setup()
from django.utils import timezone
from dateline.articles.models import ArticlePage
from dateline.articles.pagination import PER_PAGE
from dateline.demo.seed import seed_content
from dateline.comments.models import Comment
article = ArticlePage.objects.get(slug=seed_content()["article"]["slug"])
missing = {comments} - Comment.objects.filter(article=article, status=Comment.Status.APPROVED).count()
Comment.objects.bulk_create([
    Comment(article=article, name=f"Reader {{n}}", email=f"reader{{n}}@example.org",
            body=f"Comment {{n}} on what the sources said.", status=Comment.Status.APPROVED,
            submitted_at=timezone.now())
    for n in range(max(0, missing))
])
section = article.get_parent().specific
stories = ArticlePage.objects.published().in_section(section).count()
last_page = max(1, -(-stories // PER_PAGE))
print(json.dumps({{"id": article.pk, "article": article.url, "section": section.url, "last_page": last_page,
                  "count": ArticlePage.objects.count()}}))
"""

# Publishes an edit of the seed story and prints when the publish returned.
PUBLISH_PROBE = """
import django, time
django.setup()
from dateline.articles.models import ArticlePage
from dateline.demo.seed import seed_content
article = ArticlePage.objects.get(slug=seed_content()["article"]["slug"])
article.title = "{headline}"
article.save_revision().publish()
print(time.time())
"""


def probe(env, code):
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "dateline.config.settings.base"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def build_site(size, work, reuse, database="sqlite"):
    """A site with `size` stories; returns its home, its environment and
    the PostgreSQL database made for it (None on SQLite)."""
    postgres = None
    if reuse:
        home = Path(reuse)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATELINE_") and k != "DATABASE_URL"}
        env.update({"DATELINE_HOME": str(home), "DATELINE_TRUSTED_PROXIES": "127.0.0.1"})
        env["DATELINE_SECRET_KEY"] = "bench-" + "k" * 60
    else:
        home = work / f"site-{size}"
        home.mkdir()
        env, postgres = prepare(database, home)
        if size > 1:
            started = time.monotonic()
            subprocess.run([DATELINE, "generate-articles", str(size - 1)], env=env, check=True, capture_output=True)
            print(f"  built {size:,} stories in {time.monotonic() - started:.0f} s", flush=True)
            if postgres:
                # As autovacuum would have by the time readers come: the bulk
                # load left a dead row for every index entry it rewrote, and
                # the planner without statistics for the new rows.
                import psycopg

                with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
                    db.execute("VACUUM ANALYZE")
    env.pop("CACHE_URL", None)
    if postgres:
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        env["CACHE_URL"] = REDIS
    env["DATELINE_SEARCH_RATE_LIMIT"] = "100000000/60"  # wrk is one client; the limit has its own test
    return home, env, postgres


def start_granian_reference(work, html):
    """bench/minimal_app.py under granian with the options `dateline serve`
    gives it (dateline.cli.granian_options, at serve's default workers and
    threads), with granian's own static-file path mounted on the same file."""
    folder = work / "granian"
    folder.mkdir(parents=True)
    (folder / "article.html").write_bytes(html)
    port = free_port()
    options = granian_options(host="127.0.0.1", port=port, workers=DEFAULT_WORKERS, threads=DEFAULT_THREADS)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            *options,
            "--static-path-route",
            "/static",
            "--static-path-mount",
            str(folder),
            "minimal_app:app",
        ],
        cwd=Path(__file__).resolve().parent,
        env={**os.environ, "DATELINE_BENCH_PAGE": str(folder / "article.html")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/", html, "granian (reference)")
    return process, base + "/", base + "/static/article.html"


def wait_until_serving(url, html, name, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url) == html:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{name} did not start")


def start_nginx(work, html):
    prefix = work / "nginx"
    (prefix / "www").mkdir(parents=True)
    (prefix / "www" / "article.html").write_bytes(html)
    port = free_port()
    (prefix / "nginx.conf").write_text(NGINX_CONF.format(prefix=prefix, port=port))
    process = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/article.html"
    wait_until_serving(url, html, "nginx")
    return process, url


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, connections, duration, headers=None):
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS[match.group(2)]

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
        print(f"    wrk: {socket_errors.group(0)}", flush=True)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors,
    }


def comment_posts(base, article_id):
    jobs = [reader(base, article_id, n) for n in range(COMMENT_POSTS)]
    run = time.time_ns()  # a site reused from an earlier run refuses the same text twice
    for _, _, form in jobs:
        form["comment"] += f" (run {run})"
        form["email"] = form["email"].replace("@", f"+{run}@")
    time.sleep(3.2)  # the forms' minimum age
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: post(base, article_id, job), jobs))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for status, seconds in results if status == 303)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "errors": sum(1 for status, _ in results if status != 303),
    }


def publish_delay(env, base, article_url):
    """Readers poll the story while an edit is published in another process:
    how long after the publish returned until they see it, and how many
    answers begun after it returned were stale (must be 0)."""
    headline = f"Edited headline {time.time_ns()}"
    seen = []
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            began = time.time()
            with urllib.request.urlopen(base + article_url, timeout=10) as response:
                fresh = headline.encode() in response.read()
            seen.append((began, time.time(), fresh))

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        returned = float(probe(env, PUBLISH_PROBE.format(headline=headline)))
        deadline = time.time() + 10
        while time.time() < deadline and not any(fresh for _, _, fresh in seen):
            time.sleep(0.01)
    finally:
        stop.set()
        poller.join()
    first_fresh = min(ended for _, ended, fresh in seen if fresh)
    stale_after = sum(1 for began, _, fresh in seen if began > returned and not fresh)
    return max(0.0, (first_fresh - returned) * 1000), stale_after


def pss_megabytes(group_leader):
    """Proportional set size of every process in the server's process group:
    the total, and each process's share by its command line."""
    each = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != group_leader:
                continue
            rollup = (entry / "smaps_rollup").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ProcessLookupError):
            continue
        kb = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE).group(1))
        each.append((command.split(" --", 1)[0].strip(), kb / 1024))
    return sum(mb for _, mb in each), sorted(each)


def drop_database(name):
    databases.drop_database(f"{POSTGRES.rsplit('/', 1)[0]}/{name}")


def get(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def measure(size, args, work):
    home, env, postgres = build_site(size, work, args.reuse if size == max(args.sizes) else None, args.database)
    site = json.loads(probe(env, SITE_PROBE.format(comments=COMMENTS)))
    port = free_port()
    server = start(env, port, home)
    base = f"http://127.0.0.1:{port}"
    nginx = reference = None
    rows = []
    try:
        article = site["article"]
        html = get(base + article)
        nginx, static_url = start_nginx(work / f"nginx-{size}", html)
        reference, minimal_url, granian_static_url = start_granian_reference(work / f"reference-{size}", html)
        deep = f"{site['section']}page/{site['last_page']}/" if site["last_page"] > 1 else site["section"]
        runs = [
            ("nginx: the story as a static file", static_url, 64),
            ("granian: minimal Python callable, page in memory", minimal_url, 64),
            ("granian: its static-file path", granian_static_url, 64),
            ("story, cached", base + article, 64),
            ("story, uncached (100 comments)", base + article + "?uncached", 1),
            ("story, uncached (100 comments)", base + article + "?uncached", 32),
            ("home, cached", base + "/", 64),
            ("home, uncached", base + "/?uncached", 1),
            (f"section page {site['last_page']}, cached", base + deep, 64),
            (f"section page {site['last_page']}, uncached", base + deep + "?uncached", 1),
            ("RSS feed, cached", base + "/feeds/rss/", 64),
            ("RSS feed, uncached", base + "/feeds/rss/?uncached", 1),
            ("search, a rare word", base + "/search/?q=euphrates", 1),
            ("search, a word in every story", base + "/search/?q=synthetic", 1),
        ]
        for name, url, connections in runs:
            get(url)  # warm: stores the page, fills the other caches
            result = wrk(url, connections, args.duration)
            rows.append({"name": name, "connections": connections, **result})
            print(f"  {name} @{connections}: {result}", flush=True)
        posts = comment_posts(base, site["id"])
        rows.append({"name": "comment post (each a new reader)", "connections": 4, **posts})
        delay, stale = publish_delay(env, base, article)
        time.sleep(3)
        pss, processes = pss_megabytes(server.pid)
    finally:
        for process in (server, nginx, reference):
            if process:
                stop_group(process)
        if postgres:
            drop_database(postgres)
    if args.keep and size == max(args.sizes) and not args.reuse:
        shutil.copytree(home, args.keep, dirs_exist_ok=True)
    return {
        "size": site["count"],
        "rows": rows,
        "publish_ms": delay,
        "stale": stale,
        "pss_mb": pss,
        "processes": processes,
    }


def table(result):
    reference = result["rows"][0]["rps"]
    lines = [
        f"### {result['size']:,} stories",
        "",
        "| what | connections | requests/s | × nginx | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['name']} | {row['connections']} | {row['rps']:,.0f} | {row['rps'] / reference:.3f} "
            f"| {row['p50']:.2f} | {row['p99']:.2f} | {row['errors']} |"
        )
    lines += [
        "",
        f"Publish to fresh page for readers: {result['publish_ms']:.0f} ms; "
        f"stale answers begun after the publish returned: {result['stale']}.",
        f"Server PSS at rest after the run (all processes, two workers): {result['pss_mb']:.0f} MB",
        *(f"    {mb:5.0f} MB  {command}" for command, mb in result["processes"]),
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--keep", help="keep the largest site's data folder here")
    parser.add_argument("--reuse", help="use this kept data folder for the largest size (SQLite)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    if args.database == "postgres" and (args.keep or args.reuse):
        parser.error("--keep and --reuse keep an SQLite site's folder; not with --database postgres")
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path("/usr/sbin/nginx").exists():
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light")
    work = Path(tempfile.mkdtemp(prefix="dateline-speed-"))
    try:
        for size in args.sizes:
            print(f"{size:,} stories on {args.database}", flush=True)
            print(table(measure(size, args, work)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
