"""How a cell of an extract is read, declared once for both ways of reading a file.

Each kind of cell is an object: `parse(text)` reads one cell in Python (SQLite, and the fallback),
returning the typed value or raising ValueError with a reason a person can act on (never the value
itself when it is a card or ID number); `sql_checks(cell)` says the same rules as SQL over a whole
staging table at once (PostgreSQL: engine.py's database path), in the same order and with the same
reasons, and `sql_value(cell)` the typed value once they pass. A kind is called like a function
(`columns.date("2024-01-31")`). Digits are ASCII digits in both: a full-width ２ is no digit here.
"""

import datetime
import operator
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from django.utils.translation import gettext as _

from ebank import pii

from .sql import digits_removed, lit, shape, text_around

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
_DIGITS_OR_X = ", ".join(f"'{ch}'" for ch in "0123456789X")
DATE_SHAPE, DATETIME_SHAPE = "9999-99-99", "9999-99-99 99:99:99"


def _shape(value: str) -> str:
    return value.translate(_SHAPES)


_SHAPES = str.maketrans("0123456789", "9999999999")


class Kind:
    """A kind of cell. Subclasses give parse() and its SQL twins."""

    # Checked once per distinct value rather than per row (a costly check whose values repeat: a
    # card number appears in every month's balances); indatabase.py.
    per_value = False

    def __call__(self, value: str) -> Any:
        return self.parse(value)

    def parse(self, value: str) -> Any:
        raise NotImplementedError

    def sql_checks(self, cell: str) -> list[tuple[str, str]]:
        """[(condition true when the cell breaks a rule, SQL text of the reason)], in the order
        parse() checks them; `cell` is an SQL expression of the stripped, non-empty text."""
        raise NotImplementedError

    def sql_value(self, cell: str) -> str:
        """The typed value, as SQL, of a cell that passed every check."""
        return cell


@dataclass(frozen=True)
class Column:
    """One column of an extract: its English name, its Chinese header and how to read a cell."""

    name: str
    label: str
    parse: Kind
    required: bool = True
    # Cells with a clear card or ID number: errors and previews show them masked.
    sensitive: bool = field(default=False)
    # The value of an empty cell of an optional column (None: NULL).
    default: Any = None


class _Regex(Kind):
    """A cell that must match a regular expression (written for both Python and PostgreSQL)."""

    def __init__(self, regex: str):
        self.regex = regex
        self.compiled = re.compile(regex, re.ASCII)

    def matches(self, value: str) -> bool:
        return self.compiled.fullmatch(value) is not None

    def sql_mismatch(self, cell: str) -> str:
        return f"{cell} !~ {lit('^(' + self.regex + ')$')}"


class text(Kind):
    def __init__(self, max_length: int, min_length: int = 1):
        self.min, self.max = min_length, max_length

    def reason(self) -> str:
        return _("must be %(min)d to %(max)d characters") % {"min": self.min, "max": self.max}

    def parse(self, value):
        if not self.min <= len(value) <= self.max:
            raise ValueError(self.reason())
        return value

    def sql_checks(self, cell):
        return [(f"char_length({cell}) NOT BETWEEN {self.min} AND {self.max}", lit(self.reason()))]


class pattern(_Regex):
    def __init__(self, regex: str, description):
        super().__init__(regex)
        self.description = description

    def reason(self) -> str:
        return _("must be %(what)s") % {"what": self.description}

    def parse(self, value):
        if not self.matches(value):
            raise ValueError(self.reason())
        return value

    def sql_checks(self, cell):
        return [(self.sql_mismatch(cell), lit(self.reason()))]


class choice(Kind):
    def __init__(self, *choices: str):
        self.choices = choices

    def reason(self) -> str:
        return _("must be one of %(choices)s") % {"choices": ", ".join(self.choices)}

    def parse(self, value):
        if value not in self.choices:
            raise ValueError(self.reason())
        return value

    def sql_checks(self, cell):
        return [(f"{cell} NOT IN ({', '.join(lit(c) for c in self.choices)})", lit(self.reason()))]


def _real_date_sql(text: str) -> str:
    """A YYYY-MM-DD text (its shape already checked) that is a day of the calendar, as SQL."""
    return _real_day_sql(f"substr({text}, 1, 4)", f"substr({text}, 6, 2)", f"substr({text}, 9, 2)")


def _real_day_sql(year: str, month: str, day: str) -> str:
    """Year, month and day (texts of digits) that make a day of the calendar, as SQL."""
    y, m, d = (f"{part}::int" for part in (year, month, day))
    return (
        f"({y} BETWEEN 1 AND 9999 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND CASE "
        f"WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE "
        f"WHEN (mod({y}, 4) = 0 AND mod({y}, 100) <> 0) OR mod({y}, 400) = 0 THEN 29 ELSE 28 END ELSE 31 END)"
    )


class _Date(Kind):
    # Few distinct days in a file of many rows (a month's balances hold one): checked once each.
    per_value = True

    def parse(self, value):
        if _shape(value) == DATETIME_SHAPE and value.endswith(" 00:00:00"):
            value = value[:10]  # an Excel date cell
        if _shape(value) != DATE_SHAPE:
            raise ValueError(_("must be a date YYYY-MM-DD"))
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("is not a real date")) from None

    def sql_checks(self, cell):
        # An Excel date cell (YYYY-MM-DD 00:00:00) holds its date in its first ten characters too.
        excel = f"({shape(cell)} = '{DATETIME_SHAPE}' AND right({cell}, 9) = ' 00:00:00')"
        return [
            (f"NOT ({shape(cell)} = '{DATE_SHAPE}' OR {excel})", lit(_("must be a date YYYY-MM-DD"))),
            (f"NOT {_real_date_sql(cell)}", lit(_("is not a real date"))),
        ]

    def sql_value(self, cell):
        return f"left({cell}, 10)::date"


class _DateTime(Kind):
    def parse(self, value):
        if _shape(value) != DATETIME_SHAPE:
            raise ValueError(_("must be a date-time YYYY-MM-DD HH:MM:SS"))
        try:
            return datetime.datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
        except ValueError:
            raise ValueError(_("is not a real date-time")) from None

    def sql_checks(self, cell):
        hour, minute, second = (f"substr({cell}, {start}, 2)::int" for start in (12, 15, 18))
        return [
            (f"{shape(cell)} <> '{DATETIME_SHAPE}'", lit(_("must be a date-time YYYY-MM-DD HH:MM:SS"))),
            (
                f"NOT ({_real_date_sql(cell)} AND {hour} < 24 AND {minute} < 60 AND {second} < 60)",
                lit(_("is not a real date-time")),
            ),
        ]

    def sql_value(self, cell):
        return f"({cell}::timestamp AT TIME ZONE 'Asia/Shanghai')"


class _Number(_Regex):
    """A number of at most `whole` digits before the point and `decimals` after it (a minus sign
    if `signed`), then held to its bounds: each bound is (operator, limit, the reason when the
    value is not `operator` the limit), checked in order; a reason is translated only for a cell
    that breaks it. Python reads the shape with a regular expression, PostgreSQL with translate()
    and split_part() (a regular expression costs it about 1.3 µs a cell, these a third of that)."""

    whole_reason: Callable[[], str]
    convert: Callable[[str], Any] = Decimal
    cast = "numeric"

    def __init__(self, *, signed: bool, whole: int, decimals: int, bounds):
        fraction = rf"(\.[0-9]{{1,{decimals}}})?" if decimals else ""
        super().__init__(("-?" if signed else "") + rf"[0-9]{{1,{whole}}}" + fraction)
        self.signed, self.whole, self.decimals = signed, whole, decimals
        self.bounds = bounds

    def parse(self, value):
        if not self.matches(value):
            raise ValueError(self.whole_reason())
        result = self.convert(value)
        for op, limit, reason in self.bounds:
            if not _COMPARE[op](result, limit):
                raise ValueError(reason())
        return result

    def sql_shape_ok(self, cell: str) -> str:
        body = cell
        if self.signed:
            body = f"(CASE WHEN left({cell}, 1) = '-' THEN substr({cell}, 2) ELSE {cell} END)"
        if not self.decimals:
            return f"(char_length({body}) BETWEEN 1 AND {self.whole} AND {digits_removed(body)} = '')"
        return (
            f"({digits_removed(body)} IN ('', '.') AND char_length(split_part({body}, '.', 1)) "
            f"BETWEEN 1 AND {self.whole} AND (strpos({body}, '.') = 0 OR "
            f"char_length(split_part({body}, '.', 2)) BETWEEN 1 AND {self.decimals}))"
        )

    def sql_checks(self, cell):
        checks = [(f"NOT {self.sql_shape_ok(cell)}", lit(self.whole_reason()))]
        checks += [
            (f"NOT ({cell}::numeric {op} {lit(limit)})", lit(reason())) for op, limit, reason in self.bounds
        ]
        return checks

    def sql_value(self, cell):
        return f"{cell}::{self.cast}"


_COMPARE = {">": operator.gt, ">=": operator.ge, "<=": operator.le}


class amount(_Number):
    def __init__(self, *, minimum: Decimal | None = Decimal(0), strictly_positive: bool = False):
        bounds = []
        if strictly_positive:
            bounds.append((">", Decimal(0), lambda: _("must be greater than 0")))
        if minimum is not None:
            bounds.append((">=", minimum, lambda: _("must not be negative")))
        super().__init__(signed=True, whole=16, decimals=2, bounds=bounds)

    @staticmethod
    def whole_reason():
        return _("must be an amount in yuan with at most 2 decimals")


class integer(_Number):
    convert, cast = int, "bigint"

    def __init__(self, *, minimum: int | None = 0, maximum: int | None = None):
        bounds = []
        if minimum is not None:
            bounds.append((">=", minimum, lambda: _("must be at least %(minimum)d") % {"minimum": minimum}))
        if maximum is not None:
            bounds.append(("<=", maximum, lambda: _("must be at most %(maximum)d") % {"maximum": maximum}))
        super().__init__(signed=True, whole=18, decimals=0, bounds=bounds)

    @staticmethod
    def whole_reason():
        return _("must be a whole number")


class decimal_number(_Number):
    def __init__(self, *, greater_than: Decimal | None = None, at_least: Decimal | None = None):
        bounds = []
        if greater_than is not None:
            bounds.append(
                (">", greater_than, lambda: _("must be greater than %(limit)s") % {"limit": greater_than})
            )
        if at_least is not None:
            bounds.append((">=", at_least, lambda: _("must be at least %(limit)s") % {"limit": at_least}))
        super().__init__(signed=False, whole=14, decimals=4, bounds=bounds)

    @staticmethod
    def whole_reason():
        return _("must be a number")


class _Boolean(Kind):
    def parse(self, value):
        if value not in ("0", "1"):
            raise ValueError(_("must be 1 or 0"))
        return value == "1"

    def sql_checks(self, cell):
        return [(f"{cell} NOT IN ('0', '1')", lit(_("must be 1 or 0")))]

    def sql_value(self, cell):
        return f"({cell} = '1')"


def card_mask_sql(number: str) -> str:
    """pii.card_mask as SQL."""
    return f"(left({number}, 6) || repeat('*', char_length({number}) - 10) || right({number}, 4))"


def resident_id_mask_sql(number: str) -> str:
    """pii.resident_id_mask as SQL."""
    return f"(left({number}, 6) || '********' || upper(substr({number}, 15)))"


class _CardNumber(Kind):
    per_value = True

    def parse(self, value):
        if not (value.isascii() and value.isdigit()) or not 16 <= len(value) <= 19:
            raise ValueError(_("a card number must be 16 to 19 digits"))
        if not pii.luhn_valid(value):
            masked = pii.card_mask(value)
            raise ValueError(_("card number %(masked)s fails the Luhn check") % {"masked": masked})
        return value

    def sql_checks(self, cell):
        return [
            (
                f"(char_length({cell}) NOT BETWEEN 16 AND 19 OR {digits_removed(cell)} <> '')",
                lit(_("a card number must be 16 to 19 digits")),
            ),
            (
                f"NOT ebank_luhn_valid({cell})",
                text_around(_("card number %(masked)s fails the Luhn check"), "masked", card_mask_sql(cell)),
            ),
        ]


class _ResidentId(Kind):
    """An 18-character resident ID number; its checks are pii.resident_id_problem's."""

    per_value = True

    def parse(self, value):
        problem = pii.resident_id_problem(value)
        if problem == "check digit is wrong":
            masked = pii.resident_id_mask(value)
            raise ValueError(_("the check digit of ID number %(masked)s is wrong") % {"masked": masked})
        if problem is not None:
            raise ValueError(_("ID number: %(problem)s") % {"problem": _(problem)})
        return value.upper()

    def sql_checks(self, cell):
        def problem(reason):
            return lit(_("ID number: %(problem)s") % {"problem": _(reason)})

        body, check = f"left({cell}, 17)", f"upper(substr({cell}, 18, 1))"
        year, month, day = f"substr({cell}, 7, 4)", f"substr({cell}, 11, 2)", f"substr({cell}, 13, 2)"
        return [
            (f"char_length({cell}) <> 18", problem("must be 18 characters")),
            (
                f"({digits_removed(body)} <> '' OR {check} NOT IN ({_DIGITS_OR_X}))",
                problem("must be 17 digits and a digit or X"),
            ),
            (f"NOT {_real_day_sql(year, month, day)}", problem("birth date is not a date")),
            (
                # YYYYMMDD texts compare as their days do.
                f"({year}::int < 1900 OR substr({cell}, 7, 8) > to_char(%(today)s::date, 'YYYYMMDD'))",
                problem("birth date is out of range"),
            ),
            (
                f"{check} <> ebank_resident_id_check({body})",
                text_around(
                    _("the check digit of ID number %(masked)s is wrong"),
                    "masked",
                    resident_id_mask_sql(cell),
                ),
            ),
        ]

    def sql_value(self, cell):
        return f"upper({cell})"


date = _Date()
date_time = _DateTime()
boolean = _Boolean()
card_number = _CardNumber()
resident_id = _ResidentId()
