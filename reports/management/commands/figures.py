"""python manage.py figures --as-of DATE [--branch CODE] — docs/cli.md."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from ebank.dates import date_range_problem
from ebank.org.models import Branch
from reports.selectors import figures, figures_as_json


class Command(BaseCommand):
    help = "Print every metric of docs/kpi.md as one JSON object, for the union or one branch."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--branch", help="a branch code: the branch with every branch below it")

    def handle(self, *args, as_of, branch=None, **options):
        if problem := date_range_problem(as_of):
            raise CommandError(problem)
        scope = None
        if branch:
            scope = Branch.objects.filter(code=branch).first()
            if scope is None:
                raise CommandError(f"No branch with code {branch}.")
        self.stdout.write(json.dumps(figures_as_json(figures(as_of=as_of, branch=scope)), ensure_ascii=False))
