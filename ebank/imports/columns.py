"""Column parsers for the extracts: each takes the cell's text (stripped, non-empty) and returns the
typed value, or raises ValueError with a reason a person can act on (never the value itself when
it is a card or ID number)."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from django.utils.translation import gettext as _

from ebank import pii

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_AMOUNT = re.compile(r"^-?\d{1,16}(\.\d{1,2})?$")
_INTEGER = re.compile(r"^-?\d{1,18}$")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Column:
    """One column of an extract: its English name, its Chinese header and how to read a cell."""

    name: str
    label: str
    parse: Callable[[str], Any]
    required: bool = True
    # Cells with a clear card or ID number: errors and previews show them masked.
    sensitive: bool = field(default=False)


def text(max_length: int, min_length: int = 1):
    def parse(value: str) -> str:
        if not min_length <= len(value) <= max_length:
            raise ValueError(
                _("must be %(min)d to %(max)d characters") % {"min": min_length, "max": max_length}
            )
        return value

    return parse


def pattern(regex: str, description: str):
    compiled = re.compile(regex)

    def parse(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(_("must be %(what)s") % {"what": description})
        return value

    return parse


def choice(*choices: str):
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(_("must be one of %(choices)s") % {"choices": ", ".join(choices)})
        return value

    return parse


def date(value: str) -> datetime.date:
    if _DATETIME.match(value) and value.endswith(" 00:00:00"):
        value = value[:10]  # an Excel date cell
    if not _DATE.match(value):
        raise ValueError(_("must be a date YYYY-MM-DD"))
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("is not a real date")) from None


def date_time(value: str) -> datetime.datetime:
    if not _DATETIME.match(value):
        raise ValueError(_("must be a date-time YYYY-MM-DD HH:MM:SS"))
    try:
        return datetime.datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError:
        raise ValueError(_("is not a real date-time")) from None


def amount(*, minimum: Decimal | None = Decimal(0), strictly_positive: bool = False):
    def parse(value: str) -> Decimal:
        if not _AMOUNT.match(value):
            raise ValueError(_("must be an amount in yuan with at most 2 decimals"))
        result = Decimal(value)
        if strictly_positive and result <= 0:
            raise ValueError(_("must be greater than 0"))
        if minimum is not None and result < minimum:
            raise ValueError(_("must not be negative"))
        return result

    return parse


def integer(*, minimum: int | None = 0, maximum: int | None = None):
    def parse(value: str) -> int:
        if not _INTEGER.match(value):
            raise ValueError(_("must be a whole number"))
        result = int(value)
        if minimum is not None and result < minimum:
            raise ValueError(_("must be at least %(minimum)d") % {"minimum": minimum})
        if maximum is not None and result > maximum:
            raise ValueError(_("must be at most %(maximum)d") % {"maximum": maximum})
        return result

    return parse


def decimal_number(*, greater_than: Decimal | None = None, at_least: Decimal | None = None):
    def parse(value: str) -> Decimal:
        if not re.fullmatch(r"\d{1,14}(\.\d{1,4})?", value):
            raise ValueError(_("must be a number"))
        result = Decimal(value)
        if greater_than is not None and result <= greater_than:
            raise ValueError(_("must be greater than %(limit)s") % {"limit": greater_than})
        if at_least is not None and result < at_least:
            raise ValueError(_("must be at least %(limit)s") % {"limit": at_least})
        return result

    return parse


def boolean(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(_("must be 1 or 0"))
    return value == "1"


def card_number(value: str) -> str:
    if not value.isdigit() or not 16 <= len(value) <= 19:
        raise ValueError(_("a card number must be 16 to 19 digits"))
    if not pii.luhn_valid(value):
        masked = pii.card_mask(value)
        raise ValueError(_("card number %(masked)s fails the Luhn check") % {"masked": masked})
    return value


def resident_id(value: str) -> str:
    problem = pii.resident_id_problem(value)
    if problem == "check digit is wrong":
        masked = pii.resident_id_mask(value)
        raise ValueError(_("the check digit of ID number %(masked)s is wrong") % {"masked": masked})
    if problem is not None:
        raise ValueError(_("ID number: %(problem)s") % {"problem": _(problem)})
    return value.upper()
