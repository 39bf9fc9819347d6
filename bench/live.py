"""Live coverage followed by many readers: how soon each sees every update.

    .venv/bin/python bench/live.py [--database sqlite|postgres] [--readers 1000] [--seconds 60] [--interval 2]
                                   [--clients 1]

Builds a site with the demo content (on PostgreSQL with the production
parts, as bench/speed.py does), starts `dateline serve` on loopback and
simulates --readers readers of the demo's live story, each on one keep-alive
HTTP/1.1 connection (asyncio; spread over --clients processes), while an
editor process posts one update a second for --seconds seconds. Two phases:

- poll: each reader opens the story page once, then asks for
  `updates/latest/` every --interval seconds, with the ETag it last got,
  as live.js does. Midway, wrk measures the seed story's page (16
  connections, 10 s), compared with the same run on the idle site before;
- reload: each reader reloads the whole story page every --interval
  seconds instead (a conditional request, as a browser's reload) and finds
  the updates on it.

For each phase it prints, for every (reader, update) pair, the delay from the
update's commit to the reader first seeing it (p50, p99, max, over 5 s,
never seen); requests/s, their statuses and how many the page cache missed
(rendered by Django); connection errors; bytes received; the server's CPU
(cores used, outside the wrk run) and memory (PSS, every 5 s); and the
clients' own CPU and how late their readers woke against their schedule,
since they share the machine's cores with the server. Then a table side
by side.

It exits 1 if in the poll phase any reader did not see an update within 5 s,
or if any answer in either phase was a 5xx or a connection error.
"""

import argparse
import asyncio
import gzip
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import free_port, start  # noqa: E402
from speed import ROOT, build_site, drop_database, get, probe, pss_megabytes, wrk  # noqa: E402

from dateline.testing.processes import stop_group  # noqa: E402

# The live story's and the seed story's addresses.
SITE_PROBE = """
import django, json
django.setup()
from dateline.articles.models import ArticlePage
from dateline.demo.live_story import LIVE_STORY
from dateline.demo.seed import seed_content
from dateline.live.models import LiveStoryPage
print(json.dumps({"story": LiveStoryPage.objects.get(slug=LIVE_STORY["slug"]).url,
                  "article": ArticlePage.objects.get(slug=seed_content()["article"]["slug"]).url}))
"""

# Posts one update a second from `begin` on, as the admin's form does (a
# create, purged after commit), and prints when each create returned.
EDITOR = """
import django, json, time
django.setup()
from dateline.demo.live_story import LIVE_STORY
from dateline.live.models import LiveStoryPage, LiveUpdate
story = LiveStoryPage.objects.get(slug=LIVE_STORY["slug"])
for n in range({count}):
    time.sleep(max(0.0, {begin} + n - time.time()))
    update = LiveUpdate.objects.create(story=story, body=[("paragraph", f"<p>Update {{n + 1}}</p>")])
    print(json.dumps({{"id": update.pk, "committed": time.time()}}), flush=True)
"""

WITHIN = 5.0  # seconds: the longest a reader may take to see an update
REQUEST_TIMEOUT = 30.0
WRK_SECONDS = 10
WRK_CONNECTIONS = 16
SAMPLE_EVERY = 5.0  # seconds between samples of the server's memory
UPDATE_ID = re.compile(rb'data-update="(\d+)"')


@dataclass
class Tally:
    """What one client process's readers did, summed."""

    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # by the exception's name
    # The page cache's X-Cache: a miss is a request Django rendered.
    cache: Counter = field(default_factory=Counter)
    requests: int = 0
    received: int = 0  # bytes, as sent on the wire
    reconnects: int = 0  # connections the server had closed between requests
    # Seconds each reader woke after its time: the event loop's own lag, not
    # counting requests sent late because the previous answer came late.
    lags: list = field(default_factory=list)
    waits: list = field(default_factory=list)  # seconds each answer took


class Closed(EOFError):
    """The server closed a kept-alive connection before answering on it."""


class Connection:
    """One reader's keep-alive connection, opened again (and counted) when the
    server closed it while idle, as a browser does."""

    def __init__(self, port, tally):
        self.port = port
        self.tally = tally
        self.streams = None

    async def get(self, path, etag):
        """(status, headers, body) of GET `path`; the body decompressed."""
        if self.streams is not None:
            try:
                return await self._exchange(path, etag)
            except (Closed, ConnectionResetError, BrokenPipeError):
                self.close()
                self.tally.reconnects += 1
        self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        return await self._exchange(path, etag)

    def close(self):
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None

    async def _exchange(self, path, etag):
        reader, writer = self.streams
        conditional = f"If-None-Match: {etag}\r\n" if etag else ""
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept-Encoding: gzip\r\n{conditional}\r\n".encode()
        )
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise Closed
        headers, received = await read_headers(reader)
        status = int(status_line.split()[1])
        length = headers.get("content-length")
        if length is None and status != 304:
            raise ValueError(f"no Content-Length on a {status}")  # the client reads no other framing
        body = await reader.readexactly(int(length or 0))
        self.tally.received += len(status_line) + received + len(body)
        if headers.get("connection", "").lower() == "close":
            self.close()
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return status, headers, body


async def read_headers(reader):
    """The header fields, names in lower case, and their size in bytes."""
    headers, size = {}, 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        size += len(line)
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, size + 2


async def ask(connection, path, etag, tally):
    """One request: (status, ETag, body), or None after an error."""
    began = time.time()
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            status, headers, body = await connection.get(path, etag)
    except (OSError, EOFError, TimeoutError, ValueError) as error:
        connection.close()
        tally.errors[type(error).__name__] += 1
        return None
    tally.requests += 1
    tally.statuses[status] += 1
    tally.cache[headers.get("x-cache", "none")] += 1
    tally.waits.append(time.time() - began)
    return status, headers.get("etag", etag), body


def update_ids(body, reload):
    if reload:
        return [int(found) for found in UPDATE_ID.findall(body)]
    return [update["id"] for update in json.loads(body)["updates"]]


async def follow(number, port, plan, stop, tally):
    """One reader: opens the story at a random moment of the first interval,
    then asks again every interval on that beat. Returns {update id: when
    first seen}."""
    connection = Connection(port, tally)
    reload = plan["mode"] == "reload"
    story = plan["story"]
    watched = story if reload else story + "updates/latest/"
    offset = random.Random(f"{plan['mode']} {number}").uniform(0, plan["interval"])
    etags, seen = {}, {}
    for tick in itertools.count():
        due = plan["start"] + offset + tick * plan["interval"]
        if due > time.time():
            await asyncio.sleep(due - time.time())
            tally.lags.append(time.time() - due)
        if time.time() > stop.value:
            break
        path = watched if tick else story  # the first request is the page, as a browser opens it
        answer = await ask(connection, path, etags.get(path), tally)
        if answer is None:
            continue
        status, etags[path], body = answer
        if status == 200 and path == watched:
            now = time.time()
            for update in update_ids(body, reload):
                seen.setdefault(update, now)
    connection.close()
    return seen


def client(numbers, port, plan, stop, results):
    """A client process: its readers in one event loop. Puts its tally, what
    each reader saw and its own CPU seconds on `results`."""
    tally = Tally()

    async def readers():
        return await asyncio.gather(*(follow(number, port, plan, stop, tally) for number in numbers))

    seen = asyncio.run(readers())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put({"tally": tally, "seen": seen, "cpu": usage.ru_utime + usage.ru_stime})


def group_processes(group):
    """The /proc folder and status fields (those after the command) of each
    process in a process group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # it ended meanwhile
        if int(fields[2]) == group:  # pgrp: field 5 of proc(5)
            yield entry, fields


def cpu_seconds(group):
    """CPU seconds (user and system) used so far by the processes of a
    process group: the server's supervisor, granian and its workers."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in group_processes(group))  # utime, stime: 14, 15
    return ticks / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """The server's PSS every SAMPLE_EVERY seconds until stopped."""

    def __init__(self, group):
        super().__init__()
        self.group = group
        self.samples = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.samples.append(pss_megabytes(self.group)[0])
            self.stopped.wait(SAMPLE_EVERY)

    def stop(self):
        self.stopped.set()
        self.join()
        return self.samples


def sleep_until(moment):
    time.sleep(max(0.0, moment - time.time()))


def start_editor(env, begin, count):
    return subprocess.Popen(
        [sys.executable, "-c", EDITOR.format(begin=begin, count=count)],
        env={**env, "DJANGO_SETTINGS_MODULE": "dateline.config.settings.base"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_clients(args, port, plan, stop, results):
    # Forked before the memory sampler's thread starts: a fork copies no thread.
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=client, args=(range(n, args.readers, args.clients), port, plan, stop, results))
        for n in range(args.clients)
    ]
    for process in processes:
        process.start()
    return processes


def phase(mode, args, env, site, server, port):
    """Readers follow the story while the editor posts; returns what happened."""
    context = multiprocessing.get_context("fork")
    stop = context.Value("d", math.inf, lock=False)
    results = context.Queue()
    start_at = time.time() + 2  # time for the client processes to start
    # Every reader has opened the page before the first update.
    begin = start_at + args.interval + 1
    plan = {"mode": mode, "story": site["story"], "interval": args.interval, "start": start_at}
    clients = start_clients(args, port, plan, stop, results)
    editor = start_editor(env, begin, args.seconds)
    memory = MemorySampler(server.pid)
    memory.start()
    sleep_until(begin)
    cpu_began = cpu_seconds(server.pid)
    busy = None
    if mode == "poll":
        busy = wrk_midway(site, port, begin + args.seconds / 2 - WRK_SECONDS / 2, server.pid)
    output, errors = editor.communicate()
    if editor.returncode:
        raise SystemExit(f"the editor failed:\n{errors}")
    # Readers keep asking for two intervals more: the last update must reach them too.
    stop.value = time.time() + 2 * args.interval
    sleep_until(stop.value)
    cpu = cpu_seconds(server.pid) - cpu_began
    wall = stop.value - begin
    if busy:  # what wrk cost the server is not the readers'
        cpu -= busy["cpu"]
        wall -= busy["wall"]
    gathered = [results.get() for _ in clients]
    for process in clients:
        process.join()
    posted = [json.loads(line) for line in output.splitlines()]
    return {
        "mode": mode,
        "posted": posted,
        "seen": [seen for part in gathered for seen in part["seen"]],
        "tally": merge([part["tally"] for part in gathered]),
        "elapsed": stop.value - start_at,
        "server_cores": cpu / wall,
        "client_cores": sum(part["cpu"] for part in gathered) / (stop.value - start_at),
        "memory": memory.stop(),
        "wrk": busy,
    }


def wrk_midway(site, port, moment, group):
    """wrk on the seed story at `moment`, and the server CPU it ran with."""
    sleep_until(moment)
    cpu, began = cpu_seconds(group), time.time()
    result = wrk(f"http://127.0.0.1:{port}{site['article']}", WRK_CONNECTIONS, WRK_SECONDS)
    return {**result, "cpu": cpu_seconds(group) - cpu, "wall": time.time() - began}


def merge(tallies):
    total = Tally()
    for tally in tallies:
        total.statuses += tally.statuses
        total.errors += tally.errors
        total.cache += tally.cache
        total.requests += tally.requests
        total.received += tally.received
        total.reconnects += tally.reconnects
        total.lags += tally.lags
        total.waits += tally.waits
    return total


def percentile(values, fraction):
    ordered = sorted(values) or [math.nan]
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def delays(result):
    """The delay of every (reader, update) pair seen, how many pairs were
    never seen, and how many readers saw every update in time."""
    seen_after, unseen, kept_up = [], 0, 0
    for seen in result["seen"]:
        mine = [seen[update["id"]] - update["committed"] for update in result["posted"] if update["id"] in seen]
        seen_after += mine
        unseen += len(result["posted"]) - len(mine)
        kept_up += len(mine) == len(result["posted"]) and max(mine, default=0) <= WITHIN
    return seen_after, unseen, kept_up


def summarize(result):
    seen_after, unseen, kept_up = delays(result)
    tally = result["tally"]
    return {
        "p50": percentile(seen_after, 0.5),
        "p99": percentile(seen_after, 0.99),
        "max": max(seen_after, default=math.nan),
        "late": sum(1 for delay in seen_after if delay > WITHIN),
        "unseen": unseen,
        "kept_up": kept_up,
        "pairs": len(seen_after) + unseen,
        "rps": tally.requests / result["elapsed"],
        "megabytes": tally.received / 1e6,
        "server_errors": sum(count for status, count in tally.statuses.items() if status >= 500),
        "connection_errors": sum(tally.errors.values()),
    }


def report(result, summary):
    tally = result["tally"]
    others = {status: count for status, count in tally.statuses.items() if status not in (200, 304)}
    memory = result["memory"]
    print(f"\n## phase {result['mode']}: {len(result['posted'])} updates posted, {len(result['seen'])} readers")
    print(
        f"delay from commit to first seen, {summary['pairs']:,} (reader, update) pairs: "
        f"p50 {summary['p50']:.2f} s, p99 {summary['p99']:.2f} s, max {summary['max']:.2f} s; "
        f"over {WITHIN:.0f} s: {summary['late']}; never seen: {summary['unseen']}; "
        f"readers who saw every update within {WITHIN:.0f} s: {summary['kept_up']} of {len(result['seen'])}"
    )
    print(
        f"requests: {tally.requests:,} in {result['elapsed']:.0f} s, {summary['rps']:,.0f}/s; "
        f"200: {tally.statuses[200]:,}, 304: {tally.statuses[304]:,}, other: {sum(others.values())}"
        + (f" {others}" if others else "")
        + f"; page cache: {dict(tally.cache)}"
    )
    print(
        f"connection errors: {summary['connection_errors']}"
        + (f" {dict(tally.errors)}" if tally.errors else "")
        + f"; closed kept-alive connections reopened: {tally.reconnects}"
    )
    print(
        f"received: {summary['megabytes']:,.1f} MB ({summary['megabytes'] / result['elapsed']:.2f} MB/s); "
        f"answer time p50 {percentile(tally.waits, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(tally.waits, 0.99) * 1000:.1f} ms"
    )
    print(
        f"server: {result['server_cores']:.2f} cores used"
        + (" (outside the wrk run)" if result["wrk"] else "")
        + f"; PSS {memory[0]:.0f} MB first, {max(memory):.0f} MB max"
    )
    print(
        f"clients (the bench's readers, on the same cores): {result['client_cores']:.2f} cores used; "
        f"readers woke late against their schedule by p50 {percentile(tally.lags, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(tally.lags, 0.99) * 1000:.0f} ms, max {max(tally.lags, default=0) * 1000:.0f} ms"
    )


def compare(summaries, results):
    rows = [
        ("delay p50 (s)", "p50", "{:.2f}"),
        ("delay p99 (s)", "p99", "{:.2f}"),
        ("delay max (s)", "max", "{:.2f}"),
        (f"pairs over {WITHIN:.0f} s", "late", "{:,}"),
        ("pairs never seen", "unseen", "{:,}"),
        ("readers kept up", "kept_up", "{:,}"),
        ("received (MB)", "megabytes", "{:,.1f}"),
        ("requests/s", "rps", "{:,.0f}"),
    ]
    print(f"\n{'':<20} {'poll':>10} {'reload':>10}")
    for name, key, form in rows:
        print(f"{name:<20} {form.format(summaries[0][key]):>10} {form.format(summaries[1][key]):>10}")
    cores = [f"{result['server_cores']:.2f}" for result in results]
    print(f"{'server cores used':<20} {cores[0]:>10} {cores[1]:>10}")


def failures(summaries, results, idle):
    poll = summaries[0]
    reasons = []
    if poll["unseen"]:
        reasons.append(f"poll: {poll['unseen']} (reader, update) pairs never seen")
    if poll["late"]:
        reasons.append(f"poll: {poll['late']} pairs seen more than {WITHIN:.0f} s after the commit")
    for summary, result in zip(summaries, results, strict=True):
        if summary["server_errors"] or summary["connection_errors"]:
            reasons.append(
                f"{result['mode']}: {summary['server_errors']} 5xx answers, "
                f"{summary['connection_errors']} connection errors"
            )
    for name, run in (("idle", idle), ("during poll", results[0]["wrk"])):
        if run["errors"]:
            reasons.append(f"wrk {name}: {run['errors']} errors")
    return reasons


def run(args, work):
    home, env, database = build_site(1, work, None, args.database)
    server = None
    try:
        site = json.loads(probe(env, SITE_PROBE))
        port = free_port()
        server = start(env, port, home)
        article = f"http://127.0.0.1:{port}{site['article']}"
        get(article)  # stored, as it is when readers come
        idle = wrk(article, WRK_CONNECTIONS, WRK_SECONDS)
        print(f"wrk on the seed story, idle site: {idle['rps']:,.0f} requests/s", flush=True)
        results = []
        for mode in ("poll", "reload"):
            results.append(phase(mode, args, env, site, server, port))
            summary = summarize(results[-1])
            report(results[-1], summary)
            if mode == "poll":
                busy = results[-1]["wrk"]
                print(
                    f"the rest of the site keeps its speed? wrk on the seed story: idle {idle['rps']:,.0f}/s, "
                    f"during the poll phase {busy['rps']:,.0f}/s, ratio {busy['rps'] / idle['rps']:.2f}",
                    flush=True,
                )
    finally:
        if server is not None:
            stop_group(server)
        if database:
            drop_database(database)
    summaries = [summarize(result) for result in results]
    compare(summaries, results)
    return failures(summaries, results, idle)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60, help="how long the editor posts, one update a second")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a reader's requests")
    # One event loop kept 1,000 readers on schedule against nginx serving the
    # same files (p99 4 ms late, 0.2 cores); a second process did no better.
    parser.add_argument("--clients", type=int, default=1, help="client processes the readers are spread over")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="dateline-live-"))
    try:
        reasons = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if reasons:
        print("\nFAILED: " + "; ".join(reasons))
        return 1
    print(f"\nevery reader saw every update within {WITHIN:.0f} s; no 5xx or connection errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
