import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def assessment_run_task(run_id: int) -> int:
    """Idempotent: recomputing a run replaces its results with the same ones."""
    try:
        return services.assessment_compute(run_id=run_id).pk
    except Exception as error:
        services.assessment_fail(run_id=run_id, error=error)
        raise


@shared_task(acks_late=True)
def assessment_quarter_end_task() -> int | None:
    """On the first day after a quarter end (Celery beat): assess the quarter just ended."""
    today = timezone.localdate()
    last = today.replace(day=1) - datetime.timedelta(days=1)
    quarter = (last.month - 1) // 3 + 1
    try:
        services.assessment_check_ready(year=last.year, quarter=quarter)
    except services.AssessmentNotReady:
        return None
    return services.assessment_start(year=last.year, quarter=quarter, by=None).pk
