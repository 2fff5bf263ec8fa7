"""Partitioning measured both ways: the month-end balances (the biggest table) as the app keeps
them, one table, beside the same rows in a table partitioned by month (RANGE on as_of), both
built here from the imported rows, with the app's columns and the indexes each needs.

- plain: primary key (id), unique (card_id, as_of), index (as_of, card_id), as cards.CardBalance;
- partitioned: primary key (id, as_of) and unique (card_id, as_of), per month; no (as_of, card_id)
  index, since a month is a partition of its own.

Measured on each: a month's import (INSERT of the last month's rows, with every earlier month in
the table), a snapshot's sum (what the figures read without their rollup), a card's balances (its
page), and the removal of the oldest month (DELETE against DETACH and DROP of its partition).
Partitioning pays where the partitioned table takes less time (a ratio under 1×).
"""

import datetime
import time

from django.db import connection, transaction

from ebank.dates import next_month_start

from .report import MET, NOT_JUDGED, NOT_MET, Line, Report, median, seconds

PLAIN, PARTED = "bench_balance_plain", "bench_balance_parted"
COLUMNS = "id, card_id, as_of, balance"


def _run(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _timed(sql: str, params=()) -> float:
    """One statement, committed (its WAL flushed), in seconds."""
    started = time.perf_counter()
    with transaction.atomic():
        _run(sql, params)
    return time.perf_counter() - started


def _build(months: list[datetime.date]) -> None:
    _run(f"DROP TABLE IF EXISTS {PLAIN}, {PARTED}")
    _run(
        f"CREATE TABLE {PLAIN} (id bigint PRIMARY KEY, card_id bigint NOT NULL, as_of date NOT NULL, "
        f"balance numeric(18, 2) NOT NULL, UNIQUE (card_id, as_of))"
    )
    _run(f"CREATE INDEX {PLAIN}_as_of_card ON {PLAIN} (as_of, card_id)")
    _run(
        f"CREATE TABLE {PARTED} (id bigint NOT NULL, card_id bigint NOT NULL, as_of date NOT NULL, "
        f"balance numeric(18, 2) NOT NULL, PRIMARY KEY (id, as_of), UNIQUE (card_id, as_of)) "
        f"PARTITION BY RANGE (as_of)"
    )
    for month in months:
        first = month.replace(day=1)
        _run(
            f"CREATE TABLE {PARTED}_{first:%Y%m} PARTITION OF {PARTED} FOR VALUES FROM (%s) TO (%s)",
            [first, next_month_start(first)],
        )


def _line(key: str, label: str, parted: float, plain: float, data: dict) -> Line:
    ratio = parted / plain if plain > 0 else float("inf")
    return Line(
        key=f"partitions:{key}",
        label=f"partitioned by month: {label}",
        value=seconds(parted),
        reference=f"one table {seconds(plain)}",
        ratio=ratio,
        goal="< 1×: partitioning pays",
        status=MET if ratio < 1 else NOT_MET,
        data={**data, "seconds": parted, "reference_seconds": plain},
    )


def partitions_measure(*, report: Report, repeats: int, log) -> None:
    """Build both tables from the imported balances, measure each operation on both, drop them."""
    from cards.models import CardBalance

    table = CardBalance._meta.db_table
    months = [day for (day,) in _run(f"SELECT DISTINCT as_of FROM {table} ORDER BY 1")]
    if len(months) < 2:
        report.add(
            Line(
                "partitions",
                "partitioned by month",
                "—",
                "—",
                None,
                "< 1×",
                NOT_JUDGED,
                "fewer than 2 months",
            )
        )
        return
    last, oldest = months[-1], months[0]
    [(rows,)] = _run(f"SELECT COUNT(*) FROM {table} WHERE as_of = %s", [last])
    log(f"partitioning: the {len(months)} months of balances in one table and partitioned by month")
    try:
        _build(months)
        for target in (PLAIN, PARTED):
            _run(f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {table} WHERE as_of < %s", [last])
            _run(f"ANALYZE {target}")
        _run("CHECKPOINT")
        log(f"partitioning: a month's import ({rows:,} rows) into each")
        timings = {}
        for target in (PLAIN, PARTED):
            timings[target] = _timed(
                f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {table} WHERE as_of = %s", [last]
            )
            _run(f"ANALYZE {target}")
        report.add(
            _line(
                "import",
                f"a month's import ({rows:,} rows, {len(months) - 1} months before it)",
                timings[PARTED],
                timings[PLAIN],
                {"rows": rows, "months": len(months)},
            )
        )
        cards = [card for (card,) in _run(f"SELECT card_id FROM {table} WHERE as_of = %s LIMIT 200", [last])]
        for key, label, sql, params in (
            ("snapshot", "a snapshot's sum", "SELECT SUM(balance) FROM {t} WHERE as_of = %s", [last]),
            (
                "card",
                f"the balances of {len(cards)} cards, one by one",
                "SELECT as_of, balance FROM {t} WHERE card_id = ANY(%s) ORDER BY card_id, as_of",
                [cards],
            ),
        ):
            measured = {}
            for target in (PLAIN, PARTED):
                _run(sql.format(t=target), params)  # warm
                measured[target] = median(
                    [_timed(sql.format(t=target), params) for _ in range(max(repeats, 3))]
                )
            report.add(_line(key, label, measured[PARTED], measured[PLAIN], {}))
        log("partitioning: the removal of the oldest month")
        partition = f"{PARTED}_{oldest:%Y%m}"
        removal = {
            PLAIN: _timed(f"DELETE FROM {PLAIN} WHERE as_of = %s", [oldest]),
            PARTED: _timed(f"ALTER TABLE {PARTED} DETACH PARTITION {partition}; DROP TABLE {partition}"),
        }
        report.add(
            _line(
                "removal",
                f"removal of the oldest month ({oldest:%Y-%m})",
                removal[PARTED],
                removal[PLAIN],
                {},
            )
        )
    finally:
        _run(f"DROP TABLE IF EXISTS {PLAIN}, {PARTED}")
