"""The dates the back office works with: the range a figure, a report or an entry may name.

Before 2000 there was no Jinnong card and no e-banking department; after 2099 nothing is planned.
A date outside would only come from a typo or a probe, and would overflow the time zone arithmetic
(a day's start in Asia/Shanghai of 0001-01-01 is before year 1 in UTC).
"""

import datetime

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
