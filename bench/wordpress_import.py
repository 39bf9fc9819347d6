"""A large WordPress export imported: how fast, in how much memory, and the same file again.

    .venv/bin/python bench/wordpress_import.py [--posts 100000] [--comments-per-post 3] [--seed 0]
                                               [--postgres] [--with-media] [--keep]
                                               [--export FILE [--media-dir DIR]] [--command "CMD ..."]
    .venv/bin/python bench/wordpress_import.py --self-check

It writes a WordPress 6 export (WXR 1.2) of --posts posts, about one
attachment per 10 posts and --comments-per-post comments a post on average
(bench/wxr_generate.py, which says what the file holds), and with
--with-media a small JPEG for each attachment in an uploads folder, handed
to the importer as --media-dir. --export imports a file made earlier
instead (with --media-dir for its uploads folder, if any). Then on a new
site (`dateline setup` in a new DATELINE_HOME, about 30 s: SQLite; with
--postgres a new PostgreSQL database beside the test one, dropped after,
and Redis database 11 (DATELINE_BENCH_WORDPRESS_REDIS), emptied before and
after) it runs `dateline import-wordpress EXPORT` as an operator would, twice:

- the first import: wall time, posts/s and comments/s (the posts, and the
  comments, in the file over that same wall time, start-up included), and
  the import process's peak RSS;
- the same file again, which should change nothing: the same figures, and
  every table's row count before and after it (any table that changed is
  named).

Peak RSS is the kernel's own high-water mark for the import process,
VmHWM in /proc/<pid>/status, read every 20 ms while it runs (the import
runs in the `dateline` process itself, no children); the last reading
comes at most 20 ms before it exits, and the mark never goes down, so only
growth in those last milliseconds could be missed. Not ru_maxrss (from
wait4 or getrusage(RUSAGE_CHILDREN)): Linux carries the high-water mark of
the image a child is forked from over its exec, so a child of this bench
starts at the bench's own RSS (measured: `true` spawned from a 500 MB
Python reports 510 MB), and RUSAGE_CHILDREN would also fold in `dateline
setup`. VmRSS at 10, 50 and 90 % of the run shows whether memory grows
with the file or stays flat.

The issue's targets are printed beside the figures (a 100,000-post export
with 300,000 comments in under 300 MB RSS, 100 posts/s or better); the
bench reports them and exits 1 only if an import failed. --keep keeps the
work folder (export, uploads, site) and the PostgreSQL database, and says
where they are. --command runs another command in the importer's place
(the export and --media-dir are added to it), for trying the bench itself.
"""

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comments import POSTGRES  # noqa: E402
from wxr_generate import CATEGORIES, SITE, cdata, generate, wp_slug  # noqa: E402

from dateline.testing.databases import create_database, drop_database  # noqa: E402
from dateline.testing.servers import DATELINE, site_environment  # noqa: E402

REDIS = os.environ.get("DATELINE_BENCH_WORDPRESS_REDIS", "redis://127.0.0.1:6379/11")
TARGET_POSTS_PER_SECOND = 100
TARGET_RSS_MB = 300
# What 200 generated posts hold somewhere.
NEEDLES = [
    "<!-- wp:embed",
    "youtube.com/watch",
    "[caption ",
    "<!-- wp:image",
    "<!-- wp:list -->",
    "<!-- wp:heading -->",
    "_wp_attachment_metadata",
    "<wp:comment_type><![CDATA[pingback",
]
SAMPLE_EVERY = 0.5  # seconds between looks at the import's VmRSS
# Tables worth naming after the first import, if the site has them.
KEY_TABLES = [
    ("articles_articlepage", "stories"),
    ("core_standardpage", "information pages"),
    ("comments_comment", "comments"),
    ("newsroom_newsimage", "images"),
    ("taggit_tag", "tags"),
    ("wordpress_oldaddress", "old addresses"),
    ("wordpress_importeditem", "imported items"),
]
WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


# -- the site ------------------------------------------------------------------


def prepare_site(home, postgres):
    """A new site in `home` (`dateline setup`, no content); its environment,
    its PostgreSQL database URL (or None) and the seconds setup took."""
    env = site_environment(home)
    env.pop("CACHE_URL", None)
    database = None
    if postgres:
        import redis

        database = create_database(POSTGRES, "dateline_bench_wordpress")
        env["DATABASE_URL"] = database
        env["CACHE_URL"] = REDIS
        redis.Redis.from_url(REDIS).flushdb()
    started = time.monotonic()
    result = subprocess.run([str(DATELINE), "setup"], env=env, capture_output=True, text=True)
    if result.returncode:
        if database:
            drop_database(database)
        raise SystemExit(f"dateline setup failed:\n{result.stdout}\n{result.stderr}")
    return env, database, time.monotonic() - started


def row_counts(env, home):
    """{table: rows} of every table of the site's database."""
    if env.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as db:
            tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            # Names read from the catalogue just above, quoted.
            return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608
    with sqlite3.connect(Path(home) / "dateline.sqlite3") as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


# -- one import ------------------------------------------------------------------


def memory_mb(pid):
    """(VmHWM, VmRSS) of a running process in MB, or None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB.*^VmRSS:\s+(\d+) kB", status, re.MULTILINE | re.DOTALL)
    return (int(found.group(1)) / 1024, int(found.group(2)) / 1024) if found else None


def run_import(command, env, work, name):
    """Runs the import once: its wall time, exit status, peak RSS (its last
    VmHWM), VmRSS samples and what it printed."""
    out_path, err_path = work / f"{name}.stdout", work / f"{name}.stderr"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        samples, next_sample, peak = [], started, None
        while True:
            # Not reaped until waitpid says so: /proc/<pid> is the importer's until then.
            pid, status = os.waitpid(process.pid, os.WNOHANG)
            now = time.monotonic()
            if pid:
                break
            memory = memory_mb(process.pid)
            if memory:
                peak = max(peak or 0.0, memory[0])
                if now >= next_sample:
                    samples.append((now - started, memory[1]))
                    next_sample = now + SAMPLE_EVERY
            time.sleep(0.02)
        seconds = now - started
        process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "exit": process.returncode,
        "peak_rss_mb": peak,
        "samples": samples,
        "stdout": out_path.read_text(errors="replace"),
        "stderr": err_path.read_text(errors="replace"),
    }


def rss_profile(samples):
    """VmRSS at about 10 %, 50 % and 90 % of the run, in MB."""
    if len(samples) < 3:
        return {}  # over too soon to tell
    end = samples[-1][0] or 1
    return {
        share: round(min(samples, key=lambda sample: abs(sample[0] / end - share / 100))[1]) for share in (10, 50, 90)
    }


def count_export(path):
    """Posts, attachments and comments in an export made elsewhere (streamed)."""
    from lxml import etree

    counts = Counter()
    for _, item in etree.iterparse(str(path), tag="item", huge_tree=True):
        kind = item.findtext(f"{WP}post_type")
        counts[{"post": "posts", "attachment": "attachments"}.get(kind, "other items")] += 1
        counts["comments"] += len(item.findall(f"{WP}comment"))
        item.clear()
        while item.getprevious() is not None:  # the items already counted
            del item.getparent()[0]
    return {"posts": counts["posts"], "attachments": counts["attachments"], "comments": counts["comments"]}


# -- the report --------------------------------------------------------------------


def rates(run, export):
    seconds = run["seconds"] or 1e-9
    return {
        "seconds": round(run["seconds"], 2),
        "posts_per_s": round(export["posts"] / seconds, 1),
        "comments_per_s": round(export["comments"] / seconds, 1),
        "peak_rss_mb": None if run["peak_rss_mb"] is None else round(run["peak_rss_mb"], 1),  # over before a look
        "rss_profile_mb": rss_profile(run["samples"]),
        "exit": run["exit"],
    }


def verdict(met):
    return "met" if met else "missed"


def report(args, export, first, second, setup_seconds, counts, changed):
    one, two = rates(first, export), rates(second, export) if second else None
    database = "PostgreSQL + Redis" if args.postgres else "SQLite"
    made = f"generated in {export['seconds']:.1f} s" if "seconds" in export else "made earlier"
    print(
        f"\n## WordPress import: {export['posts']:,} posts, {export['comments']:,} comments, "
        f"{export['attachments']:,} attachments ({export['bytes'] / 1e6:,.1f} MB export, {made}); "
        f"{database}; media files: {'yes' if args.media_dir else 'no'}; setup took {setup_seconds:.0f} s\n"
    )
    print(f"| run | seconds | posts/s (target ≥ {TARGET_POSTS_PER_SECOND}) | comments/s "
          f"| peak RSS MB (target < {TARGET_RSS_MB}) | VmRSS MB at 10/50/90 % | exit |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---|---:|")
    for label, row in (("first import", one), ("same file again", two)):
        if row is None:
            continue
        profile = "/".join(str(row["rss_profile_mb"].get(share, "?")) for share in (10, 50, 90))
        peak = "?" if row["peak_rss_mb"] is None else f"{row['peak_rss_mb']:,.0f}"
        print(
            f"| {label} | {row['seconds']:,.1f} | {row['posts_per_s']:,.1f} | {row['comments_per_s']:,.1f} "
            f"| {peak} | {profile} | {row['exit']} |"
        )
    if "post_statuses" in export:
        print(
            f"\nIn the file: posts {dict(export['post_statuses'])}; comments {dict(export['comment_statuses'])} "
            f"(1 approved, 0 pending), of which {export['pingbacks']:,} pingbacks; "
            f"{export['replies']:,} replies, {export['replies_before_parent']:,} listed before their parent; "
            f"languages {dict(export['languages'])}"
        )
    targets = f"≥ {TARGET_POSTS_PER_SECOND} posts/s, peak RSS < {TARGET_RSS_MB} MB"
    if first["exit"]:
        print(f"\nTargets (issue): {targets}: not measured, the import failed")
    else:
        print(
            f"\nTargets (issue, for 100,000 posts with 300,000 comments): ≥ {TARGET_POSTS_PER_SECOND} posts/s "
            f"{verdict(one['posts_per_s'] >= TARGET_POSTS_PER_SECOND)}; peak RSS < {TARGET_RSS_MB} MB "
            f"{verdict(one['peak_rss_mb'] is not None and one['peak_rss_mb'] < TARGET_RSS_MB)}"
            + ("" if export["posts"] >= 100_000 else f" (at {export['posts']:,} posts: the targets are for 100,000)")
        )
    if two:
        faster = one["seconds"] / two["seconds"] if two["seconds"] else float("inf")
        print(f"Same file again: {faster:.1f}× the first run's speed; row counts changed: "
              + (", ".join(f"{table} {delta:+,}" for table, delta in changed.items()) or "none"))  # fmt: skip
    if counts:
        shown = [f"{what} {counts[table]:,}" for table, what in KEY_TABLES if table in counts]
        print("In the database after the first import: " + "; ".join(shown))
    for label, run in (("first import", first), ("same file again", second)):
        if run is None:
            continue
        print(f"\nThe importer's report, {label}:")
        print("\n".join("    " + line for line in run["stdout"].rstrip().splitlines()[-40:]) or "    (nothing)")
        if run["exit"]:
            print(f"It exited {run['exit']}; the end of its stderr:")
            print("\n".join("    " + line for line in run["stderr"].rstrip().splitlines()[-30:]))
    summary = {
        "bench": "wordpress_import",
        "database": "postgres" if args.postgres else "sqlite",
        "media": bool(args.media_dir),
        "posts": export["posts"],
        "comments": export["comments"],
        "attachments": export["attachments"],
        "comment_statuses": dict(export.get("comment_statuses", {})),
        "pingbacks": export.get("pingbacks"),
        "export_mb": round(export["bytes"] / 1e6, 1),
        "generate_s": round(export["seconds"], 1) if "seconds" in export else None,
        "first": one,
        "second": two,
        "second_changed_rows": changed,
        "targets": {"posts_per_s": TARGET_POSTS_PER_SECOND, "peak_rss_mb": TARGET_RSS_MB},
    }
    print("\n" + json.dumps(summary, ensure_ascii=False))


# -- the run -------------------------------------------------------------------------


def run(args, work):
    if args.export:
        path = Path(args.export).resolve()
        print(f"Counting what {path} holds…", flush=True)
        export = {**count_export(path), "bytes": path.stat().st_size}
    else:
        path = work / "export.xml"
        if args.with_media:
            args.media_dir = str(work / "uploads")
        print(f"Generating {args.posts:,} posts into {path}…", flush=True)
        export = generate(
            path,
            posts=args.posts,
            comments_per_post=args.comments_per_post,
            seed=args.seed,
            media_dir=args.media_dir,
        )
        print(
            f"  {export['bytes'] / 1e6:,.1f} MB, {export['posts']:,} posts, {export['attachments']:,} attachments, "
            f"{export['comments']:,} comments in {export['seconds']:.1f} s"
            + (f"; {export['media_files']:,} JPEGs in {args.media_dir}" if args.media_dir else ""),
            flush=True,
        )
    command = shlex.split(args.command) if args.command else [str(DATELINE), "import-wordpress"]
    command += [str(path)] + (["--media-dir", str(args.media_dir)] if args.media_dir else [])
    home = work / "site"
    home.mkdir()
    env, database, setup_seconds = prepare_site(home, args.postgres)
    first = second = None
    counts, changed = {}, {}
    try:
        print(f"Importing: {shlex.join(command)}", flush=True)
        first = run_import(command, env, work, "first")
        print(f"  exit {first['exit']} after {first['seconds']:.1f} s", flush=True)
        if first["exit"] == 0:
            counts = row_counts(env, home)
            print("Importing the same file again…", flush=True)
            second = run_import(command, env, work, "second")
            print(f"  exit {second['exit']} after {second['seconds']:.1f} s", flush=True)
            after = row_counts(env, home)
            changed = {
                table: after.get(table, 0) - counts.get(table, 0)
                for table in sorted(set(counts) | set(after))
                if after.get(table, 0) != counts.get(table, 0)
            }
        report(args, export, first, second, setup_seconds, counts, changed)
    finally:
        if args.keep:
            print(f"\nKept: {work} (export, uploads, site in site/)" + (f"; database {database}" if database else ""))
        elif database:
            drop_database(database)
        if args.postgres and not args.keep:
            import redis

            redis.Redis.from_url(REDIS).flushdb()
    failed = [run for run in (first, second) if run and run["exit"]]
    return 1 if failed else 0


# -- the generator's own check -------------------------------------------------------------


def self_check():
    """Generates 200 posts (with media) and checks the file with lxml:
    structure, counts against what generate() says it wrote, references, languages,
    determinism."""
    from lxml import etree
    from PIL import Image

    from dateline.editions.scripts import language_of

    problems = []

    def check(condition, message):
        if not condition:
            problems.append(message)

    with tempfile.TemporaryDirectory(prefix="dateline-wxr-check-") as folder:
        folder = Path(folder)
        path = folder / "export.xml"
        stats = generate(path, posts=200, comments_per_post=3, seed=7, media_dir=folder / "uploads")
        generate(folder / "again.xml", posts=200, comments_per_post=3, seed=7)
        generate(folder / "other.xml", posts=200, comments_per_post=3, seed=8)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        # The same seed, without media this time: the same bytes.
        check(digest == hashlib.sha256((folder / "again.xml").read_bytes()).hexdigest(), "not deterministic")
        check(digest != hashlib.sha256((folder / "other.xml").read_bytes()).hexdigest(), "the seed changes nothing")

        channel = etree.parse(str(path)).getroot().find("channel")
        check(channel.findtext(f"{WP}wxr_version") == "1.2", "wxr_version is not 1.2")
        check(channel.findtext(f"{WP}base_blog_url") == SITE, "base_blog_url")
        check(len(channel.findall(f"{WP}author")) == 20, "not 20 authors")
        categories = {c.findtext(f"{WP}category_nicename"): c for c in channel.findall(f"{WP}category")}
        check(len(categories) == len(CATEGORIES) >= 30, f"{len(categories)} categories")
        parents = {slug: c.findtext(f"{WP}category_parent") for slug, c in categories.items()}
        check(all(not parent or parent in categories for parent in parents.values()), "a category's parent is missing")
        check(any(parents.get(parent) for parent in parents.values() if parent), "no category nested two deep")
        check(
            all(wp_slug(c.findtext(f"{WP}cat_name")) == slug for slug, c in categories.items()),
            "a category slug is not what WordPress makes of its name",
        )
        tags = {t.findtext(f"{WP}tag_slug") for t in channel.findall(f"{WP}tag")}
        check(len(tags) == 500, f"{len(tags)} tags, not 500")
        term_ids = [t.findtext(f"{WP}term_id") for t in channel.iter(f"{WP}category", f"{WP}tag")]
        check(len(term_ids) == len(set(term_ids)), "term ids repeat")

        items = channel.findall("item")
        kinds = Counter(item.findtext(f"{WP}post_type") for item in items)
        check(kinds == Counter(post=200, attachment=stats["attachments"]), f"items: {dict(kinds)}")
        check(5 <= stats["attachments"] <= 40, f"{stats['attachments']} attachments for 200 posts")
        ids = [int(item.findtext(f"{WP}post_id")) for item in items]
        check(len(ids) == len(set(ids)) and ids == sorted(ids), "post ids repeat or are out of order")
        attachments = {
            int(item.findtext(f"{WP}post_id")): item
            for item in items
            if item.findtext(f"{WP}post_type") == "attachment"
        }
        seen_links, seen_ids = set(), set()
        comment_ids, statuses, languages, approvals, formats = [], Counter(), Counter(), Counter(), Counter()
        replies_first = pingbacks = links = 0
        per_post = []
        for item in items:
            wp_id = int(item.findtext(f"{WP}post_id"))
            meta = {m.findtext(f"{WP}meta_key"): m.findtext(f"{WP}meta_value") for m in item.iter(f"{WP}postmeta")}
            if item.findtext(f"{WP}post_type") == "attachment":
                url = item.findtext(f"{WP}attachment_url")
                check(url.endswith("/" + meta.get("_wp_attached_file", "?")), f"attachment {wp_id}'s file")
                check(int(item.findtext(f"{WP}post_parent")) == ids[ids.index(wp_id) + 1], "attachment's parent")
                file = folder / "uploads" / meta["_wp_attached_file"]
                if file.exists():
                    found = re.findall(r'"(?:width|height)";i:(\d+)', meta["_wp_attachment_metadata"])
                    size = tuple(int(n) for n in found[:2])
                    with Image.open(file) as picture:
                        check(picture.size == size, f"{file.name} is {picture.size}, its metadata says {size}")
                continue
            status = item.findtext(f"{WP}status")
            statuses[status] += 1
            title, content = item.findtext("title"), item.findtext(f"{CONTENT}encoded")
            language = language_of(title, ("ar", "fa")) or "en"
            languages[language] += 1
            check(language_of(content, ("ar", "fa")) == (None if language == "en" else language), f"{wp_id} language")
            formats["block" if content.startswith("<!-- wp:") else "classic"] += 1
            slug = item.findtext(f"{WP}post_name")
            if language != "en" and slug:
                check(len(slug) <= 200 and "%" in slug and unquote(slug, errors="strict"), f"{wp_id}'s slug {slug}")
            if "_thumbnail_id" in meta:
                check(int(meta["_thumbnail_id"]) in attachments, f"{wp_id}'s thumbnail is no attachment")
            for href in re.findall(r'<a href="([^"]+)">', content):
                if href.startswith(SITE):
                    links += 1
                    target = href.replace("&amp;", "&")
                    by_id = target.startswith(f"{SITE}/?p=") and int(target[len(SITE) + 4 :]) in seen_ids
                    earlier = target in seen_links or by_id
                    check(earlier, f"{wp_id} links to {href}, no earlier published post")
            for src in re.findall(r'src="([^"]+)"', content):
                check(src.startswith(f"{SITE}/wp-content/uploads/"), f"{wp_id} shows {src}")
            if status == "publish":
                seen_links.add(item.findtext("link"))
                seen_ids.add(wp_id)
            check(bool(item.findtext("pubDate")) == (item.findtext(f"{WP}post_date_gmt") != "0000-00-00 00:00:00"),
                  f"{wp_id}: pubDate and GMT date disagree")  # fmt: skip
            check(1 <= len(item.findall("category[@domain='category']")) <= 3, f"{wp_id}'s categories")
            check(len(item.findall("category[@domain='post_tag']")) <= 5, f"{wp_id}'s tags")
            check(all(c.get("nicename") in categories for c in item.findall("category[@domain='category']")),
                  f"{wp_id} is filed in a category the header lacks")  # fmt: skip
            check(all(c.get("nicename") in tags for c in item.findall("category[@domain='post_tag']")),
                  f"{wp_id} has a tag the header lacks")  # fmt: skip
            comments = item.findall(f"{WP}comment")
            per_post.append(len(comments))
            listed = set()
            mine = {int(c.findtext(f"{WP}comment_id")) for c in comments}
            for comment in comments:
                comment_id = int(comment.findtext(f"{WP}comment_id"))
                parent = int(comment.findtext(f"{WP}comment_parent"))
                comment_ids.append(comment_id)
                approvals[comment.findtext(f"{WP}comment_approved")] += 1
                pingbacks += comment.findtext(f"{WP}comment_type") == "pingback"
                check(not parent or parent in mine, f"comment {comment_id}'s parent is on another post")
                check(not parent or parent < comment_id, f"comment {comment_id} is older than its parent")
                replies_first += bool(parent) and parent not in listed
                listed.add(comment_id)
        check(len(comment_ids) == len(set(comment_ids)), "comment ids repeat")
        check(
            len(comment_ids) == stats["comments"], f"{len(comment_ids)} comments, generate() says {stats['comments']}"
        )
        check(400 <= stats["comments"] <= 800, f"{stats['comments']} comments for 200 posts at 3 a post")
        check(
            per_post.count(0) > 0 and max(per_post) >= 10,
            "comments are not spread (no posts without, or none with many)",
        )
        check(
            replies_first == stats["replies_before_parent"] > 0, f"{replies_first} replies listed before their parent"
        )
        check(set(approvals) <= {"1", "0", "spam", "trash"} and approvals == stats["comment_statuses"], f"{approvals}")
        check(pingbacks == stats["pingbacks"], "pingbacks")
        check(statuses == stats["post_statuses"] and statuses["publish"] > 150, f"statuses {dict(statuses)}")
        check(languages == stats["languages"] and languages["ar"] and languages["fa"], f"languages {dict(languages)}")
        check(formats == stats["formats"] and min(formats.values()) > 60, f"formats {dict(formats)}")
        check(
            links == stats["internal_links"] > 0, f"{links} internal links, generate() says {stats['internal_links']}"
        )
        text = path.read_text(encoding="utf-8")
        for needle in NEEDLES:
            check(needle in text, f"no {needle}")
        files = sum(1 for _ in (folder / "uploads").rglob("*.jpg"))
        check(files == stats["media_files"] == stats["attachments"] - stats["media_missing"], f"{files} JPEGs")
    tricky = "a]]>b ]]]]> <![CDATA[ & <"
    parsed = etree.fromstring(f"<x>{cdata(tricky)}</x>").text
    check(parsed == tricky, f"cdata() of {tricky!r} reads back as {parsed!r}")
    print(
        f"Generated 200 posts, {stats['attachments']} attachments, {stats['comments']} comments "
        f"({stats['bytes'] / 1e3:,.0f} kB, {stats['media_files']} JPEGs) in {stats['seconds']:.2f} s; "
        f"posts {dict(stats['post_statuses'])}, languages {dict(stats['languages'])}, "
        f"comments {dict(stats['comment_statuses'])}, {stats['pingbacks']} pingbacks, "
        f"{stats['replies']} replies ({stats['replies_before_parent']} listed before their parent), "
        f"{stats['internal_links']} internal links"
    )
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("self-check passed: the file parses and holds what generate() says")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments-per-post", type=float, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL and Redis instead of SQLite")
    parser.add_argument("--with-media", action="store_true", help="write a JPEG for each attachment, import them")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (and database) and say where")
    parser.add_argument("--export", help="import this export instead of generating one")
    parser.add_argument("--media-dir", help="with --export: its uploads folder")
    parser.add_argument("--command", help="run this instead of `dateline import-wordpress` (a stand-in)")
    parser.add_argument("--self-check", action="store_true", help="check the generator on 200 posts, then stop")
    args = parser.parse_args()
    if args.self_check:
        return self_check()
    if args.media_dir and not args.export:
        parser.error("--media-dir goes with --export; --with-media makes one with the export")
    if args.with_media and args.export:
        parser.error("--with-media makes media for a generated export; with --export, give --media-dir")
    if args.media_dir:
        args.media_dir = str(Path(args.media_dir).resolve())
    work = Path(tempfile.mkdtemp(prefix="dateline-wordpress-bench-"))
    try:
        return run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
