"""python manage.py import_extract KIND PATH [--dry-run] — docs/cli.md."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ebank.imports.readers import FileRefused
from ebank.imports.services import import_failure_message, import_file
from ebank.imports.spec import extract_kinds


class Command(BaseCommand):
    help = "Import one extract (docs/extracts.md), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=extract_kinds())
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, kind, path, dry_run, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            _run, outcome = import_file(kind=kind, path=path, dry_run=dry_run, progress=self._progress)
        except FileRefused as error:
            self.stdout.write(f"file: {import_failure_message(error)}")
            sys.exit(1)
        if sys.stderr.isatty():
            self.stderr.write("")
        if not outcome.valid:
            for line in outcome.error_lines():
                self.stdout.write(line)
            sys.exit(1)
        self.stdout.write(outcome.summary())

    def _progress(self, rows: int, position: int, size: int) -> None:
        percent = 100 * position // size if size else 100
        ending = "\r" if sys.stderr.isatty() else "\n"
        self.stderr.write(f"{rows} rows read ({percent}%)", ending=ending)
