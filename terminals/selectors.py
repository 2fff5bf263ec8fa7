"""Reads on terminals that carry logic: what is in force, and the dormant-POS rule of docs/kpi.md."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ebank.dates import in_force, local_days, month_start_before
from ebank.org.scoping import scope_queryset
from ebank.registers.selectors import entries_current

from .models import (
    AtmCashDifference,
    AtmFault,
    AtmInspection,
    PosMaintenance,
    RetainedCard,
    Terminal,
    TerminalTxn,
)
from .models.logbooks import inspection_window


def dormancy_window_start(*, as_of: datetime.date) -> datetime.date:
    """The first day of the dormant-POS window: two months before as_of's month (docs/kpi.md)."""
    return month_start_before(as_of, months=2)


def dormant_pos(*, queryset: QuerySet, as_of: datetime.date) -> QuerySet:
    """POS in force at `as_of`, installed before the window, with no purchase inside it."""
    start = dormancy_window_start(as_of=as_of)
    first, after = local_days(start, as_of)
    purchases = TerminalTxn.objects.filter(
        terminal=OuterRef("pk"), txn_type=TerminalTxn.Type.PURCHASE, txn_at__gte=first, txn_at__lt=after
    )
    pos = in_force(
        queryset=queryset.filter(kind=Terminal.Kind.POS), as_of=as_of, start="installed_on", end="removed_on"
    )
    return pos.filter(installed_on__lt=start).exclude(Exists(purchases))


# --- the logbooks -------------------------------------------------------------------------------


def _inspections_due(
    *, atms: list[Terminal], start: datetime.date, end: datetime.date, now: datetime.datetime
):
    """Yield each (ATM, day, shift) whose inspection window had closed by `now`, for the ATMs in
    force on that day."""
    day = start
    while day <= end:
        for atm in atms:
            if atm.installed_on > day or (atm.removed_on and atm.removed_on <= day):
                continue
            for shift in AtmInspection.Shift.values:
                if datetime.datetime.combine(day, inspection_window(shift)[1], now.tzinfo) < now:
                    yield atm, day, shift
        day += datetime.timedelta(days=1)


def _inspection_slots(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None
) -> list[tuple[Terminal, datetime.date, str, bool]]:
    """Each inspection due from start to end (window closed by `now`, ATM in force that day and not
    reported faulty now), and whether it was done."""
    now = timezone.localtime(now or timezone.now())
    atm_list = list(atms.filter(kind=Terminal.Kind.ATM).exclude(status=Terminal.Status.FAULTY))
    first, after = local_days(start, end)
    inspections = entries_current(
        queryset=AtmInspection.objects.filter(
            terminal__in=atm_list, occurred_at__gte=first, occurred_at__lt=after
        )
    )
    done = {
        (terminal_id, timezone.localtime(occurred_at).date(), shift)
        for terminal_id, occurred_at, shift in inspections.values_list("terminal_id", "occurred_at", "shift")
    }
    return [
        (atm, day, shift, (atm.id, day, shift) in done)
        for atm, day, shift in _inspections_due(atms=atm_list, start=start, end=end, now=now)
    ]


def inspections_missed(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[Terminal, datetime.date, str]]:
    """Each (ATM, day, shift) from start to end whose window has passed with no inspection, for
    the ATMs in force on that day (an ATM reported faulty now is left out: it is not in service)."""
    slots = _inspection_slots(atms=atms, start=start, end=end, now=now)
    return [(atm, day, shift) for atm, day, shift, done in slots if not done]


def inspection_compliance(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> dict:
    """How many inspections were due in the period, how many were missed, and the share done (%)."""
    slots = _inspection_slots(atms=atms, start=start, end=end, now=now)
    due, missed = len(slots), sum(1 for *_slot, done in slots if not done)
    return {"due": due, "missed": missed, "rate": round(100 * (due - missed) / due, 2) if due else None}


def worklist(*, user, now: datetime.datetime | None = None) -> dict[str, list]:
    """What the user's branches must act on at their terminals: missed inspections (the last seven
    days), faults open too long, cash differences not settled, retained cards neither returned nor
    destroyed, inspection findings not rectified."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()

    def current(model):
        return entries_current(queryset=scope_queryset(user=user, queryset=model.objects.all()))

    atms = in_force(
        queryset=scope_queryset(user=user, queryset=Terminal.objects.all()),
        as_of=today,
        start="installed_on",
        end="removed_on",
    )
    overdue_fault = now - datetime.timedelta(hours=settings.ATM_FAULT_OPEN_HOURS)
    return {
        "missed_inspections": inspections_missed(
            atms=atms, start=today - datetime.timedelta(days=6), end=today, now=now
        ),
        "open_faults": list(
            current(AtmFault)
            .filter(resolved_at__isnull=True, occurred_at__lt=overdue_fault)
            .select_related("terminal")
        ),
        "unsettled_differences": list(
            current(AtmCashDifference).filter(settled_on__isnull=True).select_related("terminal")
        ),
        "held_cards": list(
            current(RetainedCard).filter(outcome=RetainedCard.Outcome.HELD).select_related("terminal")
        ),
        "unrectified_inspections": list(
            current(AtmInspection)
            .exclude(findings="")
            .filter(rectified_on__isnull=True)
            .select_related("terminal")
        ),
    }


def campaign_progress(*, campaign, user) -> list[dict]:
    """Per branch the user may see: the campaign's terminals (in force during it), those done (an
    entry names the campaign) and those still to do."""
    model = AtmInspection if campaign.kind == Terminal.Kind.ATM else PosMaintenance
    terminals = (
        scope_queryset(user=user, queryset=Terminal.objects.filter(kind=campaign.kind))
        .filter(installed_on__lte=campaign.ends_on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=campaign.starts_on))
    )
    done = set(
        entries_current(queryset=model.objects.filter(campaign=campaign)).values_list(
            "terminal_id", flat=True
        )
    )
    rows: dict[int, dict] = {}
    for terminal in terminals.select_related("branch").order_by("branch__code", "terminal_no"):
        row = rows.setdefault(
            terminal.branch_id, {"branch": terminal.branch, "total": 0, "done": 0, "to_do": []}
        )
        row["total"] += 1
        if terminal.id in done:
            row["done"] += 1
        else:
            row["to_do"].append(terminal)
    return list(rows.values())
