import io

from django.core.management.base import BaseCommand, CommandError

from dateline.wordpress.exporter import export, write


class Command(BaseCommand):
    help = (
        "Write the whole site (every edition's stories, live stories, pages, sections, tags, authors, comments "
        "and the images stories show) as a WordPress export (WXR 1.2) that WordPress's importer reads. "
        "The file appears only when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the file to write, e.g. dateline.xml")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="also write commenters' emails and IP addresses, and restricted pages' content and passwords",
        )
        parser.add_argument("--dry-run", action="store_true", help="build the export and count it, write no file")

    def handle(self, *args, output, include_private=False, dry_run=False, **options):
        try:
            if dry_run:
                report = write(_Discard(), include_private=include_private)
            else:
                report = export(output, include_private=include_private)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror or error}; nothing was written.") from error
        if options["verbosity"] >= 1:
            for line in report.lines():
                self.stdout.write(line)
            if dry_run:
                self.stdout.write(f"dry run: {output} was not written")


class _Discard(io.RawIOBase):
    """A file that keeps nothing, for --dry-run."""

    def writable(self):
        return True

    def write(self, data):
        return len(data)
