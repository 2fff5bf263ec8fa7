"""A terminal's status over time (TerminalStatusPeriod): what changes it, and the periods a
window is judged by. Every change of `Terminal.status` goes through status_change() (the
actions, a fault and its clearance) or status_sync() (an extract's rows, written in bulk), so
that a past window is judged by the status of its day, never by today's.

No import of the services or the admin: a migration uses status_sync() with its own models."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from ebank.dates import local_midnight


def status_change(terminal, status: str, *, at: datetime.datetime, reason: str = "", fault=None) -> None:
    """Close the terminal's open period at `at` and open one of `status` (nothing when the status
    is the same). A change is never dated before the open period began."""
    from .models import TerminalStatusPeriod

    with transaction.atomic():
        current = (
            TerminalStatusPeriod.objects.select_for_update()
            .filter(terminal=terminal, ends_at__isnull=True)
            .first()
        )
        if current is not None:
            if current.status == status:
                return
            at = max(at, current.starts_at)
            current.ends_at = at
            current.save(update_fields=["ends_at"])
        TerminalStatusPeriod.objects.create(
            terminal=terminal, status=status, starts_at=at, reason=reason, fault=fault
        )


def status_sync(*, terminal_model, period_model, at: datetime.datetime, reason: str) -> int:
    """Give every terminal the periods its row says, after rows were written in bulk (an
    extract, a migration): a terminal with none is in service from the day it was installed;
    a terminal whose status differs from its open period's changes at `at` — or, when removed,
    on its removal date. Returns how many terminals changed."""
    changed = 0
    without = terminal_model.objects.exclude(Exists(period_model.objects.filter(terminal=OuterRef("pk"))))
    period_model.objects.bulk_create(
        period_model(
            terminal_id=pk,
            status="in_service",
            starts_at=local_midnight(installed_on),
            reason=reason,
        )
        for pk, installed_on in without.values_list("pk", "installed_on").iterator()
    )
    open_periods = period_model.objects.filter(terminal=OuterRef("pk"), ends_at__isnull=True)
    mismatched = terminal_model.objects.exclude(Exists(open_periods.filter(status=OuterRef("status"))))
    for terminal in mismatched.iterator():
        current = period_model.objects.filter(terminal=terminal, ends_at__isnull=True).first()
        when = (
            local_midnight(terminal.removed_on)
            if terminal.status == "removed" and terminal.removed_on
            else at
        )
        if current is not None:
            when = max(when, current.starts_at)
            current.ends_at = when
            current.save(update_fields=["ends_at"])
        period_model.objects.create(terminal=terminal, status=terminal.status, starts_at=when, reason=reason)
        changed += 1
    return changed


def out_of_order_periods(*, atms, start: datetime.datetime, end: datetime.datetime) -> dict[int, list]:
    """Per ATM: when it was faulty between `start` and `end` by a status change of its own (an
    action, an extract) — [(from, until or None)], from when the change was put on record if it
    was dated back. A fault entry's own period is read from the entry (selectors.fault_periods),
    which follows its corrections."""
    from .models import TerminalStatusPeriod

    periods: dict[int, list] = {}
    rows = TerminalStatusPeriod.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=start),
        terminal__in=atms,
        status="faulty",
        fault__isnull=True,
        starts_at__lt=end,
    ).values_list("terminal_id", "starts_at", "ends_at", "recorded_at")
    for terminal_id, starts_at, ends_at, recorded_at in rows:
        # A change dated back counts from when it was put on record: no closed window is excused.
        began = max(starts_at, recorded_at)
        if ends_at is None or ends_at > began:
            periods.setdefault(terminal_id, []).append((began, ends_at))
    return periods
