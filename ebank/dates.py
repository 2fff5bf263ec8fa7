"""Dates and days as the back office reads them, in one place: a local day's start, what is in
force on a day, the months before a day, and the range of dates anyone may name.

Before 2000 there was no Jinnong card and no e-banking department; after 2099 nothing is planned.
A date outside would only come from a typo or a probe, and would overflow the time zone arithmetic
(a day's start in Asia/Shanghai of 0001-01-01 is before year 1 in UTC).
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def date_range_problem(day: datetime.date) -> str | None:
    """Why a date is outside the range the back office works with, or None."""
    if EARLIEST <= day <= LATEST:
        return None
    return _("The date must be between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}


def year_problem(year: int) -> str | None:
    """Why a year is outside the range the back office works with, or None."""
    if EARLIEST.year <= year <= LATEST.year:
        return None
    return _("The year must be between %(first)d and %(last)d.") % {
        "first": EARLIEST.year,
        "last": LATEST.year,
    }


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of a local (Asia/Shanghai) day, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def local_days(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments from the start of local day `start` to the end of local day `end` (excluded)."""
    return local_midnight(start), local_midnight(end + datetime.timedelta(days=1))


def in_force_q(*, as_of: datetime.date, start: str, end: str, prefix: str = "") -> Q:
    """Rows in force on `as_of`: `start` ≤ as_of and (`end` empty or > as_of) — docs/kpi.md."""
    return Q(**{f"{prefix}{start}__lte": as_of}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": as_of})
    )


def in_force(*, queryset: QuerySet, as_of: datetime.date, start: str, end: str) -> QuerySet:
    """The rows of `queryset` in force on `as_of` (see in_force_q)."""
    return queryset.filter(in_force_q(as_of=as_of, start=start, end=end))


def month_start_before(day: datetime.date, *, months: int) -> datetime.date:
    """The first day of the month `months` months before `day`'s month (2011-12-31, 2 → 2011-10-01)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def next_month_start(day: datetime.date) -> datetime.date:
    """The first day of the month after `day`'s (2011-12-15 → 2012-01-01)."""
    return month_start_before(day, months=-1)
