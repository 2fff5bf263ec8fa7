"""python manage.py year_summary --year Y --format md|html|docx --output PATH (docs/cli.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.summary.render import FORMATS, render
from reports.summary.selectors import year_summary_document, year_summary_draft


class Command(BaseCommand):
    help = "Write the year-end work summary of a year (the saved one, or as a new one would start)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=sorted(FORMATS), required=True)
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, year, format, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("--year: a year between 2000 and 2100.")
        summary = year_summary_draft(year=year)
        content = render(year_summary_document(summary=summary), format)
        Path(output).write_bytes(content)
        state = "finalised" if summary.is_final else "draft" if summary.pk else "not opened: generated text"
        self.stdout.write(f"Wrote the {year} summary ({state}) to {output} ({len(content)} bytes).")
