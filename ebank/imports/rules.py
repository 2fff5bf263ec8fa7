"""An extract's own rules and derived values, declared once for both ways of reading a file.

A rule names the column it is reported under, its reason, and when a row breaks it, written with
`col`: `Rule("sms_since", gettext_noop("required when sms_alert is 1"),
col("sms_alert").is_true() & col("sms_since").is_null())`. The engine tests it on each parsed row
in Python (SQLite) and as one SQL condition over the whole staging table (PostgreSQL). A comparison
with an empty (None/NULL) value is false in both, so the two agree on every row.

A derived value (a keyed hash, a masked number, a transaction's date) is computed the same way.
Rules run only on rows whose every cell was read; their reasons are translated when reported.
"""

import datetime
import operator
from typing import Any, Callable

from django.utils.translation import gettext as _

from ebank import pii

from .columns import SHANGHAI, card_mask_sql, resident_id_mask_sql
from .sql import lit

Ref = Callable[[str], str]  # a column's name -> the SQL expression of its typed value


def reason_text(reason) -> str:
    """A rule's reason in the language of the request (gettext_noop strings and lazy ones)."""
    return _(reason) if isinstance(reason, str) else str(reason)


class Cond:
    def test(self, values: dict[str, Any]) -> bool:
        raise NotImplementedError

    def sql(self, ref: Ref) -> str:
        """A boolean SQL expression that is never NULL."""
        raise NotImplementedError

    def __and__(self, other: "Cond") -> "Cond":
        return _Both(self, other)

    def __or__(self, other: "Cond") -> "Cond":
        return _Either(self, other)

    def __invert__(self) -> "Cond":
        return _Not(self)


class _Both(Cond):
    def __init__(self, left, right):
        self.left, self.right = left, right

    def test(self, values):
        return self.left.test(values) and self.right.test(values)

    def sql(self, ref):
        return f"({self.left.sql(ref)} AND {self.right.sql(ref)})"


class _Either(_Both):
    def test(self, values):
        return self.left.test(values) or self.right.test(values)

    def sql(self, ref):
        return f"({self.left.sql(ref)} OR {self.right.sql(ref)})"


class _Not(Cond):
    def __init__(self, cond):
        self.cond = cond

    def test(self, values):
        return not self.cond.test(values)

    def sql(self, ref):
        return f"(NOT {self.cond.sql(ref)})"


_OPERATORS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt}


class _Compare(Cond):
    def __init__(self, op: str, name: str, other):
        self.op, self.name, self.other = op, name, other

    def _other(self, values):
        return values[self.other.name] if isinstance(self.other, col) else self.other

    def test(self, values):
        left, right = values[self.name], self._other(values)
        return left is not None and right is not None and _OPERATORS[self.op](left, right)

    def sql(self, ref):
        right = ref(self.other.name) if isinstance(self.other, col) else lit(self.other)
        return f"COALESCE({ref(self.name)} {self.op} {right}, FALSE)"


class _IsNull(Cond):
    def __init__(self, name):
        self.name = name

    def test(self, values):
        return values[self.name] is None

    def sql(self, ref):
        return f"({ref(self.name)} IS NULL)"


class _In(Cond):
    def __init__(self, name, choices):
        self.name, self.choices = name, tuple(choices)

    def test(self, values):
        return values[self.name] is not None and values[self.name] in self.choices

    def sql(self, ref):
        if not self.choices:
            return "FALSE"
        return f"COALESCE({ref(self.name)} IN ({', '.join(lit(c) for c in self.choices)}), FALSE)"


class col:
    """A column's parsed value in a rule."""

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other) -> Cond:  # type: ignore[override]
        return _Compare("=", self.name, other)

    def __ne__(self, other) -> Cond:  # type: ignore[override]
        return _Compare("<>", self.name, other)

    def __lt__(self, other) -> Cond:
        return _Compare("<", self.name, other)

    def __gt__(self, other) -> Cond:
        return _Compare(">", self.name, other)

    __hash__ = None  # type: ignore[assignment]

    def is_null(self) -> Cond:
        return _IsNull(self.name)

    def not_null(self) -> Cond:
        return _Not(_IsNull(self.name))

    def is_true(self) -> Cond:
        return _Compare("=", self.name, True)

    def in_(self, choices) -> Cond:
        return _In(self.name, choices)


class Rule:
    """A row breaks the rule when `when` holds; it is reported under `column` with `reason`."""

    def __init__(self, column: str, reason, when: Cond):
        self.column, self.reason, self.when = column, reason, when


def end_date_rules(*, status: str, end: str, start: str, required, only, before) -> list[Rule]:
    """The rules of a row that can end (a card closed, a terminal removed, a merchant terminated):
    its `end` date is given when, and only when, its status is `status`, and is not before its
    `start`; the reasons are the extract's own words."""
    return [
        Rule(end, required, (col("status") == status) & col(end).is_null()),
        Rule(end, only, (col("status") != status) & col(end).not_null()),
        Rule(end, before, col(end) < col(start)),
    ]


# -- derived values --------------------------------------------------------------------------


class Derived:
    """A staging value computed from a parsed column: `python(value)` and `sql(expression)`; an
    empty column gives `empty`."""

    def __init__(self, name: str, *, empty=None):
        self.name, self.empty = name, empty

    def value(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        return self.empty if value is None else self.python(value)

    def sql_value(self, ref: Ref, computed: str | None = None) -> str:
        """As SQL; `computed` is the expression of self.sql() when it was computed beforehand (once
        per distinct value of the column: indatabase.py)."""
        expression = computed or self.sql(ref(self.name))
        return expression if self.empty is None else f"COALESCE({expression}, {lit(self.empty)})"

    def python(self, value):
        raise NotImplementedError

    def sql(self, expression: str) -> str:
        raise NotImplementedError


class Hashed(Derived):
    """The keyed hash (pii.keyed_hash); in PostgreSQL pgcrypto's hmac() with the key a parameter."""

    def python(self, value):
        return pii.keyed_hash(value)

    def sql(self, expression):
        return f"encode(hmac({expression}, %(hash_key)s, 'sha256'), 'hex')"


class ResidentIdHashed(Hashed):
    def python(self, value):
        return pii.resident_id_hash(value)

    def sql(self, expression):
        return super().sql(f"upper({expression})")


class CardMasked(Derived):
    def python(self, value):
        return pii.card_mask(value)

    def sql(self, expression):
        return card_mask_sql(expression)


class ResidentIdMasked(Derived):
    def python(self, value):
        return pii.resident_id_mask(value)

    def sql(self, expression):
        return resident_id_mask_sql(expression)


class Last4(Derived):
    def python(self, value):
        return value[-4:]

    def sql(self, expression):
        return f"right({expression}, 4)"


class DateOf(Derived):
    """The day of a moment, in China's time."""

    def python(self, value: datetime.datetime):
        return value.astimezone(SHANGHAI).date()

    def sql(self, expression):
        return f"({expression} AT TIME ZONE 'Asia/Shanghai')::date"


class Choose:
    """`value` when `when` holds, else the column `otherwise` (a default that depends on the row)."""

    def __init__(self, when: Cond, value, otherwise: str):
        self.when, self.value_, self.otherwise = when, value, otherwise

    def value(self, values):
        return self.value_ if self.when.test(values) else values[self.otherwise]

    def sql_value(self, ref):
        return f"(CASE WHEN {self.when.sql(ref)} THEN {lit(self.value_)} ELSE {ref(self.otherwise)} END)"


__all__ = [
    "Choose",
    "CardMasked",
    "DateOf",
    "Hashed",
    "Last4",
    "ResidentIdHashed",
    "ResidentIdMasked",
    "Rule",
    "col",
    "end_date_rules",
    "reason_text",
]
