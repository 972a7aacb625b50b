"""manage.py import_mosaic FILE.csv [--valid-only] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referrals.mosaic import MAX_ROWS, mosaic_import


class Command(BaseCommand):
    help = (
        "Import children and referrals from a Mosaic CSV export (see docs/mosaic-import.md). "
        "Run by an operator, it imports for the whole county: no team leader's area limits "
        f"its rows. At most {MAX_ROWS:,} rows a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows even when some rows are refused.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args, file: Path, valid_only: bool, dry_run: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        # An operator at the command line has county-wide rights (importer=None).
        result = mosaic_import(
            content=content, importer=None, valid_only=valid_only, dry_run=dry_run
        )
        for line in result.refusal_lines():
            self.stderr.write(line)
        counts = result.counts
        summary = (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['refused']} refused"
        )
        if result.written:
            self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {summary}."))
        elif dry_run and not result.file_errors and (valid_only or not result.refused):
            self.stdout.write(f"Dry run of {file.name}, nothing written: {summary}.")
        else:
            raise CommandError(
                f"Nothing imported from {file.name}: {len(result.refusal_lines())} problem(s). "
                "Fix the rows above, or pass --valid-only to import the valid rows alone."
            )
