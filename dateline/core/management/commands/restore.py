from django.core.management.base import BaseCommand, CommandError

from dateline.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a site from a folder `dateline backup` wrote, into an empty data folder or database "
        "(DATELINE_HOME, DATABASE_URL). Stop the server first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder written by `dateline backup`")
        parser.add_argument("--force", action="store_true", help="replace the site that is there")

    def handle(self, *args, path, force, **options):
        try:
            manifest = restore(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the site as it was at {manifest['created']}.")
