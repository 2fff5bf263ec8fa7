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
    run = services.assessment_quarter_end(today=timezone.localdate())
    return run.pk if run else None


@shared_task(acks_late=True, time_limit=300)
def reminders_evaluate_task() -> int:
    """Every few minutes (Celery beat): tell each event once per person (reports/reminders.py)."""
    from .reminders import reminders_evaluate

    return reminders_evaluate()
