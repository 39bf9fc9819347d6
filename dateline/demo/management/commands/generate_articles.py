import time

from django.core.management.base import BaseCommand, CommandError

from dateline import pagecache
from dateline.core.transactions import atomic_or_dry_run
from dateline.demo.synthetic import synthetic_articles_create
from dateline.pagecache import tags as pagecache_tags


class Command(BaseCommand):
    help = (
        "Add N published synthetic articles (obviously synthetic text) across the sections, "
        "through a bulk path that loads 100,000 in minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many articles to add")
        parser.add_argument("--seed", type=int, default=0, help="random seed, for repeatable text")
        parser.add_argument("--batch-size", type=int, default=500, help="articles written per INSERT")
        parser.add_argument("--dry-run", action="store_true", help="generate, then roll back")

    def handle(self, *args, count, seed, batch_size, dry_run, verbosity, **options):
        if count < 1:
            raise CommandError("COUNT must be at least 1.")
        started = time.monotonic()

        def progress(done):
            if verbosity >= 2 or (verbosity >= 1 and (done % 10_000 == 0 or done == count)):
                self.stdout.write(f"  {done:,} / {count:,} articles ({time.monotonic() - started:.0f} s)")

        with atomic_or_dry_run(dry_run):
            try:
                report = synthetic_articles_create(count=count, seed=seed, batch_size=batch_size, progress=progress)
            except ValueError as error:
                raise CommandError(str(error)) from error
            # Thousands of stories join nearly every listing, feed and
            # sitemap at once: refresh every stored page, not listing by listing.
            pagecache.purge(pagecache_tags.SITE)
        elapsed = time.monotonic() - started
        verb = "Generated and rolled back" if dry_run else "Generated"
        self.stdout.write(
            f"{verb} {report.created:,} synthetic articles "
            f"(numbers {report.first_number}-{report.last_number}) in {elapsed:.1f} s."
        )
