"""Reads on online banking that carry logic: working days, overdue tickets, the monthly summary."""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from ebank.dates import local_midnight, next_month_start
from ebank.org.roles import Role

from .models import CalendarDay, Ticket


def working_day_after(*, start: datetime.date, days: int) -> datetime.date:
    """Return the `days`-th working day after `start` (Monday to Friday, less the holidays, plus
    the weekend days worked in exchange, as the calendar in the admin says)."""
    window = CalendarDay.objects.filter(
        day__gt=start, day__lte=start + datetime.timedelta(days=days * 7 + 30)
    )
    overrides = dict(window.values_list("day", "kind"))
    day, counted = start, 0
    while counted < days:
        day += datetime.timedelta(days=1)
        kind = overrides.get(day)
        if kind == CalendarDay.Kind.WORKDAY or (kind is None and day.weekday() < 5):
            counted += 1
    return day


def tickets_overdue(*, queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Tickets still open after their T+3 deadline."""
    today = today or timezone.localdate()
    return queryset.exclude(status=Ticket.Status.CLOSED).filter(deadline__lt=today)


def tickets_due_soon(*, queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Tickets still open whose T+3 deadline is today or the next working day, or has passed:
    the ones to handle now, the latest deadline last."""
    today = today or timezone.localdate()
    soon = working_day_after(start=today, days=1)
    return queryset.exclude(status=Ticket.Status.CLOSED).filter(deadline__lte=soon).order_by("deadline", "pk")


def _month_bounds(
    year: int, month: int
) -> tuple[datetime.datetime, datetime.datetime, datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    following = next_month_start(first)
    return local_midnight(first), local_midnight(following), first, following - datetime.timedelta(days=1)


def tickets_month_summary(*, queryset: QuerySet, year: int, month: int) -> dict:
    """Count, for one month: tickets opened, tickets closed, tickets that missed their deadline
    (due that month and not closed by the end of their deadline day), and the average time from
    opening to closing of the tickets closed that month (a timedelta, or None)."""
    start, end, first, last = _month_bounds(year, month)
    handling = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    figures = queryset.aggregate(
        opened=Count("id", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        closed=Count("id", filter=Q(closed_at__gte=start, closed_at__lt=end)),
        overdue=Count(
            "id",
            filter=Q(deadline__gte=first, deadline__lte=last)
            & (
                Q(closed_at__isnull=True, deadline__lt=timezone.localdate())
                | Q(closed_at__date__gt=F("deadline"))
            ),
        ),
        average_handling=Avg(handling, filter=Q(closed_at__gte=start, closed_at__lt=end)),
    )
    return {"year": year, "month": month, **figures}


def spot_checks_overdue(*, queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Spot checks whose findings are not rectified by their deadline."""
    today = today or timezone.localdate()
    return queryset.exclude(findings="").filter(rectified_on__isnull=True, rectify_by__lt=today)


def ticket_assignees(*, user) -> QuerySet:
    """Whom the user may give a ticket to: department staff give it to staff or to any branch's
    manager; a branch manager to a manager of their own branches. A branch manager's ticket reaches
    the department by being open: staff see every open ticket and take the ones they handle. (So a
    branch manager learns nothing of the department's logins from the choices or the refusals.)"""
    from ebank.org.models import User
    from ebank.org.scoping import user_branch_ids

    ids = user_branch_ids(user=user)
    if ids is None:
        handlers = Q(role=Role.STAFF) | Q(role=Role.BRANCH_MANAGER)
    else:
        handlers = Q(role=Role.BRANCH_MANAGER, branch__in=ids)
    return User.objects.filter(is_active=True).filter(handlers).order_by("username")
