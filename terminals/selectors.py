"""Reads on terminals that carry logic: what is in force, and the dormant-POS rule of spec/kpi.md."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Terminal, TerminalTxn


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of a local (Asia/Shanghai) day, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def in_force(*, queryset: QuerySet, as_of: datetime.date, start: str, end: str) -> QuerySet:
    """Rows in force at `as_of`: `start` ≤ as_of and (`end` empty or > as_of) — spec/kpi.md."""
    return queryset.filter(**{f"{start}__lte": as_of}).filter(
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": as_of})
    )


def dormancy_window_start(*, as_of: datetime.date) -> datetime.date:
    """The first day of the month two months before as_of's month (2011-12-31 → 2011-10-01)."""
    month = as_of.month - 2
    year = as_of.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def dormant_pos(*, queryset: QuerySet, as_of: datetime.date) -> QuerySet:
    """POS in force at `as_of`, installed before the window, with no purchase inside it."""
    start = dormancy_window_start(as_of=as_of)
    purchases = TerminalTxn.objects.filter(
        terminal=OuterRef("pk"),
        txn_type=TerminalTxn.Type.PURCHASE,
        txn_at__gte=local_midnight(start),
        txn_at__lt=local_midnight(as_of + datetime.timedelta(days=1)),
    )
    pos = in_force(
        queryset=queryset.filter(kind=Terminal.Kind.POS), as_of=as_of, start="installed_on", end="removed_on"
    )
    return pos.filter(installed_on__lt=start).exclude(Exists(purchases))
