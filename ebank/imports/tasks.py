from celery import shared_task

from . import services

# Both tasks are idempotent (each acts only on a run in the matching status, and the import itself
# is all or nothing), so acks_late is safe: a message redelivered after a lost worker is harmless.
# Their time limits are the settings' CELERY_TASK_TIME_LIMIT, which the visibility timeout outlasts.
# A worker process killed mid-task (out of memory, SIGKILL) gives the message back to the queue
# (reject_on_worker_lost), so another process redoes it instead of it being lost or marked failed.
LIMITS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**LIMITS)
def import_run_check_task(run_id: int) -> str:
    return services.import_run_check(run_id=run_id).status


@shared_task(**LIMITS)
def import_run_apply_task(run_id: int) -> str:
    return services.import_run_apply(run_id=run_id).status


@shared_task(acks_late=True)
def import_runs_discard_stale_task() -> int:
    return services.import_runs_discard_stale()
