"""python manage.py bench --scale tiny|county|province [--json PATH] [--keep]
[--only imports|reads --database NAME --files DIR --with EARLIER.json] (docs/performance.md)."""

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
        parser.add_argument(
            "--only",
            choices=["imports", "reads"],
            help="one shard of a long run: the imports (keeps the database and files), or the reads over "
            "the database and files an imports shard kept (--database, --files)",
        )
        parser.add_argument("--database", help="the bench database an imports shard kept (ebank_bench_…)")
        parser.add_argument("--files", type=Path, help="the data set's directory an imports shard kept")
        parser.add_argument(
            "--with", dest="earlier", type=Path, help="an earlier shard's JSON: its lines lead the table"
        )

    def handle(self, *args, scale, json, keep, only, database, files, earlier, **options):
        if only == "reads" and not (database and files):
            raise CommandError("--only reads needs --database and --files (printed by --only imports)")
        if (database or files) and only != "reads":
            raise CommandError("--database and --files go with --only reads")
        try:
            report = bench_run(
                scale=SCALES[scale],
                keep=keep,
                log=self.stderr.write,
                only=only,
                database=database,
                files=files,
                earlier=earlier,
            )
        except NotPostgreSQL as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(report.table())
        if json:
            report.write_json(json)
            self.stdout.write(f"\nJSON: {json}")
        if only == "imports":
            self.stdout.write(
                f"\nThe reads next, over the kept database and files:\n"
                f"python manage.py bench --scale {scale} --only reads --database {report.meta['database']} "
                f"--files {report.meta['files']}" + (f" --with {json}" if json else "")
            )
        if report.broken:
            self.stderr.write("\nBroken:\n" + "\n".join(f"- {problem}" for problem in report.broken))
            sys.exit(1)
