"""Small pieces of SQL (PostgreSQL) the column kinds and the rules are written with.

The statements they go into are run with named parameters (the hash key, today's date), so a
literal's `%` is doubled here.
"""

import datetime
from decimal import Decimal

# What Python's str.strip() removes: every character for which str.isspace() is true.
WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())


def lit(value) -> str:
    """A Python value as an SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, Decimal)):
        return f"{value}"
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    text = str(value).replace("'", "''").replace("%", "%%")
    if "\\" in text or any(ord(ch) < 32 for ch in text):
        escaped = "".join(
            "\\\\" if ch == "\\" else (f"\\u{ord(ch):04x}" if ord(ch) < 32 else ch) for ch in text
        )
        return f"E'{escaped}'"
    return f"'{text}'"


def strip(expression: str) -> str:
    """str.strip() as SQL. A text that begins and ends with a printable ASCII character (nearly
    every cell) has nothing to strip: that is told from two character codes, where btrim() with
    this many characters to strip costs about 0.7 µs a cell (half a county's balances' read)."""
    printable = f"ascii({expression}) BETWEEN 33 AND 126 AND ascii(right({expression}, 1)) BETWEEN 33 AND 126"
    return f"(CASE WHEN {printable} THEN {expression} ELSE btrim({expression}, {lit(WHITESPACE)}) END)"


def shape(expression: str) -> str:
    """The text with each ASCII digit written 9: a date's shape is 9999-99-99."""
    return f"translate({expression}, '0123456789', '9999999999')"


def digits_removed(expression: str) -> str:
    """The text without its ASCII digits: empty for a string of digits."""
    return f"translate({expression}, '0123456789', '')"


def text_around(message: str, name: str, expression: str) -> str:
    """A translated message with one `%(name)s` filled by an SQL expression."""
    marker = "\x00"
    before, _, after = (message % {name: marker}).partition(marker)
    return f"({lit(before)} || {expression} || {lit(after)})"
