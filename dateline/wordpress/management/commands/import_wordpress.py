from django.core.management.base import BaseCommand, CommandError

from dateline.wordpress.importer import ImportStopped, WordPressImport
from dateline.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR): authors, categories, tags, posts, pages, images and comments, "
        "with the old addresses answering 301. All or nothing; the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WordPress export file (Tools › Export in WordPress)")
        parser.add_argument(
            "--media-dir",
            help="the old site's wp-content/uploads folder: images are taken from it, never fetched",
        )
        parser.add_argument("--dry-run", action="store_true", help="read and check everything, report, write nothing")
        parser.add_argument(
            "--section-map",
            help="a file of `category-slug: section-slug` lines filing categories under existing sections",
        )
        parser.add_argument(
            "--with-pingbacks", action="store_true", help="also import pingbacks and trackbacks as comments"
        )

    def handle(self, *args, export, media_dir=None, dry_run=False, section_map=None, with_pingbacks=False, **options):
        run = WordPressImport(
            export,
            media_dir=media_dir,
            section_map=section_map,
            with_pingbacks=with_pingbacks,
            progress=options["verbosity"] >= 1 and self.stderr.isatty(),
        )
        try:
            report = run.run(dry_run=dry_run)
        except FileNotFoundError as error:
            raise CommandError(f"{error.filename}: no such file; nothing was imported.") from error
        except (WXRError, ImportStopped) as error:
            raise CommandError(f"{export}: {error}; nothing was imported.") from error
        for line in report.lines():
            self.stdout.write(line)
