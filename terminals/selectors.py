"""Reads on terminals that carry logic: what is in force, the dormant-POS rule of docs/kpi.md, the
registers' rates, and the service points (their register, dormancy and monthly visits)."""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ebank.dates import in_force, local_days, month_start_before, next_month_start
from ebank.org.scoping import scope_queryset
from ebank.registers.selectors import entries_current

from .models import (
    AtmCashDifference,
    AtmFault,
    AtmFaultClearance,
    AtmInspection,
    PosMaintenance,
    RetainedCard,
    ServicePoint,
    ServicePointTxn,
    ServicePointVisit,
    Terminal,
    TerminalTxn,
)
from .models.logbooks import inspection_window
from .status import out_of_order_periods


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


def atm_faults_open(*, queryset: QuerySet) -> QuerySet:
    """The current fault entries of `queryset` (already scoped) neither entered as resolved nor
    cleared since (登记排除)."""
    cleared = AtmFaultClearance.objects.filter(amends__isnull=True).values("fault_id")
    return entries_current(queryset=queryset).filter(resolved_at__isnull=True).exclude(pk__in=cleared)


def fault_cleared(fault: AtmFault) -> AtmFaultClearance | None:
    """The fault's clearance, if it was cleared (from a prefetch of `clearances` when there is one)."""
    return next((c for c in fault.clearances.all() if c.amends_id is None), None)


def fault_periods(
    *, atms: list[Terminal], start: datetime.datetime, end: datetime.datetime
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime | None]]]:
    """Per ATM: when it was out of order between `start` and `end` — from each current fault's
    reported time to its resolution or clearance (None: still open)."""
    faults = (
        entries_current(queryset=AtmFault.objects.filter(terminal__in=atms, occurred_at__lt=end))
        .exclude(resolved_at__lt=start)
        .prefetch_related("clearances")
    )
    periods: dict[int, list] = {}
    for fault in faults:
        cleared = fault_cleared(fault)
        until = fault.resolved_at or (cleared.occurred_at if cleared else None)
        if until is None or until > start:
            periods.setdefault(fault.terminal_id, []).append((fault.occurred_at, until))
    return periods


def out_of_order(
    *, atms: list[Terminal], start: datetime.datetime, end: datetime.datetime
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime | None]]]:
    """Per ATM: when it was out of order between `start` and `end` — its faults (fault_periods)
    and the faulty periods of its own status history (an action, an extract: terminals/status.py).
    A window is judged by these, never by the ATM's status today."""
    periods = fault_periods(atms=atms, start=start, end=end)
    for atm_id, spans in out_of_order_periods(atms=atms, start=start, end=end).items():
        periods.setdefault(atm_id, []).extend(spans)
    return periods


def window_moments(day: datetime.date, shift: str, tz) -> tuple[datetime.datetime, datetime.datetime]:
    """When a shift's inspection window opens and closes on a day."""
    opens, closes = inspection_window(shift)
    return datetime.datetime.combine(day, opens, tz), datetime.datetime.combine(day, closes, tz)


def _out_of_order(periods, opens, closes) -> bool:
    return any(began < closes and (ended is None or ended > opens) for began, ended in periods)


def _inspections_due(
    *, atms: list[Terminal], start: datetime.date, end: datetime.date, now: datetime.datetime, periods
):
    """Yield each (ATM, day, shift) whose inspection window had closed by `now`, for the ATMs in
    force on that day and in order during the window (a fault excuses the windows it spans)."""
    day = start
    while day <= end:
        for atm in atms:
            if atm.installed_on > day or (atm.removed_on and atm.removed_on <= day):
                continue
            for shift in AtmInspection.Shift.values:
                opens, closes = window_moments(day, shift, now.tzinfo)
                if closes < now and not _out_of_order(periods.get(atm.id, ()), opens, closes):
                    yield atm, day, shift
        day += datetime.timedelta(days=1)


# The state of an inspection slot that has passed: inspected on time, entered late (补录), missed.
ON_TIME, LATE, MISSED_SLOT = "on_time", "late", "missed"
ON_SITE = "on_site"  # on time, and entered after scanning the ATM's sticker (扫码)


def _inspection_slots(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None
) -> list[tuple[Terminal, datetime.date, str, str]]:
    """Each inspection due from start to end (window closed by `now`, ATM in force that day and in
    order during the window), and its state: ON_TIME when an inspection of it was entered on time,
    LATE when only late entries (补录) record it, MISSED_SLOT when none does. A window is excused
    when the ATM was out of order during it (out_of_order), by the status it had then."""
    now = timezone.localtime(now or timezone.now())
    atm_list = list(atms.filter(kind=Terminal.Kind.ATM).select_related("branch"))
    first, after = local_days(start, end)
    periods = out_of_order(atms=atm_list, start=first, end=after)
    inspections = entries_current(
        queryset=AtmInspection.objects.filter(
            terminal__in=atm_list, occurred_at__gte=first, occurred_at__lt=after
        )
    )
    recorded: dict[tuple[int, datetime.date, str], str] = {}
    on_site: set[tuple[int, datetime.date, str]] = set()
    for terminal_id, occurred_at, shift, is_late, scanned in inspections.values_list(
        "terminal_id", "occurred_at", "shift", "is_late", "on_site"
    ):
        key = (terminal_id, timezone.localtime(occurred_at).date(), shift)
        if recorded.get(key) != ON_TIME:
            recorded[key] = LATE if is_late else ON_TIME
        if scanned and not is_late:
            on_site.add(key)
    return [
        (
            atm,
            day,
            shift,
            ON_SITE if (atm.id, day, shift) in on_site else recorded.get((atm.id, day, shift), MISSED_SLOT),
        )
        for atm, day, shift in _inspections_due(atms=atm_list, start=start, end=end, now=now, periods=periods)
    ]


def inspections_missed(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[tuple[Terminal, datetime.date, str]]:
    """Each (ATM, day, shift) from start to end whose window has passed with no inspection, for
    the ATMs in force and in order on that day (judged by their status then, not today's)."""
    slots = _inspection_slots(atms=atms, start=start, end=end, now=now)
    return [(atm, day, shift) for atm, day, shift, state in slots if state == MISSED_SLOT]


def _rates(slots) -> dict:
    """Due, on time (of which on site, 扫码), late and missed; the on-time rate and the on-site
    share of the on-time ones, in %."""
    due = len(slots)
    counts = Counter(state for *_slot, state in slots)
    on_site = counts[ON_SITE]
    on_time = counts[ON_TIME] + on_site
    return {
        "due": due,
        "on_time": on_time,
        "late": counts[LATE],
        "missed": counts[MISSED_SLOT],
        "rate": round(100 * on_time / due, 2) if due else None,
        "on_site": on_site,
        "on_site_share": round(100 * on_site / on_time, 2) if on_time else None,
    }


def inspection_compliance(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> dict:
    """The inspections due in the period and how each went: on time, entered late (补录), missed;
    the rate is the share done on time (%), so that a missed inspection typed in later does not
    raise it."""
    return _rates(_inspection_slots(atms=atms, start=start, end=end, now=now))


def inspection_slot_counts(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime, by_branch: bool
) -> dict:
    """The slots missed and entered late from start to end, per ATM's branch (by_branch) or in
    all: {branch id or None: {"missed_inspections": n, "late_inspections": n}} (the metrics)."""
    counts: dict = {}
    for atm, _day, _shift, state in _inspection_slots(atms=atms, start=start, end=end, now=now):
        if state not in (MISSED_SLOT, LATE):
            continue
        group = counts.setdefault(
            atm.branch_id if by_branch else None, {"missed_inspections": 0, "late_inspections": 0}
        )
        group["missed_inspections" if state == MISSED_SLOT else "late_inspections"] += 1
    return counts


def inspection_compliance_by(
    *, atms: QuerySet, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> dict:
    """inspection_compliance of the period as a whole, and per branch, per ATM and per month:
    {"total": {...}, "branches": [(branch, {...})], "atms": [(atm, {...})], "months": [(date, {...})]}."""
    slots = _inspection_slots(atms=atms, start=start, end=end, now=now)
    by_branch, by_atm, by_month = defaultdict(list), defaultdict(list), defaultdict(list)
    for slot in slots:
        atm, day = slot[0], slot[1]
        by_branch[atm.branch].append(slot)
        by_atm[atm].append(slot)
        by_month[day.replace(day=1)].append(slot)
    return {
        "total": _rates(slots),
        "branches": [(b, _rates(s)) for b, s in sorted(by_branch.items(), key=lambda i: i[0].code)],
        "atms": [
            (a, _rates(s))
            for a, s in sorted(by_atm.items(), key=lambda i: (i[0].branch.code, i[0].terminal_no))
        ],
        "months": sorted((m, _rates(s)) for m, s in by_month.items()),
    }


# The state of an inspection window on 今日.
DONE, DUE, MISSED, UPCOMING, OUT_OF_ORDER = "done", "due", "missed", "upcoming", "out_of_order"


def atm_windows_today(*, user, now: datetime.datetime | None = None) -> list[dict]:
    """For each ATM of the user's branches in service or faulty today: its open fault (if any),
    and each of today's inspection windows with its state — done (with the inspection), due now,
    missed, upcoming, or excused by a fault — and the next window to come."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    atms = list(
        in_force(
            queryset=scope_queryset(user=user, queryset=Terminal.objects.filter(kind=Terminal.Kind.ATM)),
            as_of=today,
            start="installed_on",
            end="removed_on",
        )
        .select_related("branch")
        .order_by("branch__code", "terminal_no")
    )
    first, after = local_days(today, today)
    periods = out_of_order(atms=atms, start=first, end=after)
    open_faults = {
        fault.terminal_id: fault
        for fault in atm_faults_open(queryset=AtmFault.objects.filter(terminal__in=atms)).order_by(
            "occurred_at"
        )
    }
    done: dict[tuple[int, str], AtmInspection] = {}
    for inspection in (
        entries_current(
            queryset=AtmInspection.objects.filter(
                terminal__in=atms, occurred_at__gte=first, occurred_at__lt=after
            )
        )
        .select_related("entered_by")
        .order_by("occurred_at")
    ):
        done.setdefault((inspection.terminal_id, inspection.shift), inspection)
    rows = []
    for atm in atms:
        windows = []
        for shift, label in AtmInspection.Shift.choices:
            opens, closes = window_moments(today, shift, now.tzinfo)
            inspection = done.get((atm.id, shift))
            if inspection is not None:
                state = DONE
            elif _out_of_order(periods.get(atm.id, ()), opens, min(closes, now)):
                state = OUT_OF_ORDER
            elif now < opens:
                state = UPCOMING
            elif now <= closes:
                state = DUE
            else:
                state = MISSED
            windows.append(
                {
                    "shift": shift,
                    "label": label,
                    "opens": opens,
                    "closes": closes,
                    "state": state,
                    "inspection": inspection,
                }
            )
        rows.append({"atm": atm, "fault": open_faults.get(atm.id), "windows": windows})
    return rows


def next_window(*, now: datetime.datetime | None = None) -> tuple[str, datetime.datetime, datetime.datetime]:
    """The shift whose window is open now, or opens next: (shift, opens, closes)."""
    now = timezone.localtime(now or timezone.now())
    for day in (now.date(), now.date() + datetime.timedelta(days=1)):
        for shift in AtmInspection.Shift.values:
            opens, closes = window_moments(day, shift, now.tzinfo)
            if now <= closes:
                return shift, opens, closes
    raise AssertionError("a window opens every day")


def entries_to_settle(*, user) -> dict[str, list]:
    """The register entries of the user's branches still waiting on them: cash differences not
    settled, retained cards neither returned nor destroyed, inspection findings not rectified."""

    def current(model):
        return entries_current(queryset=scope_queryset(user=user, queryset=model.objects.all()))

    return {
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


def worklist(*, user, now: datetime.datetime | None = None) -> dict[str, list]:
    """What the user's branches must act on at their terminals: missed inspections (the last seven
    days), faults open too long, and the entries still waiting on them (entries_to_settle)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()

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
            atm_faults_open(queryset=scope_queryset(user=user, queryset=AtmFault.objects.all()))
            .filter(occurred_at__lt=overdue_fault)
            .select_related("terminal")
        ),
        **entries_to_settle(user=user),
        **service_points_to_act_on(user=user, today=today),
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


# --- the service points (助农取款服务点) --------------------------------------------------------


def service_points_in_force(*, queryset: QuerySet, as_of: datetime.date) -> QuerySet:
    """The service points of `queryset` open on `as_of` (docs/kpi.md: opened, not yet closed)."""
    return in_force(queryset=queryset, as_of=as_of, start="opened_on", end="closed_on")


def dormant_service_points(*, queryset: QuerySet, as_of: datetime.date) -> QuerySet:
    """Service points in force at `as_of`, opened before the dormancy window (the dormant-POS
    rule), with no transaction other than a balance inquiry inside it."""
    start = dormancy_window_start(as_of=as_of)
    first, after = local_days(start, as_of)
    used = ServicePointTxn.objects.filter(point=OuterRef("pk"), txn_at__gte=first, txn_at__lt=after).exclude(
        txn_type=ServicePointTxn.Type.INQUIRY
    )
    points = service_points_in_force(queryset=queryset, as_of=as_of)
    return points.filter(opened_on__lt=start).exclude(Exists(used))


def _visits_standing() -> QuerySet:
    return entries_current(queryset=ServicePointVisit.objects.all())


def service_point_register(*, queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The service points of `queryset` (already scoped), each with its last visit (巡查), its
    last transaction, its last 30 days' transactions (other than inquiries) and withdrawals, and
    whether it is dormant today."""
    first, after = local_days(today - datetime.timedelta(days=29), today)
    recent = ServicePointTxn.objects.filter(
        point=OuterRef("pk"), txn_at__gte=first, txn_at__lt=after
    ).exclude(txn_type=ServicePointTxn.Type.INQUIRY)
    zero = Value(0, output_field=DecimalField(max_digits=20, decimal_places=2))
    dormant = dormant_service_points(queryset=ServicePoint.objects.all(), as_of=today)
    return queryset.annotate(
        last_visit=Subquery(
            _visits_standing().filter(point=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
        ),
        last_txn=Subquery(
            ServicePointTxn.objects.filter(point=OuterRef("pk")).order_by("-txn_at").values("txn_at")[:1]
        ),
        txns_30_days=Coalesce(
            Subquery(recent.order_by().values("point").annotate(n=Count("id")).values("n")[:1]), 0
        ),
        withdrawn_30_days=Coalesce(
            Subquery(
                recent.filter(txn_type=ServicePointTxn.Type.WITHDRAWAL)
                .order_by()
                .values("point")
                .annotate(total=Sum("amount"))
                .values("total")[:1]
            ),
            zero,
        ),
        dormant=Exists(dormant.filter(pk=OuterRef("pk"))),
    )


def _month_end(month: datetime.date, today: datetime.date) -> datetime.date:
    """The day a month's visits are judged on: its last day, or today for the month under way."""
    return min(next_month_start(month) - datetime.timedelta(days=1), today)


def _visited(first: datetime.date, last: datetime.date) -> Exists:
    """Whether a standing visit of the outer point falls from local day `first` to `last`."""
    start, after = local_days(first, last)
    return Exists(
        _visits_standing().filter(point=OuterRef("pk"), occurred_at__gte=start, occurred_at__lt=after)
    )


def service_points_unvisited(*, queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The service points of `queryset` open today that no standing visit of this month records."""
    visited = _visited(today.replace(day=1), today)
    return service_points_in_force(queryset=queryset, as_of=today).exclude(visited)


def service_point_visits(
    *, points: QuerySet, month: datetime.date, today: datetime.date, by_branch: bool = True
) -> dict:
    """The visits of a month (巡查): the points due (open on the month's last day, or today for the
    month under way) and those a standing visit of the month records, by supervising branch
    ({branch id: {"due", "visited"}}) or for all of `points` ({None: …})."""
    end = _month_end(month, today)
    due = service_points_in_force(queryset=points, as_of=end).annotate(visited=_visited(month, end))
    group = ["branch_id"] if by_branch else []
    rows = due.order_by().values(*group).annotate(due=Count("id"), done=Count("id", filter=Q(visited=True)))
    return {row.get("branch_id"): {"due": row["due"], "visited": row["done"]} for row in rows}


def service_point_visits_by_month(
    *, points: QuerySet, year: int, today: datetime.date, by_branch: bool = True
) -> list[tuple[datetime.date, dict]]:
    """service_point_visits of each month of `year` up to today: [(first day, rows)]."""
    months, month = [], datetime.date(year, 1, 1)
    while month <= today and month.year == year:
        months.append(
            (month, service_point_visits(points=points, month=month, today=today, by_branch=by_branch))
        )
        month = next_month_start(month)
    return months


def service_point_visits_of_year(*, points: QuerySet, year: int, today: datetime.date) -> dict:
    """The year's visits up to today: {"due": points due summed over the months, "visited": …}."""
    totals = {"due": 0, "visited": 0}
    for _month, rows in service_point_visits_by_month(points=points, year=year, today=today, by_branch=False):
        for row in rows.values():
            totals["due"] += row["due"]
            totals["visited"] += row["visited"]
    return totals


def service_points_to_act_on(*, user, today: datetime.date) -> dict[str, list]:
    """The service points of the user's branches still to visit this month (巡查), and those with
    no transaction for three months (to visit, and to keep or close)."""
    points = scope_queryset(user=user, queryset=ServicePoint.objects.select_related("branch"))
    return {
        "unvisited_service_points": list(
            service_points_unvisited(queryset=points, today=today).order_by("branch__code", "point_no")
        ),
        "dormant_service_points": list(
            dormant_service_points(queryset=points, as_of=today).order_by("branch__code", "point_no")
        ),
    }
