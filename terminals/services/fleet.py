"""Writes on merchants and terminals with business meaning: each with its date and reason, on record."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank.audit import on_record
from ebank.dates import local_midnight

from ..models import DormantPosReview, Merchant, Terminal
from ..selectors import dormancy_window_start, dormant_pos
from ..status import status_change


def _check_day(on: datetime.date, not_before: datetime.date, field: str = "on") -> None:
    if on < not_before:
        raise ValidationError({field: _("The date must not be before %(date)s.") % {"date": not_before}})
    if on > timezone.localdate():
        raise ValidationError({field: _("The date must not be in the future.")})


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})


def _save(obj, *, by, reason: str) -> None:
    _check_reason(reason)
    on_record(obj, by=by, reason=reason)
    obj.save()


@transaction.atomic
def merchant_terminate(*, merchant: Merchant, on: datetime.date, reason: str, by) -> Merchant:
    """End a merchant's contract on the given day."""
    if merchant.status == Merchant.Status.TERMINATED:
        raise ValidationError({"status": _("The merchant's contract has already ended.")})
    if merchant.terminals.exclude(status=Terminal.Status.REMOVED).exists():
        raise ValidationError({"status": _("Remove the merchant's POS terminals first.")})
    _check_day(on, merchant.signed_on)
    merchant.status, merchant.terminated_on = Merchant.Status.TERMINATED, on
    _save(merchant, by=by, reason=reason)
    return merchant


def _since(on: datetime.date, at: datetime.datetime | None) -> datetime.datetime:
    """When a change dated `on` took effect: `at` when the moment is known (a fault's reported
    time); now when it is today; else the start of that day."""
    if at is not None:
        return at
    return timezone.now() if on == timezone.localdate() else local_midnight(on)


@transaction.atomic
def terminal_report_faulty(
    *, terminal: Terminal, on: datetime.date, reason: str, by, at: datetime.datetime | None = None, fault=None
) -> Terminal:
    """Mark a terminal in service as faulty, from `at` (or the start of `on`)."""
    if terminal.status != Terminal.Status.IN_SERVICE:
        raise ValidationError({"status": _("Only a terminal in service can be reported faulty.")})
    _check_day(on, terminal.installed_on)
    terminal.status = Terminal.Status.FAULTY
    _save(terminal, by=by, reason=reason)
    status_change(terminal, terminal.status, at=_since(on, at), reason=reason, fault=fault)
    return terminal


@transaction.atomic
def terminal_restore(
    *, terminal: Terminal, on: datetime.date, reason: str, by, at: datetime.datetime | None = None
) -> Terminal:
    """Put a repaired terminal back in service, from `at` (or the start of `on`)."""
    if terminal.status != Terminal.Status.FAULTY:
        raise ValidationError({"status": _("Only a faulty terminal can be put back in service.")})
    _check_day(on, terminal.installed_on)
    terminal.status = Terminal.Status.IN_SERVICE
    _save(terminal, by=by, reason=reason)
    status_change(terminal, terminal.status, at=_since(on, at), reason=reason)
    return terminal


@transaction.atomic
def terminal_remove(*, terminal: Terminal, on: datetime.date, reason: str, by) -> Terminal:
    """Remove (撤机) a terminal on the given day."""
    if terminal.status == Terminal.Status.REMOVED:
        raise ValidationError({"status": _("The terminal has already been removed.")})
    _check_day(on, terminal.installed_on)
    terminal.status, terminal.removed_on = Terminal.Status.REMOVED, on
    _save(terminal, by=by, reason=reason)
    status_change(terminal, terminal.status, at=local_midnight(on), reason=reason)
    return terminal


@transaction.atomic
def dormant_pos_refresh(*, as_of: datetime.date) -> int:
    """Propose for reclaim every POS dormant at `as_of`; idempotent. Return how many are new."""
    start = dormancy_window_start(as_of=as_of)
    dormant = dormant_pos(queryset=Terminal.objects.all(), as_of=as_of)
    known = set(DormantPosReview.objects.filter(as_of=as_of).values_list("terminal_id", flat=True))
    new = [
        DormantPosReview(terminal_id=pk, as_of=as_of, window_start=start)
        for pk in dormant.values_list("pk", flat=True)
        if pk not in known
    ]
    DormantPosReview.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def dormant_pos_decide(
    *, review: DormantPosReview, outcome: str, visited_on: datetime.date, notes: str, by
) -> DormantPosReview:
    """Record the branch's visit to the merchant and its decision; reclaiming removes the POS."""
    if review.outcome != DormantPosReview.Outcome.PENDING:
        raise ValidationError({"outcome": _("This proposal has already been decided.")})
    if outcome not in (DormantPosReview.Outcome.KEPT, DormantPosReview.Outcome.RECLAIMED):
        raise ValidationError({"outcome": _("Decide to keep or to reclaim the POS.")})
    if not notes.strip():
        raise ValidationError({"visit_notes": _("Note what the visit found.")})
    _check_day(visited_on, review.window_start, field="visited_on")
    review.outcome, review.visited_on, review.visit_notes, review.decided_by = (
        outcome,
        visited_on,
        notes.strip(),
        by,
    )
    _save(review, by=by, reason=notes)
    if outcome == DormantPosReview.Outcome.RECLAIMED:
        terminal = Terminal.objects.select_for_update().get(pk=review.terminal_id)
        if terminal.status != Terminal.Status.REMOVED:
            terminal_remove(
                terminal=terminal, on=visited_on, reason=_("reclaimed: no purchase for three months"), by=by
            )
    return review
