"""The production front: nginx answering the cached story from the file a node wrote.

    .venv/bin/python bench/front.py [--duration 8] [--repeats 3] [--database postgres|sqlite] [--comments N]

Prepares a site as bench/speed.py does (PostgreSQL and Redis by default:
the production setup; the demo content and --comments approved comments
under the seed story, 100 by default; 0 is the seed story as the demo
serves it) and runs `dateline serve` on it with DATELINE_FRONT_FILES on,
then one nginx (Debian's) configured as the tests run it and as
docs/deployment.md says (dateline/testing/nginx.py: deploy/nginx.conf.template
filled in for the node, inside the main-level settings), with two workers.
In one run, at 64 connections (wrk, two threads, on the
same two CPUs), without and with gzip, it measures:

- the same nginx serving the node's bytes as a static file (`index.html`
  and its `.gz`, in a server block of its own with the template's output
  settings): the reference;
- the front: the template answering from the node's file;
- `dateline serve` itself, answering from its page cache.

Before timing, each must answer 200 with the node's bytes, the front with
`X-Cache: front`. Then it times how soon readers polling through nginx
see an edit published by another machine's process (another home, the
same database and Redis: the keeper's path), over --publishes edits.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import free_port, start  # noqa: E402
from fronts import Target, fetch  # noqa: E402
from speed import COMMENTS, SITE_PROBE, build_site, drop_database, probe, publish_delay, wait_until_serving  # noqa: E402

from dateline.testing.nginx import Nginx  # noqa: E402
from dateline.testing.processes import stop_group  # noqa: E402

CONNECTIONS = 64

# The reference: the same bytes as a static file, in a server of its own
# beside the front, with the template's output settings.
STATIC_SERVER = """
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 100000;
        sendfile off;
        output_buffers 1 128k;
        root {root};
        types {{ text/html html; }}
        charset utf-8;
        gzip_static on;
        gzip_vary on;
    }}
"""


def start_nginx(work, node_port, home, article, html, gzipped):
    """nginx as the tests run it (dateline/testing/nginx.py: the template and
    the main-level settings docs/deployment.md recommends), two workers,
    with the static reference beside the front."""
    static = work / "www" / article.strip("/")
    static.mkdir(parents=True)
    (static / "index.html").write_bytes(html)
    (static / "index.html.gz").write_bytes(gzipped)
    static_port = free_port()
    more = STATIC_SERVER.format(port=static_port, root=work / "www")
    nginx = Nginx(work / "nginx", ports=[node_port], home=home, workers=2, more=more).start()
    static_url = f"http://127.0.0.1:{static_port}"
    wait_until_serving(static_url + article, html, "nginx")
    return nginx.process, nginx.base, static_url


def measure(args, work):
    home, env, database = build_site(1, work, None, args.database)
    env["DATELINE_FRONT_FILES"] = "1"
    site = json.loads(probe(env, SITE_PROBE.format(comments=args.comments)))
    node_port = free_port()
    processes = []
    try:
        node = start(env, node_port, home)
        processes.append(node)
        node_url = f"http://127.0.0.1:{node_port}{site['article']}"
        gzip = {"Accept-Encoding": "gzip"}
        fetch(node_url)  # stores the page, and writes its file
        _, _, html = fetch(node_url)
        _, _, gzipped = fetch(node_url, gzip)
        nginx, front, static = start_nginx(work, node_port, home, site["article"], html, gzipped)
        processes.append(nginx)
        targets = []
        for headers, body in (({}, html), (gzip, gzipped)):
            targets += [
                Target(
                    "nginx: the story as a static file (reference)",
                    nginx,
                    static + site["article"],
                    body,
                    headers,
                    reference=True,
                ),
                Target(
                    "the front: nginx from deploy/nginx.conf.template, the node's file",
                    nginx,
                    front + site["article"],
                    body,
                    headers,
                    front=True,
                ),
                Target("dateline serve: its own page cache", node, node_url, body, headers),
            ]
        for target in targets:
            target.check()
        for repeat in range(args.repeats):
            for target in targets if repeat % 2 == 0 else reversed(targets):
                result = target.measure(args.duration)
                print(f"  {repeat + 1}/{args.repeats} {target.name} ({target.headers or 'identity'}): {result}")
                sys.stdout.flush()
        # Another machine: the same database and Redis, a home of its own, no files.
        elsewhere = work / "elsewhere"
        elsewhere.mkdir()
        elsewhere_env = {**env, "DATELINE_HOME": str(elsewhere), "DATELINE_FRONT_FILES": "0"}
        delays = [publish_delay(elsewhere_env, front, site["article"]) for _ in range(args.publishes)]
    finally:
        for process in reversed(processes):
            stop_group(process)
        if database:
            drop_database(database)
    return [target.row() for target in targets], delays


def table(rows, delays, args, load):
    references = {row["encoding"]: row["rps"] for row in rows if row["reference"]}
    lines = [
        f"### The cached story with {args.comments} comments at {CONNECTIONS} connections ({args.database}), "
        f"medians of {args.repeats} × {args.duration} s",
        "",
        f"Load average before and after: {load[0]:.1f}, {load[1]:.1f} ({os.cpu_count()} CPUs). "
        "Each row is compared to nginx serving the same bytes as a static file. "
        "CPU: the answering processes' own (nginx's, or the node's), per request.",
        "",
        "| answered by | Accept-Encoding | bytes | requests/s | × nginx static | p50 ms | p99 ms | errors "
        "| CPU µs/request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['encoding']} | {row['bytes']:,} | {row['rps']:,.0f} "
            f"| {row['rps'] / references[row['encoding']]:.2f} | {row['p50']:.2f} | {row['p99']:.2f} "
            f"| {row['errors']} | {row['cpu_us']:.1f} |"
        )
    seen = sorted(delay for delay, _ in delays)
    lines += [
        "",
        f"An edit published by another machine's process, seen through nginx: {len(seen)} edits, "
        f"median {statistics.median(seen):.0f} ms, slowest {seen[-1]:.0f} ms after the publish returned; "
        f"stale answers begun after it returned: {sum(stale for _, stale in delays)}.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each target, taking turns")
    parser.add_argument("--publishes", type=int, default=5, help="edits timed through the front")
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument(
        "--comments",
        type=int,
        default=COMMENTS,
        help="approved comments under the story (0: the seed story as the demo serves it)",
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light")
    work = Path(tempfile.mkdtemp(prefix="dateline-front-"))
    load = [os.getloadavg()[0]]
    try:
        rows, delays = measure(args, work)
        load.append(os.getloadavg()[0])
        print(table(rows, delays, args, load), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
