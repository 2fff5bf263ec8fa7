"""Numbers as the department writes them — one module for pages, charts, PDF, XLSX, CSV and DOCX.

    count(143163, "张")         143,163 张
    amount(Decimal("1234.5"))    1,234.50
    wan(Decimal("365093000"))   36,509.30      (万元: ten thousand yuan)
    percent(Decimal("103.137")) 103.14%

A count is a whole number with thousands separators; an amount has two decimals, in 元 or in 万元
(a column keeps one unit); a percentage has two decimals. A metric's value (reports/metrics.py)
is written by `metric_value`, in the unit its tables use. Labels and units follow the active
language: a Chinese page never shows a metric's code, an English one never a Chinese unit.

The XLSX number formats at the end give a spreadsheet the same look while its cells stay numbers.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

TWO = Decimal("0.01")
WAN = Decimal(10000)

# The counting words of the registry, and their English.
MEASURES_EN = {
    "张": "cards",
    "台": "terminals",
    "户": "customers",
    "笔": "transactions",
    "个": "points",
    "件": "tickets",
}


def chinese() -> bool:
    """Whether the active language is Chinese (the default)."""
    return (get_language() or "zh-hans").startswith("zh")


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def count(value, measure: str = "") -> str:
    """A whole number with thousands separators, and its counting word (张, 台 …) if given."""
    text = f"{int(_decimal(value).to_integral_value(ROUND_HALF_UP)):,}"
    return f"{text} {unit_of_measure(measure)}" if measure else text


def unit_of_measure(measure: str) -> str:
    """A counting word in the active language (张 in Chinese, "cards" in English)."""
    return measure if chinese() else MEASURES_EN.get(measure, "")


def amount(value, places: int = 2) -> str:
    """An amount in yuan with thousands separators and fixed decimals: 1,234.50."""
    quantum = Decimal(1).scaleb(-places)
    return f"{_decimal(value).quantize(quantum, ROUND_HALF_UP):,.{places}f}"


def wan(value, places: int = 2) -> str:
    """An amount in yuan written in 万元 (ten thousand yuan): 365093000 → 36,509.30."""
    return amount(_decimal(value) / WAN, places)


def percent(value, places: int = 2) -> str:
    """A percentage (the value is already in per cent): 103.14%."""
    return f"{amount(value, places)}%"


def score(value) -> str:
    """Points of the assessment: two decimals."""
    return amount(value)


def yuan_unit() -> str:
    return _("yuan")


def wan_unit() -> str:
    return _("10k yuan")


def metric_label(metric) -> str:
    """A metric's name in the active language, never its code."""
    return metric.label if chinese() else metric.label_en


def metric_unit(metric) -> str:
    """The unit a metric's values are written in: 万元 for amounts (元 for small ones and
    averages), the counting word for counts."""
    if metric.amount:
        return yuan_unit() if metric.in_yuan else wan_unit()
    if metric.unit == "percent":
        return "%"
    return unit_of_measure(metric.measure)


def metric_number(metric, value) -> str:
    """A metric's value without its unit, in the unit of `metric_unit`."""
    if metric.amount:
        return amount(value) if metric.in_yuan else wan(value)
    if metric.unit == "percent":
        return amount(value)
    return count(value)


def metric_value(metric, value) -> str:
    """A metric's value with its unit: 143,163 张, 36,509.30 万元, 95.42 元."""
    unit = metric_unit(metric)
    number = metric_number(metric, value)
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}" if unit else number


def metric_scaled(metric, value) -> Decimal:
    """A metric's value as a number in the unit of `metric_unit` (for a chart's bar or a cell)."""
    value = _decimal(value)
    if metric.amount and not metric.in_yuan:
        return (value / WAN).quantize(TWO, ROUND_HALF_UP)
    return value


# XLSX number formats: the cell keeps its number, the sheet shows it as the pages do.
XLSX_COUNT = "#,##0"
XLSX_AMOUNT = "#,##0.00"
XLSX_PERCENT = '#,##0.00"%"'  # the value is already in per cent


def xlsx_format(metric) -> str:
    """The number format of a metric's cells (a target, an actual)."""
    return XLSX_AMOUNT if metric.amount else XLSX_COUNT
