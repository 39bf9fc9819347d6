from django.core.management.base import BaseCommand

from dateline.comments.services import comment_ips_purge, ip_retention_days
from dateline.core.transactions import atomic_or_dry_run


class Command(BaseCommand):
    help = (
        "Delete commenters' IP addresses older than the retention period (the comment policy's, or --days). "
        "`dateline serve` already does this on its own as due work; this command is for a manual run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="retention in days (default: the comment policy's)")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, days, dry_run, **options):
        if days is None:
            days = ip_retention_days()
        with atomic_or_dry_run(dry_run):
            purged = comment_ips_purge(older_than_days=days)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} the IP addresses of {purged} comment(s) older than {days} days.")
