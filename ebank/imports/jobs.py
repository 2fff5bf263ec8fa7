"""Starting the import's tasks: a service records what is to be done, a job queues its task once
the transaction commits (so services never import tasks, and tasks only call services)."""

from ebank.celery import enqueue_on_commit

from . import services
from .models import ImportRun
from .tasks import import_run_apply_task, import_run_check_task


def _queue(task, run: ImportRun) -> None:
    enqueue_on_commit(task, run.id, on_failure=lambda error: services.import_run_not_queued(run_id=run.id))


def import_upload(*, kind: str, uploaded_file, by) -> ImportRun:
    """Keep and record an uploaded extract, and queue its check."""
    run = services.import_run_upload(kind=kind, uploaded_file=uploaded_file, by=by)
    _queue(import_run_check_task, run)
    return run


def import_confirm(*, run: ImportRun, by, reason: str = "") -> ImportRun:
    """Confirm a checked import, and queue the import itself (unless it awaits approval)."""
    run = services.import_run_confirm(run=run, by=by, reason=reason)
    if run.status == ImportRun.Status.IMPORTING:
        _queue(import_run_apply_task, run)
    return run


def import_approve(*, run: ImportRun, by) -> ImportRun:
    """Approve a change awaiting approval, and queue its import."""
    run = services.import_run_approve(run=run, by=by)
    _queue(import_run_apply_task, run)
    return run
