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


def _deliver(task) -> None:
    """Send what is due, each channel by a task of its own (a channel that is down delays only its
    own messages), on the queue the reminders came from."""
    from ebank.notify.tasks import notifications_deliver_task

    queue = (task.request.delivery_info or {}).get("routing_key")
    for channel in ("email", "wecom"):
        notifications_deliver_task.apply_async(args=[channel], queue=queue)


@shared_task(bind=True, acks_late=True, time_limit=300, soft_time_limit=270)
def reminders_evaluate_task(self) -> int:
    """Every five minutes (Celery beat): tell each event once per person and channel
    (reports/reminders.py), then send what is due."""
    from .reminders import reminders_evaluate

    try:
        return reminders_evaluate()
    finally:  # whatever the rules did, what is due is sent (retries, resends)
        _deliver(self)


@shared_task(bind=True, acks_late=True, time_limit=600, soft_time_limit=570)
def reminders_digest_task(self) -> int:
    """At 08:00 (Celery beat): each person's daily digest, then send it."""
    from .reminders import digest_send

    try:
        return digest_send()
    finally:
        _deliver(self)
