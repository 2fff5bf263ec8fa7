"""python manage.py assess --year Y --quarter Q — docs/cli.md."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import services
from reports.models import AssessmentRun
from reports.tasks import assessment_run_task


class Command(BaseCommand):
    help = "Run the quarterly assessment as a Celery task, wait for it, print the ranking."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for the worker")

    def handle(self, *args, year, quarter, timeout, **options):
        try:
            services.assessment_check_ready(year=year, quarter=quarter)
        except services.AssessmentNotReady as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            run = AssessmentRun.objects.create(year=year, quarter=quarter)
        # In-process without a broker; with one, a worker computes it and we wait for the result.
        assessment_run_task.delay(run.pk).get(timeout=timeout)
        run.refresh_from_db()
        if run.status != AssessmentRun.Status.DONE:
            raise CommandError(f"The run #{run.pk} ended {run.status}: {run.message}")
        seen = set()
        self.stdout.write(f"{year}Q{quarter} run #{run.pk}")
        for result in run.results.select_related("branch").order_by("rank", "branch__code"):
            if result.branch_id not in seen:
                seen.add(result.branch_id)
                self.stdout.write(
                    f"{result.rank}\t{result.branch.code}\t{result.branch.name}\t{result.total_score}"
                )
