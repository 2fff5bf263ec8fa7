"""python manage.py export_assessment --year Y --quarter Q --format csv|xlsx|pdf --output PATH

docs/cli.md: the quarter's published run, else its latest (a draft); it says which."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import exports
from reports.selectors import assessment_publication, assessment_shown_run


class Command(BaseCommand):
    help = "Write a quarter's published assessment run (else its latest, a draft) as CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--format", required=True, choices=["csv", "xlsx", "pdf"])
        parser.add_argument("--output", required=True, type=Path)

    def handle(self, *args, year, quarter, format, output, **options):
        run = assessment_shown_run(year=year, quarter=quarter)
        if run is None:
            raise CommandError(f"No finished assessment run for {year} Q{quarter}; run `assess` first.")
        writer = {
            "csv": exports.assessment_csv,
            "xlsx": exports.assessment_xlsx,
            "pdf": exports.assessment_pdf,
        }[format]
        output.write_bytes(writer(run=run, results=run.results.all()))
        published = assessment_publication(year=year, quarter=quarter)
        which = "the published run" if published else "the latest run, a draft: none is published"
        self.stdout.write(f"{output}: {year} Q{quarter}, run #{run.pk} ({which})")
