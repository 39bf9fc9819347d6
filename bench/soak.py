"""A mixed soak: readers, searchers, commenters and an editor at once.

    .venv/bin/python bench/soak.py [--database sqlite|postgres] [--seconds 60] [--connections 64]
                                   [--size 1000]

Builds a site of --size stories (the demo plus synthetic ones), starts
`dateline serve` on loopback and keeps --connections clients busy for
--seconds, each on its own keep-alive connection, each request drawn at
random: stored pages (home, sections, stories), pages rendered by Django (a
query string), searches, API calls and comment posts (each from a new
reader with fresh tokens). An editor publishes an edit of the seed story
every two seconds meanwhile. Every 5 s it samples the server's memory
(PSS of every process in its group).

It prints requests per second by kind, status counts, and memory over time,
and exits 1 if any answer was a 5xx or a connection error, or if memory
grew by more than 10 % between the first and the last third of the run
after its first 10 s (issue 16).
"""

import argparse
import http.client
import json
import os
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import free_port, reader  # noqa: E402
from speed import ROOT, SITE_PROBE, build_site, drop_database, probe, pss_megabytes, start  # noqa: E402

from dateline.testing.processes import stop_group  # noqa: E402

EDITOR = """
import django, sys, time
django.setup()
from dateline.articles.models import ArticlePage
from dateline.demo.seed import seed_content
article = ArticlePage.objects.get(slug=seed_content()["article"]["slug"])
deadline = time.time() + {seconds}
n = 0
while time.time() < deadline:
    n += 1
    article.title = f"Edited in the soak, edit {{n}}"
    article.save_revision().publish()
    time.sleep(2)
print(n)
"""
WORDS = ["syria", "army", "homs", "euphrates", "lorem", "ipsum dolor", "الجيش", "sources", "region", "deir"]
# (kind, weight)
MIX = [("stored page", 50), ("rendered page", 15), ("search", 10), ("api", 10), ("comment", 15)]


def post(base, article, job):
    """(status, milliseconds, the form's message if it refused the comment)."""
    opener, headers, form = job
    request = urllib.request.Request(  # noqa: S310 (the bench's own loopback server)
        f"{base}/comments/post/{article}/", data=urllib.parse.urlencode(form).encode(), headers=headers
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, time.perf_counter() - started, None
    except urllib.error.HTTPError as error:
        found = re.search(r'class="form-message" role="alert">([^<]*)<', error.read().decode(errors="replace"))
        return error.code, time.perf_counter() - started, found.group(1) if found else None


def run(args):
    work = Path(tempfile.mkdtemp(prefix="dateline-soak-"))
    home, env, postgres = build_site(args.size, work, None, args.database)
    env["DATELINE_SEARCH_RATE_LIMIT"] = "100000000/60"
    site = json.loads(probe(env, SITE_PROBE.format(comments=20)))
    port = free_port()
    server = start(env, port, home)
    base = f"http://127.0.0.1:{port}"
    pages = ["/", site["section"], site["article"], f"{site['section']}page/2/", "/authors/"]
    statuses = {kind: Counter() for kind, _ in MIX}
    latencies = {kind: [] for kind, _ in MIX}
    memory = []
    refusals = Counter()  # what the form said to the readers it refused
    forms = queue.Queue(maxsize=300)  # (issued at, reader): a form must be 3 s old to be taken
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def request(connection, kind):
        if kind == "stored page":
            method, path, body, headers = "GET", random.choice(pages), None, {}
        elif kind == "rendered page":
            method, path, body, headers = "GET", f"{random.choice(pages)}?soak={random.random()}", None, {}
        elif kind == "search":
            path = "/search/?" + urllib.parse.urlencode({"q": random.choice(WORDS)})
            method, body, headers = "GET", None, {}
        elif kind == "api":
            method, path, body, headers = "GET", f"/api/v1/articles?page={random.randint(1, 5)}", None, {}
        else:
            issued, job = forms.get(timeout=30)
            time.sleep(max(0.0, issued + 3.1 - time.monotonic()))
            status, seconds, message = post(base, site["id"], job)  # the reader's own connection and cookies
            with lock:
                statuses[kind][status] += 1
                latencies[kind].append(seconds * 1000)
                if message:
                    refusals[message] += 1
            return
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            statuses[kind][response.status] += 1
            latencies[kind].append(elapsed)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        kinds, weights = zip(*MIX, strict=True)
        while time.monotonic() < stop_at:
            kind = random.choices(kinds, weights)[0]
            try:
                request(connection, kind)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    statuses[kind][type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def hand_out_forms():
        """Readers open the story and the page script fetches their tokens."""
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            job = reader(base, site["id"], n)  # the token is issued during this request: time it after
            try:
                forms.put((time.monotonic(), job), timeout=1)
            except queue.Full:
                continue

    def sample_memory():
        while time.monotonic() < stop_at:
            memory.append(round(pss_megabytes(server.pid)[0], 1))
            time.sleep(5)

    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR.format(seconds=args.seconds)],
        env={**env, "DJANGO_SETTINGS_MODULE": "dateline.config.settings.base"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    threads = [threading.Thread(target=client) for _ in range(args.connections)]
    threads += [threading.Thread(target=sample_memory), threading.Thread(target=hand_out_forms)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    edits = editor.communicate(timeout=60)[0].strip()
    stop_group(server)
    if postgres:
        drop_database(postgres)
    return statuses, latencies, memory, elapsed, edits, refusals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    statuses, latencies, memory, elapsed, edits, refusals = run(args)
    print(f"{args.seconds} s, {args.connections} connections, {args.size:,} stories on {args.database}; "
          f"the editor published {edits} edits\n")  # fmt: skip
    print("| requests | count | per second | p50 ms | p99 ms | answers |")
    print("|---|---:|---:|---:|---:|---|")
    for kind, counts in statuses.items():
        times = sorted(latencies[kind]) or [0]
        total = sum(counts.values())
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(counts.items(), key=str))
        p99 = times[max(0, int(len(times) * 0.99) - 1)]
        print(
            f"| {kind} | {total:,} | {total / elapsed:,.0f} | {statistics.median(times):.1f} | {p99:.1f} | {answers} |"
        )
    for message, count in refusals.most_common():
        print(f"refused {count} comment(s): {message}")
    print(f"\nmemory (PSS MB, every 5 s): {memory}")
    failures = [f"{kind} {status}: {count}" for kind, counts in statuses.items()
                for status, count in counts.items() if not (isinstance(status, int) and status < 500)]  # fmt: skip
    settled = memory[2:] or memory  # after 10 s of warming up: workers load code, caches fill
    third = max(1, len(settled) // 3)
    growth = statistics.mean(settled[-third:]) / statistics.mean(settled[:third]) - 1
    print(f"memory growth after warming up, last third over first third: {growth:+.1%}")
    if failures or growth > 0.10:
        print("FAILED:", failures or f"memory grew {growth:.1%}")
        return 1
    print("zero 5xx or connection errors; memory flat")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
