"""Reminders (提醒) of the ATM and POS fleet, evaluated by Celery beat every few minutes; each tells
an event once per person and channel (ebank/notify):

- an inspection window closing in 30 minutes with ATMs not yet inspected: to the branch managers
  who see them;
- a window missed: to them once it has closed; still missed an hour later (no late entry, 补录,
  records it): to the department;
- an ATM fault open longer than ATM_FAULT_OPEN_HOURS: to the branch managers; open twice as
  long: to the department;
- on the 1st, the POS and service points that had no transaction in the three months to the end
  of the month before: to the branch managers who see them."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.notify import people
from ebank.notify.selectors import recipients_told
from ebank.notify.services import notify
from ebank.org.scoping import user_branch_ids

from . import selectors
from .models import AtmFault, AtmInspection, ServicePoint, Terminal

CLOSING_SOON = datetime.timedelta(minutes=30)
ESCALATE_AFTER = datetime.timedelta(hours=1)
# A window is told about for this long after it closed: the beat catches up after a short stop,
# and starting the product does not tell every window ever missed.
MISSED_TOLD_FOR = datetime.timedelta(hours=3)
LISTED = 20  # the ATMs, POS or points a message names; "and n more" after them


def _shift_label(shift: str) -> str:
    return str(AtmInspection.Shift(shift).label)


def _listed(lines: list[str]) -> str:
    more = len(lines) - LISTED
    if more > 0:
        lines = [*lines[:LISTED], _("… and %(count)s more") % {"count": more}]
    return "\n".join(lines)


def _not_told(managers: list, *, rule: str, key: str) -> list:
    """The managers not yet told of the event (so that a rerun computes nothing for them)."""
    already = recipients_told(rule=rule, key=key)
    return [manager for manager in managers if manager.pk not in already]


def _atm(atm: Terminal) -> str:
    return f"{atm.terminal_no} {atm.location}".strip()


def inspection_window_closing(now: datetime.datetime) -> int:
    """A window closing within 30 minutes with ATMs of the manager's branches not inspected."""
    told = 0
    for shift in AtmInspection.Shift.values:
        opens, closes = selectors.window_moments(now.date(), shift, now.tzinfo)
        if not closes - CLOSING_SOON <= now < closes:
            continue
        for manager in _not_told(
            people.branch_managers(), rule="inspection_window_closing", key=f"{now.date()}:{shift}"
        ):
            due = [
                row["atm"]
                for row in selectors.atm_windows_today(user=manager, now=now)
                for window in row["windows"]
                if window["shift"] == shift and window["state"] == selectors.DUE
            ]
            if not due:
                continue
            told += notify(
                recipients=[manager],
                rule="inspection_window_closing",
                key=f"{now.date()}:{shift}",
                subject=_("The %(shift)s inspection window closes at %(time)s: %(count)s ATMs not inspected")
                % {"shift": _shift_label(shift), "time": f"{closes:%H:%M}", "count": len(due)},
                body=_listed([_atm(atm) for atm in due]),
                url=reverse("today"),
            )
    return told


def _missed_slots(now: datetime.datetime):
    """Each window that closed in the last few hours, with its missed ATMs: (day, shift, closes,
    [ATM])."""
    for day in (now.date() - datetime.timedelta(days=1), now.date()):
        for shift in AtmInspection.Shift.values:
            _opens, closes = selectors.window_moments(day, shift, now.tzinfo)
            if not closes < now <= closes + MISSED_TOLD_FOR:
                continue
            missed = selectors.inspections_missed(
                atms=Terminal.objects.filter(kind=Terminal.Kind.ATM), start=day, end=day, now=now
            )
            atms = [atm for atm, _day, missed_shift in missed if missed_shift == shift]
            if atms:
                yield day, shift, closes, atms


def inspection_missed(now: datetime.datetime) -> int:
    """A window missed: to the managers who see the ATMs; an hour later, if still missed, to the
    department with every branch's."""
    told = 0
    managers = people.branch_managers()
    for day, shift, closes, atms in _missed_slots(now):
        key = f"{day}:{shift}"
        label = _shift_label(shift)
        for manager in managers:
            theirs = [atm for atm in atms if atm.branch_id in user_branch_ids(user=manager)]
            if theirs:
                told += notify(
                    recipients=[manager],
                    rule="inspection_missed",
                    key=key,
                    subject=_("%(day)s %(shift)s inspection missed: %(count)s ATMs")
                    % {"day": day, "shift": label, "count": len(theirs)},
                    body=_listed([_atm(atm) for atm in theirs])
                    + "\n"
                    + _("Record each now: it is entered late (补录)."),
                    url=reverse("today"),
                )
        if now >= closes + ESCALATE_AFTER:
            branches = sorted({atm.branch for atm in atms}, key=lambda branch: branch.code)
            told += notify(
                recipients=people.department(),
                rule="inspection_missed_escalated",
                key=key,
                subject=_("%(day)s %(shift)s inspection still missed an hour later: %(count)s ATMs")
                % {"day": day, "shift": label, "count": len(atms)},
                body=_listed(
                    [
                        f"{branch.name}：" + "、".join(a.terminal_no for a in atms if a.branch == branch)
                        for branch in branches
                    ]
                ),
                url=reverse("admin:terminals_atminspection_changelist"),
            )
    return told


def fault_open_long(now: datetime.datetime) -> int:
    """An ATM fault open longer than ATM_FAULT_OPEN_HOURS: to the branch; twice as long: to the
    department."""
    told = 0
    hours = settings.ATM_FAULT_OPEN_HOURS
    limit = datetime.timedelta(hours=hours)
    managers = people.branch_managers()
    faults = (
        selectors.atm_faults_open(queryset=AtmFault.objects.all())
        .filter(occurred_at__lt=now - limit)
        .select_related("terminal", "branch")
        .order_by("occurred_at")
    )
    for fault in faults:
        open_for = now - fault.occurred_at
        values = {
            "atm": _atm(fault.terminal),
            "kind": fault.get_fault_kind_display(),
            "hours": int(open_for.total_seconds() // 3600),
        }
        url = reverse("admin:terminals_atmfault_change", args=[fault.pk])
        body = _("Reported %(when)s: %(description)s") % {
            "when": f"{timezone.localtime(fault.occurred_at):%Y-%m-%d %H:%M}",
            "description": fault.description,
        }
        told += notify(
            recipients=people.seeing(managers, fault.branch_id),
            rule="fault_open_long",
            key=f"fault:{fault.pk}",
            subject=_("ATM %(atm)s: %(kind)s open for %(hours)s hours") % values,
            body=body,
            url=url,
        )
        if open_for >= 2 * limit:
            told += notify(
                recipients=people.department(),
                rule="fault_open_long_escalated",
                key=f"fault:{fault.pk}",
                subject=_("%(branch)s ATM %(atm)s: %(kind)s open for %(hours)s hours")
                % {**values, "branch": fault.branch.name},
                body=body,
                url=url,
            )
    return told


def _dormant_subject(as_of: datetime.date, *, pos: int, points: int) -> str:
    values = {"month": date_format(as_of, "YEAR_MONTH_FORMAT"), "pos": pos, "points": points}
    if pos and points:
        return _("%(month)s: %(pos)s POS and %(points)s service points idle for three months") % values
    if pos:
        return _("%(month)s: %(pos)s POS idle for three months") % values
    return _("%(month)s: %(points)s service points idle for three months") % values


def dormant_month(now: datetime.datetime) -> int:
    """On the 1st: each manager's POS and service points with no transaction in the three months
    to the end of the month before."""
    if now.day != 1:
        return 0
    as_of = now.date() - datetime.timedelta(days=1)
    key = f"{as_of:%Y-%m}"
    managers = _not_told(people.branch_managers(), rule="dormant_month", key=key)
    if not managers:
        return 0
    # The union's idle ones once, then each manager's share (not two queries per manager per run).
    all_pos = list(
        selectors.dormant_pos(queryset=Terminal.objects.all(), as_of=as_of).order_by("terminal_no")
    )
    all_points = list(
        selectors.dormant_service_points(queryset=ServicePoint.objects.all(), as_of=as_of).order_by(
            "point_no"
        )
    )
    told = 0
    for manager in managers:
        theirs = set(user_branch_ids(user=manager))
        pos = [terminal for terminal in all_pos if terminal.branch_id in theirs]
        points = [point for point in all_points if point.branch_id in theirs]
        if not pos and not points:
            continue
        lines = [f"POS {terminal.terminal_no} {terminal.location}".strip() for terminal in pos]
        lines += [f"{point.point_no} {point.name}（{point.village}）" for point in points]
        told += notify(
            recipients=[manager],
            rule="dormant_month",
            key=key,
            subject=_dormant_subject(as_of, pos=len(pos), points=len(points)),
            body=_listed(lines),
            url=reverse("today"),
        )
    return told


RULES = [inspection_window_closing, inspection_missed, fault_open_long, dormant_month]
# What the log calls each rule (ebank/notify gathers every area's).
LABELS = {
    "inspection_window_closing": gettext_lazy("ATM inspection window closing"),
    "inspection_missed": gettext_lazy("ATM inspection missed"),
    "inspection_missed_escalated": gettext_lazy("ATM inspection still missed an hour later"),
    "fault_open_long": gettext_lazy("ATM fault open too long"),
    "fault_open_long_escalated": gettext_lazy("ATM fault open twice too long"),
    "dormant_month": gettext_lazy("The month's idle POS and service points"),
}
