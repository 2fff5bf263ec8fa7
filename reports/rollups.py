"""Rollups: the biggest sources of the figures summed per branch and day (models.DailyTotal), as
Zulip's analytics keeps its counts. A quarter's figures then read thousands of rows, not the
millions of balances and transactions behind them.

Each rollup is declared once here. Its rows are always the source's own aggregates, recomputed
from the source, never adjusted by differences: an import that writes a source recomputes every
day its rows were or now are on, and an import that moves a record (a terminal, a customer, a
card, a service point) to another branch or kind recomputes every day of that record's rows.
Both in the import's own transaction (the engine runs `kept` around each write), so the figures
never see a source and its rollup apart. Nothing else writes these sources or those fields: the
admin shows them read-only, and the demo loader and a migration call `daily_totals_rebuild`.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Count, DateTimeField, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ebank.dates import local_days, next_month_start
from ebank.imports.engine import lock_until_commit
from ebank.imports.spec import CHANGED, CREATED


def _daily_totals():
    # By name: models.py reads metrics.py, which reads this module.
    return apps.get_model("reports", "DailyTotal")


# The first key of the advisory lock one rollup's recomputation holds (the import engine's is 20_0101).
LOCK_CLASS = 20_0102

# A move of more records than this recomputes the source's every day (one statement) rather than
# listing them.
MANY_MOVED = 1000


@dataclass(frozen=True)
class Rollup:
    """A source summed per branch and day: `model`'s rows, dated by `day` (a date, or a date-time
    taken on its local day), on the branch of their `record` (the referenced terminal, customer,
    card or service point), by the record's `kind` and the row's `type` when given; the number of
    rows, and the sums of their `amount` and `fee`."""

    name: str
    model: str
    day: str
    record: str
    kind: str = ""
    type: str = ""
    amount: str = "amount"
    fee: str = ""
    # Flows also keep a row per month (the sums of its days, named "<name>:month"): a year's figures
    # read its whole months from these, and only the days of the month not yet over.
    monthly: bool = True

    @property
    def month_name(self) -> str:
        return f"{self.name}:month"

    @property
    def fact(self):
        return apps.get_model(self.model)

    @property
    def record_model(self):
        return self.fact._meta.get_field(self.record).related_model

    @property
    def timed(self) -> bool:
        return isinstance(self.fact._meta.get_field(self.day), DateTimeField)

    def local_day(self, value) -> datetime.date:
        """A value of the date column (as the database gives it) as a local day."""
        if not self.timed:
            return parse_date(value) if isinstance(value, str) else value
        if isinstance(value, str):  # SQLite: a staging table's text, in UTC
            value = parse_datetime(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.timezone.utc)
        return timezone.localtime(value, timezone.get_default_timezone()).date()

    def rows_between(self, first: datetime.date, last: datetime.date) -> QuerySet:
        """The source's rows dated from `first` to `last` (local days), both included."""
        if self.timed:
            start, end = local_days(first, last)
            return self.fact._default_manager.filter(**{f"{self.day}__gte": start, f"{self.day}__lt": end})
        return self.fact._default_manager.filter(**{f"{self.day}__gte": first, f"{self.day}__lte": last})

    def totals(self, rows: QuerySet) -> QuerySet:
        """`rows` summed per day, branch, kind and type, named as DailyTotal's columns."""
        day = TruncDate(self.day, tzinfo=timezone.get_default_timezone()) if self.timed else F(self.day)
        blank = Value("")
        zero = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))
        return (
            rows.order_by()
            .values(
                day_=day,
                branch_=F(f"{self.record}__branch"),
                kind_=F(f"{self.record}__{self.kind}") if self.kind else blank,
                type_=F(self.type) if self.type else blank,
            )
            .annotate(
                number_=Count("pk"),
                amount_=Coalesce(Sum(self.amount), zero),
                fee_=Coalesce(Sum(self.fee), zero) if self.fee else zero,
            )
        )

    def daily(self, first: datetime.date, last: datetime.date) -> QuerySet:
        """The rollup's rows from `first` to `last`, both included."""
        return _daily_totals().objects.filter(source=self.name, day__gte=first, day__lte=last)

    def flow(self, first: datetime.date, last: datetime.date) -> QuerySet:
        """The rollup's rows that add up to the days from `first` (the first of a month) to
        `last`: the whole months' rows, then the days of the last month if it is not over."""
        over = (last + datetime.timedelta(days=1)).day == 1
        cut = next_month_start(last) if over else last.replace(day=1)
        return _daily_totals().objects.filter(
            Q(source=self.month_name, day__gte=first, day__lt=cut)
            | Q(source=self.name, day__gte=cut, day__lte=last)
        )


TERMINAL_TXNS = Rollup(
    "terminal_txns",
    "terminals.TerminalTxn",
    day="txn_at",
    record="terminal",
    kind="kind",
    type="txn_type",
    fee="fee",
)
TRANSFERS = Rollup(
    "transfers", "netbanking.Transfer", day="txn_at", record="customer", kind="kind", type="channel"
)
SERVICE_POINT_TXNS = Rollup(
    "service_point_txns", "terminals.ServicePointTxn", day="txn_at", record="point", type="txn_type"
)
# Every card of a snapshot, in force or not on the day asked (metrics.py takes out those not).
CARD_BALANCES = Rollup(
    "card_balances", "cards.CardBalance", day="as_of", record="card", amount="balance", monthly=False
)
ROLLUPS = [TERMINAL_TXNS, TRANSFERS, SERVICE_POINT_TXNS, CARD_BALANCES]


def daily_totals_recompute(*, rollup: Rollup, first: datetime.date, last: datetime.date) -> None:
    """Recompute the rollup's days from `first` to `last` from its source.

    On PostgreSQL, one transaction at a time recomputes a rollup, until it ends: imports of two
    kinds may touch one rollup (terminal transactions and terminals), and the second, waiting
    here, then deletes and sums what the first committed instead of colliding with its rows."""
    lock_until_commit(LOCK_CLASS, rollup.name)
    daily_totals = _daily_totals()
    daily_totals.objects.filter(source=rollup.name, day__gte=first, day__lte=last).delete()
    sql, params = rollup.totals(rollup.rows_between(first, last)).query.sql_with_params()
    _insert(rollup.name, sql, params)
    if rollup.monthly:
        first, last = first.replace(day=1), next_month_start(last) - datetime.timedelta(days=1)
        daily_totals.objects.filter(source=rollup.month_name, day__gte=first, day__lte=last).delete()
        months = (
            rollup.daily(first, last)
            .order_by()
            .values(day_=TruncMonth("day"), branch_=F("branch"), kind_=F("kind"), type_=F("type"))
            .annotate(number_=Sum("number"), amount_=Sum("amount"), fee_=Sum("fee"))
        )
        _insert(rollup.month_name, *months.query.sql_with_params())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a small table: its plans follow its rows at once
            cursor.execute(f"ANALYZE {daily_totals._meta.db_table}")


def _insert(source: str, sql: str, params) -> None:
    """Insert the rows of a query whose columns are named as DailyTotal's, with a trailing _."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_daily_totals()._meta.db_table} "
            f"(source, day, branch_id, kind, type, number, amount, fee) "
            f"SELECT %s, day_, branch_, kind_, type_, number_, amount_, fee_ FROM ({sql}) AS totals",
            [source, *params],
        )


def daily_totals_rebuild() -> None:
    """Recompute every rollup over every day of its source (a database filled another way)."""
    for rollup in ROLLUPS:
        span = _span(rollup, rollup.fact._default_manager.all())
        _daily_totals().objects.filter(source__in=[rollup.name, rollup.month_name]).delete()
        if span:
            daily_totals_recompute(rollup=rollup, first=span[0], last=span[1])


@contextmanager
def kept(extract, staging):
    """Around an import's write (the engine's hook): note the days the write will touch, let it
    write, then recompute those days of each rollup it touches."""
    touched = []
    for rollup in ROLLUPS:
        if extract.model is rollup.fact:
            spans = _written(rollup, staging)
        elif extract.model is rollup.record_model:
            spans = _moved(rollup, extract, staging)
        else:
            continue
        spans = [span for span in spans if span]
        if spans:
            touched.append((rollup, min(s[0] for s in spans), max(s[1] for s in spans)))
    yield
    for rollup, first, last in touched:
        daily_totals_recompute(rollup=rollup, first=first, last=last)


def _span(rollup: Rollup, rows: QuerySet) -> tuple[datetime.date, datetime.date] | None:
    """The first and last local day of `rows`, or None when there are none."""
    found = rows.aggregate(first=Min(rollup.day), last=Max(rollup.day))
    if found["first"] is None:
        return None
    return rollup.local_day(found["first"]), rollup.local_day(found["last"])


def _written(rollup: Rollup, staging) -> list:
    """The days an import of the source writes: its new rows' and its changed rows', as they
    were and as they will be."""
    column = rollup.fact._meta.get_field(rollup.day).attname
    [(first, last)] = staging.fetch(
        f"SELECT MIN({column}), MAX({column}) FROM {staging.table} WHERE action IN (%s, %s)",
        [CREATED, CHANGED],
    )
    new = (rollup.local_day(first), rollup.local_day(last)) if first is not None else None
    changed = RawSQL(f"SELECT target_id FROM {staging.table} WHERE action = %s", [CHANGED])
    return [new, _span(rollup, rollup.fact._default_manager.filter(pk__in=changed))]


def _moved(rollup: Rollup, extract, staging) -> list:
    """The days of the source's rows whose record an import of the records moves to another
    branch (or kind)."""
    fields = [name for name in ("branch_id", rollup.kind) if name and name in extract.fields]
    if not fields:
        return []
    differs = " OR ".join(f"t.{name} <> s.{name}" for name in fields)
    moved_sql = (
        f"SELECT s.target_id FROM {staging.table} AS s JOIN {staging.target} AS t ON t.id = s.target_id "
        f"WHERE s.action = %s AND ({differs})"
    )
    moved = [row[0] for row in staging.fetch(f"{moved_sql} LIMIT {MANY_MOVED + 1}", [CHANGED])]
    if not moved:
        return []
    rows = rollup.fact._default_manager.all()
    if len(moved) <= MANY_MOVED:
        rows = rows.filter(**{f"{rollup.record}_id__in": moved})
    return [_span(rollup, rows)]


def daily_totals_differences() -> list[tuple]:
    """Where the rollups differ from their sources' own aggregates: (source, day, branch, kind,
    type, kept, recomputed) for each row that differs (a month's row against its days' sums);
    none when they agree."""
    differences = []
    for rollup in ROLLUPS:
        fresh = {
            (r["day_"], r["branch_"], r["kind_"], r["type_"]): (r["number_"], r["amount_"], r["fee_"])
            for r in rollup.totals(rollup.fact._default_manager.all())
        }
        expected = {rollup.name: fresh}
        if rollup.monthly:
            months: dict = {}
            for (day, *rest), values in fresh.items():
                key = (day.replace(day=1), *rest)
                months[key] = tuple(a + b for a, b in zip(months.get(key, (0, 0, 0)), values))
            expected[rollup.month_name] = months
        for source, rows in expected.items():
            kept_rows = {
                (r.day, r.branch_id, r.kind, r.type): (r.number, r.amount, r.fee)
                for r in _daily_totals().objects.filter(source=source)
            }
            for key in sorted(kept_rows.keys() | rows.keys(), key=str):
                if kept_rows.get(key) != rows.get(key):
                    differences.append((source, *key, kept_rows.get(key), rows.get(key)))
    return differences


__all__ = ["ROLLUPS", "Rollup", "daily_totals_rebuild", "daily_totals_recompute", "kept"]
