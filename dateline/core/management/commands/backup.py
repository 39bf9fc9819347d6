from django.core.management.base import BaseCommand, CommandError

from dateline.core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Copy the whole site (database, media, generated secret key) into a new folder (dateline/core/backups.py)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder that does not exist yet, or is empty")

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the {manifest['database']} database and {len(manifest['files']) - 1} file(s) to {path}."
        )
