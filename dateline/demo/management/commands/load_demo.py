from django.core.management.base import BaseCommand

from dateline.core.transactions import atomic_or_dry_run
from dateline.demo.seed import demo_content_load


class Command(BaseCommand):
    help = "Load the demo site: the seed page's five sections, its article and a staff byline. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be created, then roll back.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        with atomic_or_dry_run(dry_run):
            report = demo_content_load()
        if verbosity >= 1:
            verb = "Would create" if dry_run else "Created"
            if not report.created:
                self.stdout.write("Demo content is already loaded; nothing to do.")
            for line in report.created:
                self.stdout.write(f"{verb} {line}")
