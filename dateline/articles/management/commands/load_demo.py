from django.core.management.base import BaseCommand
from django.db import transaction

from dateline.articles.services import demo_content_load


class Command(BaseCommand):
    help = "Load the demo site: the seed page's five sections, its article and a staff byline. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be created, then roll back.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        with transaction.atomic():
            report = demo_content_load()
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 1:
            verb = "Would create" if dry_run else "Created"
            if not report.created:
                self.stdout.write("Demo content is already loaded; nothing to do.")
            for line in report.created:
                self.stdout.write(f"{verb} {line}")
