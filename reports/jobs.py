"""Starting the area's tasks: a service records what is to be done, a job queues its task once the
transaction commits (so services never import tasks, and tasks only call services)."""

from ebank.celery import enqueue_on_commit

from . import services
from .models import AssessmentRun
from .tasks import assessment_run_task


def assessment_start(*, year: int, quarter: int, by) -> AssessmentRun:
    """Record a run of the quarter's assessment and queue its computation."""
    run = services.assessment_run_create(year=year, quarter=quarter, by=by)
    enqueue_on_commit(
        assessment_run_task, run.pk, on_failure=lambda error: services.assessment_not_queued(run_id=run.pk)
    )
    return run
