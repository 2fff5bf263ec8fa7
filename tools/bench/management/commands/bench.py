"""python manage.py bench --scale tiny|county|province [--json PATH] [--keep] (docs/performance.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tools.bench.database import NotPostgreSQL
from tools.bench.runner import bench_run
from tools.bench.scales import SCALES


class Command(BaseCommand):
    help = (
        "Measure imports, figures, the assessment, the admin lists and the API on PostgreSQL, each "
        "beside a reference measured in the same run, in a database of the bench's own (created and "
        "dropped on the server DATABASE_URL names). Exits 1 only when something broke, never on a goal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="county")
        parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
        parser.add_argument(
            "--keep", action="store_true", help="keep the bench database and the generated files afterwards"
        )

    def handle(self, *args, scale, json, keep, **options):
        try:
            report = bench_run(scale=SCALES[scale], keep=keep, log=self.stderr.write)
        except NotPostgreSQL as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(report.table())
        if json:
            report.write_json(json)
            self.stdout.write(f"\nJSON: {json}")
        if report.broken:
            self.stderr.write("\nBroken:\n" + "\n".join(f"- {problem}" for problem in report.broken))
            sys.exit(1)
