"""Import runs: record an upload, check it, import it — from the admin (through Celery) or the
command line (in-process). Every run is on record in ImportRun."""

import csv
import datetime
import hashlib
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank import pii
from ebank.celery import not_queued_message

from .engine import MAX_ERRORS, Outcome, extract_import
from .models import ImportRun
from .readers import FileRefused
from .spec import extract_for

log = logging.getLogger(__name__)
PROGRESS_KEY = "import-run-progress-{}"


def file_fingerprint(path: Path) -> tuple[str, int]:
    """Return the sha256 and the size of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def import_run_progress(*, run_id: int) -> dict:
    """Return the progress of a running import: rows read and percent of the file."""
    return cache.get(PROGRESS_KEY.format(run_id)) or {"rows": 0, "percent": 0}


def _progress_reporter(run_id: int):
    last = [0.0]

    def report(rows: int, position: int, size: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or position >= size:
            last[0] = now
            percent = round(100 * position / size) if size else 100
            cache.set(PROGRESS_KEY.format(run_id), {"rows": rows, "percent": percent}, 3600)

    return report


def _record(run: ImportRun, outcome: Outcome) -> None:
    if outcome.changes:
        run.changes = outcome.changes
    run.rows = outcome.rows
    run.created, run.updated, run.unchanged = outcome.created, outcome.updated, outcome.unchanged
    run.error_count = outcome.invalid_rows or outcome.error_count
    run.errors = [list(error) for error in outcome.errors[:MAX_ERRORS]]
    run.preview = [outcome.header, *outcome.preview]


def _new_stored_file(suffix: str) -> tuple[str, int]:
    """A new file in the import folder, readable by the service's user only: its name and an open
    descriptor (an extract holds clear card numbers until its run ends)."""
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = f"{uuid.uuid4().hex}{suffix}"
    return stored, os.open(directory / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _upload_path(run: ImportRun) -> Path:
    return Path(settings.IMPORT_DIR) / run.stored_file


@transaction.atomic
def import_run_upload(*, kind: str, uploaded_file, by) -> ImportRun:
    """Keep an uploaded extract until its run ends, and record it (jobs.import_upload then
    queues its check).

    The file (which holds clear card numbers) is readable by the service's user only, and is
    deleted as soon as its run ends.
    """
    stored, descriptor = _new_stored_file(Path(uploaded_file.name).suffix.lower())
    digest, size = hashlib.sha256(), 0
    with os.fdopen(descriptor, "wb") as target:
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=pii.text_mask_numbers(Path(uploaded_file.name).name)[0],
        sha256=digest.hexdigest(),
        size=size,
        stored_file=stored,
        source=ImportRun.Source.ADMIN,
        started_by=by,
    )
    return run


def _discard_file(run: ImportRun) -> None:
    if run.stored_file:
        _upload_path(run).unlink(missing_ok=True)
        run.stored_file = ""


def import_runs_discard_stale(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Delete the files of imports nobody confirmed within a day, or that never finished (a lost
    task, a broker that was down); return how many runs were closed."""
    cut = timezone.now() - older_than
    stale = (
        ImportRun.objects.filter(
            status__in=[
                ImportRun.Status.VALID,
                ImportRun.Status.QUEUED,
                ImportRun.Status.VALIDATING,
                ImportRun.Status.IMPORTING,
            ]
        )
        # A change approved today is young, however long it waited for its approval.
        .filter(Q(decided_at__isnull=True, created_at__lt=cut) | Q(decided_at__lt=cut))
        .exclude(stored_file="")
    )
    count = 0
    for run in stale:
        _discard_file(run)
        run.status, run.finished_at = ImportRun.Status.FAILED, timezone.now()
        run.message = _("Not confirmed or not finished within a day; the file was deleted. Upload it again.")
        run.save()
        count += 1
    return count


def import_run_not_queued(*, run_id: int) -> None:
    """The broker did not take the run's task: close the run (nothing was written) and say so."""
    run = ImportRun.objects.get(pk=run_id)
    _discard_file(run)
    run.status, run.finished_at = ImportRun.Status.FAILED, timezone.now()
    run.message = not_queued_message()
    run.save()


def import_failure_message(error: BaseException) -> str:
    """Say why a run ended without importing, as the person who uploaded the file reads it."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, FileRefused):
        return _("The file was refused: %(reason)s.") % {"reason": pii.text_mask_numbers(str(error))[0]}
    if isinstance(error, MemoryError):
        return _("Reading the file needed more memory than an import may use; it is not a usable extract.")
    if isinstance(error, SoftTimeLimitExceeded):  # the soft limit, raised inside the task
        return _("Reading the file took longer than an import may take (%(minutes)d minutes).") % {
            "minutes": settings.CELERY_TASK_SOFT_TIME_LIMIT // 60
        }
    return _("The error (%(error)s) is logged.") % {"error": type(error).__name__}


def _fail(run: ImportRun, error: BaseException) -> None:
    """Mark a run failed, say why, and delete its file: nothing was written (one transaction)."""
    if not isinstance(error, FileRefused):
        log.error("import run %s failed: %s", run.id, type(error).__name__, exc_info=error)
    run.status, run.finished_at = ImportRun.Status.FAILED, timezone.now()
    run.message = import_failure_message(error)
    _discard_file(run)
    run.save()


def import_run_check(*, run_id: int) -> ImportRun:
    """Check an uploaded extract without writing (the preview); idempotent."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status not in (ImportRun.Status.QUEUED, ImportRun.Status.VALIDATING):
        return run
    run.status, run.started_at = ImportRun.Status.VALIDATING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        outcome = extract_import(
            kind=run.kind,
            path=_upload_path(run),
            file_name=run.file_name,
            dry_run=True,
            by=run.started_by,
            progress=_progress_reporter(run.id),
        )
    except FileRefused as error:
        _fail(run, error)
        return run
    except (Exception, MemoryError) as error:
        _fail(run, error)
        raise
    _record(run, outcome)
    run.status = ImportRun.Status.VALID if outcome.valid else ImportRun.Status.INVALID
    if not outcome.valid:
        _discard_file(run)
        run.finished_at = timezone.now()
    run.save()
    return run


@transaction.atomic
def import_run_confirm(*, run: ImportRun, by, reason: str = "") -> ImportRun:
    """Confirm a checked import (jobs.import_confirm then queues the import itself). An extract
    that needs approval (the targets, the plan) waits instead for a second person, with the
    reason for the change."""
    needs_approval = extract_for(run.kind).approval
    if needs_approval and not reason.strip():
        raise ValueError(_("Say why the targets or the plan change: the approver reads it."))
    # One confirmation only, however often the button is pressed: the status moves once.
    moved = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.VALID, dry_run=False).update(
        status=ImportRun.Status.AWAITING_APPROVAL if needs_approval else ImportRun.Status.IMPORTING,
        reason=reason.strip()[:200],
    )
    if not moved:
        raise ValueError(_("Only a checked import that awaits confirmation can be confirmed."))
    run.refresh_from_db()
    return run


def _decide(run: ImportRun, by, status: str, **fields) -> ImportRun:
    """Move a change awaiting approval to `status`, once, by someone other than who made it."""
    if run.started_by_id == by.pk:
        raise ValueError(_("The person who made a change cannot approve or reject it."))
    if not by.has_perm("imports.approve_importrun"):
        raise ValueError(_("Only a union manager approves or rejects a change of the targets or the plan."))
    moved = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.AWAITING_APPROVAL).update(
        status=status, decided_by=by, decided_at=timezone.now(), **fields
    )
    if not moved:
        raise ValueError(_("Only a change awaiting approval can be approved or rejected."))
    run.refresh_from_db()
    return run


@transaction.atomic
def import_run_approve(*, run: ImportRun, by) -> ImportRun:
    """Approve a change of the targets or the plan (jobs.import_approve then queues it): it is
    applied as its maker made it, the approval on record beside it."""
    return _decide(run, by, ImportRun.Status.IMPORTING)


@transaction.atomic
def import_run_reject(*, run: ImportRun, by, reason: str) -> ImportRun:
    """Reject a change of the targets or the plan, with the reason: nothing changes."""
    if not reason.strip():
        raise ValueError(_("Say why the change is rejected."))
    run = _decide(
        run, by, ImportRun.Status.REJECTED, rejection=reason.strip()[:200], finished_at=timezone.now()
    )
    _discard_file(run)
    run.save(update_fields=["stored_file"])
    return run


def import_run_propose(
    *, kind: str, rows: list[dict], file_name: str, reason: str, by
) -> tuple[ImportRun, Outcome]:
    """A change typed on a page (a target, a block of the target matrix, a plan line) as a file of
    the extract, checked now: refused with its row-and-column errors, or left awaiting approval
    with `reason` (a page's change needs four eyes as an upload does). Nothing is written."""
    extract = extract_for(kind)
    file_name = f"{file_name}.csv"  # the file it is: the engine reads it by its suffix
    stored, descriptor = _new_stored_file(".csv")
    names = [column.name for column in extract.columns]
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        for row in rows:
            writer.writerow([row.get(name, "") for name in names])
    sha256, size = file_fingerprint(Path(settings.IMPORT_DIR) / stored)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name,
        sha256=sha256,
        size=size,
        stored_file=stored,
        source=ImportRun.Source.ADMIN,
        started_by=by,
        started_at=timezone.now(),
        status=ImportRun.Status.VALIDATING,
        reason=reason.strip()[:200],
    )
    outcome = extract_import(kind=kind, path=_upload_path(run), file_name=file_name, dry_run=True, by=by)
    _record(run, outcome)
    if not outcome.valid or not (outcome.created or outcome.updated):
        _discard_file(run)
        run.status = ImportRun.Status.INVALID if not outcome.valid else ImportRun.Status.DONE
        run.finished_at = timezone.now()
    else:
        run.status = ImportRun.Status.AWAITING_APPROVAL
    run.save()
    return run, outcome


def import_run_apply(*, run_id: int) -> ImportRun:
    """Import a confirmed extract, all or nothing; idempotent (a rerun finds nothing to change)."""
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.IMPORTING:
        return run
    if run.decided_by_id and _changed_since_approval(run):
        run.status, run.finished_at = ImportRun.Status.FAILED, timezone.now()
        run.message = _(
            "The targets or the plan changed after this change was checked: what it would change now is "
            "not what was approved. Nothing was written; submit it again."
        )
        _discard_file(run)
        run.save()
        return run
    try:
        outcome = extract_import(
            kind=run.kind,
            path=_upload_path(run),
            file_name=run.file_name,
            by=run.started_by,
            reason=_import_reason(run),
            progress=_progress_reporter(run.id),
        )
    except FileRefused as error:
        _fail(run, error)
        return run
    except (Exception, MemoryError) as error:
        _fail(run, error)
        raise
    _record(run, outcome)
    run.status = ImportRun.Status.DONE if outcome.valid else ImportRun.Status.INVALID
    _discard_file(run)
    run.finished_at = timezone.now()
    run.save()
    return run


def _changed_since_approval(run: ImportRun) -> bool:
    """Whether an approved change would now change other values than those its approver read (a
    change approved meanwhile touched the same rows)."""
    try:
        outcome = extract_import(kind=run.kind, path=_upload_path(run), file_name=run.file_name, dry_run=True)
    except FileRefused:
        return True
    return not outcome.valid or outcome.changes != run.changes


def _column_labeller(run: ImportRun) -> Callable[[str], str]:
    """Name a column as the file may name it: `branch_code（发放机构）`."""
    try:
        labels = {column.name: column.label for column in extract_for(run.kind).columns}
    except LookupError:
        labels = {}
    return lambda column: f"{column}（{labels[column]}）" if column in labels else column


def import_run_errors_labelled(*, run: ImportRun) -> list[tuple[int, str, str]]:
    """The run's errors with each column as the file may name it: `branch_code（发放机构）`."""
    label = _column_labeller(run)
    return [(row, label(column), reason) for row, column, reason in run.errors]


def _value_meanings(run: ImportRun) -> dict[str, dict[str, str]]:
    """Per column, what its codes mean in the language of the page: a status `active` is 正常, a
    flag `1` is 是 (the choices of the model's field of the same name)."""
    from django.core.exceptions import FieldDoesNotExist

    from . import columns

    try:
        extract = extract_for(run.kind)
    except LookupError:
        return {}
    meanings = {}
    for column in extract.columns:
        if column.parse is columns.boolean:
            meanings[column.name] = {"1": _("yes"), "0": _("no")}
            continue
        try:
            field = extract.model._meta.get_field(column.name)
        except FieldDoesNotExist:
            continue
        if field.choices:
            meanings[column.name] = {str(code): str(label) for code, label in field.flatchoices}
    return meanings


def import_run_preview_labelled(*, run: ImportRun) -> list[list[str]]:
    """The run's first rows under a header naming each column both ways, like the errors; a code
    shown by what it means (正常, not active; 是, not 1)."""
    if not run.preview:
        return []
    label = _column_labeller(run)
    header = run.preview[0]
    meanings = _value_meanings(run)
    rows = [
        [meanings.get(column, {}).get(cell, cell) for column, cell in zip(header, row)]
        for row in run.preview[1:]
    ]
    return [[label(column) for column in header], *rows]


def _import_reason(run: ImportRun) -> str:
    reason = _("import #%(id)d of %(file)s") % {"id": run.id, "file": run.file_name}
    if run.decided_by_id:  # approved: the change's reason and its approver go on record
        approver = run.decided_by.get_full_name() or run.decided_by.username
        reason = _("%(reason)s (approved by %(approver)s, import #%(id)d)") % {
            "reason": run.reason,
            "approver": approver,
            "id": run.id,
        }
    return reason


def import_file(
    *, kind: str, path: Path, dry_run: bool, by=None, progress=None, keep_errors: int | None = None
) -> tuple[ImportRun, Outcome]:
    """Import a file from the command line, in-process, on record."""
    sha256, size = file_fingerprint(path)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=pii.text_mask_numbers(path.name)[0],
        sha256=sha256,
        size=size,
        source=ImportRun.Source.COMMAND,
        dry_run=dry_run,
        started_by=by,
        started_at=timezone.now(),
        status=ImportRun.Status.VALIDATING if dry_run else ImportRun.Status.IMPORTING,
    )
    try:
        outcome = extract_import(
            kind=kind,
            path=path,
            dry_run=dry_run,
            by=by,
            reason=_import_reason(run),
            progress=progress,
            keep_errors=keep_errors,
        )
    except BaseException as error:
        run.status, run.message, run.finished_at = (
            ImportRun.Status.FAILED,
            import_failure_message(error),
            timezone.now(),
        )
        run.save()
        raise
    _record(run, outcome)
    if not outcome.valid:
        run.status = ImportRun.Status.INVALID
    else:
        run.status = ImportRun.Status.VALID if dry_run else ImportRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run, outcome
