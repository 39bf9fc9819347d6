from django.core.management.base import BaseCommand

from dateline.comments.services import commenter_erase
from dateline.core.transactions import atomic_or_dry_run


class Command(BaseCommand):
    help = (
        "Erase everything stored about the commenter with this email (a GDPR erasure request). "
        "Comments others replied to stay as empty placeholders, so threads survive."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true", help="report what would be erased, change nothing")

    def handle(self, *args, email, dry_run, **options):
        with atomic_or_dry_run(dry_run):
            report = commenter_erase(email=email)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {report.deleted} comment(s) and empty {report.tombstoned} that others replied to.")
