"""Fronts for cached pages: nginx's file cache and Varnish, beside nginx static and the embedded server.

    .venv/bin/python bench/fronts.py [--duration 10] [--repeats 3] [--reuse DIR]

It prepares an embedded site as bench/speed.py does (SQLite, disk cache,
the demo content and 100 approved comments under the seed story), starts
`dateline serve` on loopback, and measures the cached seed story at 64
connections with wrk (two threads) through:

- nginx serving the story's HTML as a static file: the reference (and the
  same nginx pinned to one CPU, to compare with a pinned varnishd);
- nginx as a file cache: `try_files` of a file laid out by host and path
  (`$document_root/$host${uri}index.html`), written by the bench from the
  node's own answer (and its gzip answer as `index.html.gz`, for
  `gzip_static`), falling back to `proxy_pass` to the node;
- Varnish 7.1 with the xkey module in front of the node (the VCL is `VCL`
  in this file), with stock parameters and with each tuning tried, one
  row each;
- the embedded server answering from its own page cache.

Each target is run --repeats times, the targets taking turns (one way,
then back), and the table gives medians. wrk sends no Accept-Encoding, so
every front serves the same identity bytes; secondary rows ask for gzip
and are compared to nginx serving the gzip bytes as a static file. Before
timing, each front must answer 200 with the node's bytes (Varnish from its
cache); during it, Varnish's hit counter is read to show every request was
a hit. The CPU column is the front's own processes' CPU time per request
(not wrk's): steadier than requests/s on a busy machine.

Needs Debian's nginx, wrk, varnish and varnish-modules (apt-get install
wrk nginx-light varnish varnish-modules); the bench runs its own varnishd,
not the system service.
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
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import free_port, start  # noqa: E402
from live import cpu_seconds, group_processes  # noqa: E402
from speed import COMMENTS, SITE_PROBE, build_site, probe, start_nginx, wait_until_serving, wrk  # noqa: E402

from dateline.testing.processes import stop_group  # noqa: E402

CONNECTIONS = 64

# Varnish in front of one Dateline node. It keeps exactly the answers the
# node's page cache keeps (they carry X-Cache), whatever their
# Cache-Control says to browsers ("no-cache": ask again each time), and
# answers readers without a session from memory. The node would name each
# page's tags in an `xkey` header, which the xkey module indexes; a PURGE
# from a trusted address with an `xkey-purge: <tags>` header then drops
# every page that carries one of them. Grace keeps serving stored pages
# for a day while the node is down.
#
# With `-p http_gzip_support=off` (as tuned below) Varnish keeps the node's
# own bodies, one per encoding (Brotli, gzip, none); with the stock `on` it
# keeps gzip only and decompresses for every reader that does not ask for it.
#
# Two placeholders, "backend_host" and "backend_port" in single braces, for
# Python's str.format: literal braces are doubled.
VCL = r"""vcl 4.1;

import std;
import xkey;

backend dateline {{
    .host = "{backend_host}";
    .port = "{backend_port}";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .probe = {{
        .url = "/healthz";
        .interval = 5s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }}
}}

acl purgers {{
    "127.0.0.1";
    "::1";
}}

sub vcl_recv {{
    if (req.method == "PURGE") {{
        if (client.ip !~ purgers) {{
            return (synth(403, "Forbidden"));
        }}
        if (req.http.xkey-purge) {{
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.X-Purged));
        }}
        return (purge);
    }}
    if (req.method != "GET" && req.method != "HEAD") {{
        return (pass);
    }}
    # As the node's own page cache: never with a query string, a login or a session.
    if (req.url ~ "\?" || req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {{
        return (pass);
    }}
    unset req.http.Cookie;
    # One stored body per encoding the node makes.
    if (req.http.Accept-Encoding ~ "br") {{
        set req.http.Accept-Encoding = "br";
    }} elsif (req.http.Accept-Encoding ~ "gzip") {{
        set req.http.Accept-Encoding = "gzip";
    }} else {{
        unset req.http.Accept-Encoding;
    }}
    # Stale pages only while the node is down.
    if (std.healthy(req.backend_hint)) {{
        set req.grace = 10s;
    }}
    return (hash);
}}

sub vcl_hash {{
    hash_data(req.http.X-Forwarded-Proto);
}}

sub vcl_backend_response {{
    if (bereq.uncacheable) {{
        return (deliver);
    }}
    if (beresp.status == 200 && beresp.http.X-Cache && !beresp.http.Set-Cookie) {{
        unset beresp.http.X-Cache;
        set beresp.ttl = 1h;
        set beresp.grace = 24h;
        return (deliver);
    }}
    # Anything else goes to the node each time (hit-for-miss: it may be stored later).
    set beresp.uncacheable = true;
    set beresp.ttl = 2m;
    return (deliver);
}}

sub vcl_deliver {{
    unset resp.http.xkey;
    if (obj.hits > 0) {{
        set resp.http.X-Cache = "hit";
    }} else {{
        set resp.http.X-Cache = "miss";
    }}
}}
"""

# Every row keeps pages in 256 MB of memory; the rest is each setting tried.
STORAGE = ["-s", "malloc,256m"]
# Keep the node's own bodies rather than gzip only, decompressed for every
# reader that does not ask for gzip (wrk).
GZIP_OFF = ["-p", "http_gzip_support=off"]
# Do not write the shared-memory log records a hit makes: varnishlog and
# varnishncsa then show no client requests (backend fetches and the
# counters varnishstat reads are kept).
HIT_RECORDS = (
    "Begin End Link Timestamp SessOpen SessClose ReqStart ReqMethod ReqURL ReqProtocol ReqHeader ReqUnset "
    "RespProtocol RespStatus RespReason RespHeader RespUnset VCL_call VCL_return VCL_use Hit Filters ReqAcct"
)
NO_HIT_LOG = ["-p", "vsl_mask=" + ",".join(f"-{tag}" for tag in HIT_RECORDS.split())]
# The two settings that mattered in our runs; each other row adds one more to them.
TUNED = [*GZIP_OFF, *NO_HIT_LOG]
# (row name, varnishd parameters, CPUs to pin varnishd to, or None)
VARNISH_SETTINGS = [
    ("stock parameters (keeps gzip, decompresses for wrk)", [], None),
    ("http_gzip_support=off", GZIP_OFF, None),
    ("tuned: gzip off, hit records not logged (vsl_mask)", TUNED, None),
    ("tuned + thread_pools=1", [*TUNED, "-p", "thread_pools=1"], None),
    (
        "tuned + thread_pool_min=200 thread_pool_max=1000",
        [*TUNED, "-p", "thread_pool_min=200", "-p", "thread_pool_max=1000"],
        None,
    ),
    (
        "tuned + workspace_client=128k http_resp_hdr_len=16k timeout_idle=30",
        [*TUNED, "-p", "workspace_client=128k", "-p", "http_resp_hdr_len=16k", "-p", "timeout_idle=30"],
        None,
    ),
    ("tuned + timeout_linger=0.2", [*TUNED, "-p", "timeout_linger=0.2"], None),
    ("tuned, varnishd pinned to CPU 1", TUNED, {1}),
]

FILE_CACHE_CONF = """
user root;
worker_processes 2;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
# accept_mutex: the workers take turns accepting, so wrk's 64 connections
# gather in one worker instead of splitting unevenly over two that both
# compete with wrk for the two CPUs (a lower p99 at the same requests/s).
events {{ worker_connections 1024; accept_mutex on; }}
http {{
    access_log off;
    # Not sendfile with tcp_nopush: on Linux nginx uncorks a response
    # without TCP_NODELAY, so the last partial segment of a page larger than
    # one loopback segment (the 72 KB story) waits for wrk's delayed ACK:
    # a p99 of 40 ms. Read into one buffer the size of a page and written
    # with one writev, headers and body leave together, gzip or not.
    sendfile off;
    output_buffers 1 128k;
    # Open files and their sizes kept for at most 1 s: a purged (deleted)
    # page may still be served for up to a second. Misses are not cached
    # (open_file_cache_errors off), so a newly stored page is served at once.
    open_file_cache max=10000 inactive=20s;
    open_file_cache_valid 1s;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    default_type application/octet-stream;
    charset utf-8;
    # gzip_vary would look for the .gz file on every request, even from
    # readers that do not take gzip: the node's own Vary header is added below.
    gzip_static on;
    etag on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream dateline {{
        server 127.0.0.1:{node_port};
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/pages;
        location / {{
            # A page the node stored is a file here, by host and path.
            try_files /$host${{uri}}index.html @dateline;
            # The headers the node sends with the page.
{page_headers}
        }}
        location @dateline {{
            proxy_pass http://dateline;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
# Headers nginx makes itself for a file, or that belong to one answer or one connection.
NOT_REPLAYED = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "date",
    "server",
    "x-cache",
}


def fetch(url, headers=None):
    """(status, headers, body) of a GET, the body as sent (not decompressed)."""
    # Our own servers on loopback.
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, response.headers, response.read()


def escaped(value):
    """A header value as an nginx string in double quotes."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def start_file_cache(work, node_port, article, html, gzipped, node_headers):
    """nginx in front of the node, with the story stored as files from the node's answers."""
    prefix = work / "file-cache"
    page = prefix / "pages" / "127.0.0.1" / article.strip("/") / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(html)
    page.with_name("index.html.gz").write_bytes(gzipped)
    page_headers = "\n".join(
        f'            add_header {name} "{escaped(value)}";'
        for name, value in node_headers.items()
        if name.lower() not in NOT_REPLAYED
    )
    port = free_port()
    (prefix / "nginx.conf").write_text(
        FILE_CACHE_CONF.format(prefix=prefix, port=port, node_port=node_port, page_headers=page_headers)
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}{article}"
    wait_until_serving(url, html, "nginx (file cache)")
    return process, url


def start_varnish(work, name, node_port, parameters):
    """Our own varnishd (not the system service) in front of the node; its
    process, the story's address through it and its working directory."""
    folder = work / name
    folder.mkdir()
    vcl = folder / "dateline.vcl"
    vcl.write_text(VCL.format(backend_host="127.0.0.1", backend_port=node_port))
    port = free_port()
    command = [
        "varnishd",
        "-F",
        "-n",
        str(folder / "n"),
        "-a",
        f"127.0.0.1:{port}",
        "-T",
        "none",
        "-f",
        str(vcl),
        *STORAGE,
        *parameters,
    ]
    log = (folder / "varnishd.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, port, folder / "n"


def varnish_counters(workdir):
    output = subprocess.run(
        ["varnishstat", "-n", str(workdir), "-1", "-f", "MAIN.cache_hit", "-f", "MAIN.client_req"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {name: int(value) for name, value in re.findall(r"^MAIN\.(\w+)\s+(\d+)", output, re.MULTILINE)}


def pin_group(group, cpus):
    """Pins every thread of a process group to `cpus`; threads they start later inherit it."""
    for entry, _ in group_processes(group):
        for task in (entry / "task").iterdir():
            os.sched_setaffinity(int(task.name), cpus)


class Target:
    """One row: a front, the headers wrk sends, and the bytes it must answer."""

    def __init__(self, name, process, url, body, headers=None, varnish=None, reference=False, front=False):
        self.name = name
        self.process = process  # started in a session of its own: its CPU is its group's
        self.url = url
        self.body = body
        self.headers = headers or {}
        self.varnish = varnish  # its working directory, to read its hit counter
        self.reference = reference  # the row the others with the same Accept-Encoding are compared to
        self.front = front  # nginx answering from a node's front file (bench/front.py)
        self.runs = []

    def check(self):
        """Fails unless the front answers 200 with the node's bytes (from its
        cache, for Varnish; from the node's file, for the front)."""
        fetch(self.url, self.headers)  # the first answer through a front may be its miss
        status, headers, body = fetch(self.url, self.headers)
        if status != 200 or len(body) != len(self.body) or body != self.body:
            raise SystemExit(f"{self.name}: {status}, {len(body)} bytes, not the node's {len(self.body)}")
        if self.varnish and headers.get("X-Cache") != "hit":
            raise SystemExit(f"{self.name}: not a Varnish hit ({headers.get('X-Cache')})")
        if self.front and headers.get("X-Cache") != "front":
            raise SystemExit(f"{self.name}: not answered by nginx from the file ({headers.get('X-Cache')})")

    def measure(self, duration):
        before = varnish_counters(self.varnish) if self.varnish else None
        cpu = cpu_seconds(self.process.pid)
        result = wrk(self.url, CONNECTIONS, duration, self.headers)
        result["cpu_us"] = (cpu_seconds(self.process.pid) - cpu) * 1e6 / max(1, result["requests"])
        if before:
            after = varnish_counters(self.varnish)
            requests = after["client_req"] - before["client_req"]
            result["hits"] = (after["cache_hit"] - before["cache_hit"]) / max(1, requests)
        self.runs.append(result)
        return result

    def row(self):
        return {
            "name": self.name,
            "encoding": self.headers.get("Accept-Encoding", "none"),
            "reference": self.reference,
            "bytes": len(self.body),
            **{key: statistics.median(run[key] for run in self.runs) for key in ("rps", "p50", "p99", "cpu_us")},
            "errors": sum(run["errors"] for run in self.runs),
            "hits": min(run["hits"] for run in self.runs) if self.varnish else None,
        }


def measure(args, work):
    home, env, _ = build_site(1, work, args.reuse)
    site = json.loads(probe(env, SITE_PROBE.format(comments=COMMENTS)))
    node_port = free_port()
    node = start(env, node_port, home)
    node_url = f"http://127.0.0.1:{node_port}{site['article']}"
    gzip = {"Accept-Encoding": "gzip"}
    processes = [node]
    try:
        fetch(node_url)  # stores the page
        _, node_headers, html = fetch(node_url)
        _, _, gzipped = fetch(node_url, gzip)
        static, static_url = start_nginx(work / "nginx-static", html)
        pinned, pinned_url = start_nginx(work / "nginx-pinned", html)
        pin_group(pinned.pid, {1})
        processes += [static, pinned]
        (work / "nginx-static" / "nginx" / "www" / "article-gzip.html").write_bytes(gzipped)
        file_cache, file_cache_url = start_file_cache(
            work, node_port, site["article"], html, gzipped, dict(node_headers.items())
        )
        processes.append(file_cache)
        targets = [
            Target("nginx: the story as a static file (reference)", static, static_url, html, reference=True),
            Target("nginx: the same, pinned to CPU 1 (to compare with pinned Varnish)", pinned, pinned_url, html),
            Target("nginx file cache: try_files, else proxy_pass", file_cache, file_cache_url, html),
        ]
        for number, (name, parameters, cpus) in enumerate(VARNISH_SETTINGS):
            process, port, workdir = start_varnish(work, f"varnish-{number}", node_port, parameters)
            processes.append(process)
            url = f"http://127.0.0.1:{port}{site['article']}"
            try:
                wait_until_serving(url, html, f"varnishd ({name})")
            except SystemExit:
                raise SystemExit((workdir.parent / "varnishd.log").read_text()) from None
            if cpus:
                pin_group(process.pid, cpus)
            targets.append(Target(f"Varnish 7.1, {name}", process, url, html, varnish=workdir))
            if parameters is TUNED and cpus is None:
                tuned = targets[-1]
        targets += [
            Target("dateline serve: its own page cache", node, node_url, html),
            Target(
                "nginx: the story's gzip bytes as a static file (reference)",
                static,
                static_url.replace("article.html", "article-gzip.html"),
                gzipped,
                gzip,
                reference=True,
            ),
            Target("nginx file cache: gzip_static", file_cache, file_cache_url, gzipped, gzip),
            Target(tuned.name, tuned.process, tuned.url, gzipped, gzip, varnish=tuned.varnish),
            Target("dateline serve: its own page cache", node, node_url, gzipped, gzip),
        ]
        for target in targets:
            target.check()
        for repeat in range(args.repeats):
            # Turns go one way, then back, so that no front always follows the same one.
            for target in targets if repeat % 2 == 0 else reversed(targets):
                result = target.measure(args.duration)
                print(f"  {repeat + 1}/{args.repeats} {target.name} ({target.headers or 'identity'}): {result}")
                sys.stdout.flush()
    finally:
        for process in reversed(processes):
            stop_group(process)
    return [target.row() for target in targets]


def table(rows, args, load):
    references = {row["encoding"]: row["rps"] for row in rows if row["reference"]}
    lines = [
        f"### The cached story at {CONNECTIONS} connections, medians of {args.repeats} × {args.duration} s",
        "",
        f"Load average before and after: {load[0]:.1f}, {load[1]:.1f} ({os.cpu_count()} CPUs). "
        "Each row is compared to nginx serving the same bytes as a static file. "
        "CPU: the front's own processes (not wrk's), per request.",
        "",
        "| front | Accept-Encoding | bytes | requests/s | × nginx static | p50 ms | p99 ms | errors | Varnish hits "
        "| CPU µs/request |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        hits = "" if row["hits"] is None else f"{row['hits']:.1%}"
        lines.append(
            f"| {row['name']} | {row['encoding']} | {row['bytes']:,} | {row['rps']:,.0f} "
            f"| {row['rps'] / references[row['encoding']]:.2f} | {row['p50']:.2f} | {row['p99']:.2f} "
            f"| {row['errors']} | {hits} | {row['cpu_us']:.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each front, taking turns")
    parser.add_argument("--reuse", help="a site's data folder kept by bench/speed.py --keep")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "varnishd", "varnishstat"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install wrk nginx-light varnish varnish-modules")
    work = Path(tempfile.mkdtemp(prefix="dateline-fronts-"))
    work.chmod(0o755)  # varnishd's compiler and child run as the varnish users
    load = [os.getloadavg()[0]]
    try:
        rows = measure(args, work)
        load.append(os.getloadavg()[0])
        print(table(rows, args, load), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
