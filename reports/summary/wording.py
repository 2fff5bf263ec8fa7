"""Figures written as the department writes them in its summary: counts with their measure word
(143163张), amounts in 万元 or 亿元 (元 for small ones), percentages with two decimals; tables use
thousands separators (143,163)."""

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
CENT = Decimal("0.01")


def _plain(value: Decimal) -> str:
    """A decimal rounded half-up to two places, without trailing zeros: 36509.30 → 36509.3."""
    text = f"{value.quantize(CENT, ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _grouped(value: Decimal) -> str:
    text = _plain(value)
    whole, _dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}"
    return sign + grouped + (f".{fraction}" if fraction else "")


def number(value: Decimal) -> str:
    """A plain number without trailing zeros: 40.00 → 40."""
    return _plain(Decimal(value))


def count(value: int, unit: str = "") -> str:
    """143163张."""
    return f"{value}{unit}"


def households(value: int) -> str:
    """Households as the department counts them: 17万户, 111万户; 1185户 below ten thousand."""
    if value >= 100_000 and value % 10_000 == 0:
        return f"{value // 10_000}万户"
    return f"{value}户"


def money(amount: Decimal) -> str:
    """An amount in yuan, written in 亿元 from ten 亿 up, in 万元 from ten 万 up, else in 元
    (手续费收入16459元, 交易金额5365.99万元, 资金14亿元)."""
    amount = Decimal(amount)
    if abs(amount) >= 10 * YI:
        return f"{_plain(amount / YI)}亿元"
    if abs(amount) >= 10 * WAN:
        return f"{_plain(amount / WAN)}万元"
    return f"{_plain(amount)}元"


def whole_yuan(amount: Decimal) -> str:
    """An average in whole yuan: 2550.19 → 2550元."""
    return f"{Decimal(amount).quantize(Decimal(1), ROUND_HALF_UP)}元"


def percent(value: Decimal | None) -> str:
    """103.14%."""
    return "—" if value is None else f"{Decimal(value).quantize(CENT, ROUND_HALF_UP)}%"


def share(part, whole) -> Decimal | None:
    """part / whole in %, rounded half-up to two decimals; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def change(now, before, *, amount: bool = False, unit: str = "", against: str = "上年") -> str | None:
    """Compared with the previous year (a flow) or its end (a stock, against="上年末"):
    比上年增加26886张，增长76.83%. None without a previous figure."""
    if not before:
        return None
    difference = Decimal(now) - Decimal(before)
    if difference == 0:
        return f"与{against}持平"
    verb, growth = ("增加", "增长") if difference > 0 else ("减少", "下降")
    size = money(abs(difference)) if amount else f"{abs(difference)}{unit}"
    return f"比{against}{verb}{size}，{growth}{percent(abs(difference) * 100 / Decimal(before))}"


def table_count(value: int) -> str:
    """143,163."""
    return f"{value:,}"


def table_wan(amount: Decimal) -> str:
    """An amount in 万元 for a table column headed 万元: 36,509.3."""
    return _grouped(Decimal(amount) / WAN)


def table_yuan(amount: Decimal) -> str:
    return _grouped(Decimal(amount))


def table_change(now, before) -> str:
    """The growth column of a table: +76.83%, +1,179.86%, or — without a previous figure."""
    if not before:
        return "—"
    growth = ((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(CENT, ROUND_HALF_UP)
    return f"{'+' if growth >= 0 else '-'}{abs(growth):,.2f}%"
