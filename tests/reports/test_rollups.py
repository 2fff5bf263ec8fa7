"""The rollups (reports/rollups.py) the figures read instead of the millions of rows they sum: after
random imports, corrections and re-imports, every rollup row equals its source's own aggregate,
and every metric of every scope equals the hand-written SQL over the source tables."""

import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from cards.models import CardBalance
from ebank.dates import in_force_q
from ebank.imports.engine import extract_import
from ebank.org.models import Branch
from ebank.org.scoping import branch_subtree_ids
from reports.models import DailyTotal
from reports.rollups import daily_totals_differences, daily_totals_rebuild
from reports.selectors import figures, figures_for_branches
from tools.bench.dataset import END, YEAR, dataset_generate
from tools.bench.scales import Scale

SCALE = Scale(
    name="rollups",
    unions=3,
    sub_branches=2,
    cards=240,
    months=3,
    merchants=15,
    pos=24,
    atms=6,
    terminal_txns=500,
    customers=60,
    transfers=300,
    memory_rows=(1, 2),
    repeats=1,
    page_requests=1,
    api_seconds=0.1,
)
ORDER = [
    "branches",
    "cards",
    "card_balances",
    "merchants",
    "terminals",
    "terminal_txns",
    "netbank_customers",
    "netbank_transfers",
    "service_points",
    "service_point_txns",
]
# The days the figures are compared on: the year's end, a day inside a month (a part of its flows,
# the snapshot before it, cards closed since), a month's end.
DAYS = [END, datetime.date(YEAR, 11, 20), datetime.date(YEAR, 10, 31)]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _service_points(directory: Path, rng: random.Random, codes: list[str]) -> dict[str, Path]:
    """The two service-point extracts (the bench's data set has none)."""
    points = [
        {
            "point_no": f"ZN{i:06d}",
            "name": f"第{i}村服务点",
            "branch_code": rng.choice(codes),
            "village": f"第{i}村",
            "device": "pos",
            "opened_on": "2023-01-01",
            "status": "active",
            "closed_on": "",
        }
        for i in range(8)
    ]
    txns = []
    for i in range(200):
        kind = rng.choice(["withdrawal", "transfer", "payment", "inquiry"])
        at = datetime.datetime(YEAR, 1, 1) + datetime.timedelta(seconds=rng.randrange(366 * 86_400))
        txns.append(
            {
                "reference": f"ZT{i:010d}",
                "point_no": rng.choice(points)["point_no"],
                "txn_at": at.isoformat(sep=" "),
                "txn_type": kind,
                "amount": "0.00" if kind == "inquiry" else f"{rng.randint(1, 200_000) / 100:.2f}",
                "card_no": "",
            }
        )
    return {
        "service_points": _write(directory / "service_points.csv", list(points[0]), points),
        "service_point_txns": _write(directory / "service_point_txns.csv", list(txns[0]), txns),
    }


@pytest.fixture
def files(db, tmp_path, settings):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    dataset = dataset_generate(scale=SCALE, directory=tmp_path, seed=2024)
    _header, branches = _read(dataset.files["branches"])
    codes = [row["code"] for row in branches]
    return {**dataset.files, **_service_points(tmp_path, random.Random(7), codes)}, codes


def _import(kind: str, path: Path):
    outcome = extract_import(kind=kind, path=path)
    assert outcome.valid, outcome.error_lines()[:5]
    return outcome


def _later(text: str, days: int) -> str:
    """A date-time moved `days` later, within the year."""
    moment = datetime.datetime.fromisoformat(text) + datetime.timedelta(days=days)
    return min(moment, datetime.datetime(YEAR, 12, 31, 23, 59, 59)).isoformat(sep=" ")


def _corrected(kind: str, path: Path, rng: random.Random, codes: list[str]) -> Path:
    """The file with a random fifth of its rows corrected as a later extract would: moved to
    another branch, another kind or another day, another amount, closed; and a few new rows."""
    header, rows = _read(path)
    for row in rows:
        if rng.random() >= 0.2:
            continue
        if kind in ("terminals", "service_points", "cards"):
            row["branch_code"] = rng.choice(codes)
            if kind == "cards" and row["status"] != "closed" and rng.random() < 0.5:
                row.update(status="closed", closed_on=f"{YEAR}-11-{rng.randint(1, 30):02d}")
                row["closed_on"] = max(row["closed_on"], row["issued_on"])
        elif kind == "netbank_customers":
            row["branch_code"] = rng.choice(codes)
            row["kind"] = rng.choice(["personal", "corporate", "mobile"])
        elif kind == "card_balances":
            row["balance"] = f"{rng.randint(0, 10_000_000) / 100:.2f}"
        elif kind in ("terminal_txns", "netbank_transfers", "service_point_txns"):
            row["txn_at"] = _later(row["txn_at"], rng.randint(0, 40))
            if row.get("txn_type") != "inquiry":
                row["amount"] = f"{rng.randint(1, 500_000) / 100:.2f}"
    if kind in ("terminal_txns", "netbank_transfers", "service_point_txns"):
        for i, source in enumerate(rng.sample(rows, 10)):  # new rows, on the days of others
            rows.append({**source, "reference": f"{source['reference']}N{i}"})
    return _write(path.with_name(f"{kind}-corrected.csv"), header, rows)


def _raw_card_balance(as_of: datetime.date, branch: Branch | None) -> Decimal:
    """The balances of the latest snapshot on or before `as_of`, of the cards in force then, summed
    from the snapshot itself."""
    latest = max(d for d in CardBalance.objects.values_list("as_of", flat=True).distinct() if d <= as_of)
    rows = CardBalance.objects.filter(as_of=latest).filter(
        in_force_q(as_of=as_of, start="issued_on", end="closed_on", prefix="card__")
    )
    if branch is not None:
        rows = rows.filter(card__branch__in=branch_subtree_ids(branch=branch))
    return sum((b for b in rows.values_list("balance", flat=True)), Decimal(0)).quantize(Decimal("0.01"))


def _agree() -> None:
    """Every rollup row equals its source's aggregate; every metric of the union and of every
    branch (with those below it) equals the hand SQL over the sources (PostgreSQL), or, on SQLite,
    the balances summed from their snapshot."""
    assert daily_totals_differences() == []
    assert DailyTotal.objects.exists()
    branches = list(Branch.objects.all())
    for as_of in DAYS:
        scoped = {None: figures(as_of=as_of)}
        scoped.update({b.pk: figures(as_of=as_of, branch=b) for b in branches})
        together = figures_for_branches(as_of=as_of, branches=branches)
        assert {b.pk: values for b, values in together.items()} == {b.pk: scoped[b.pk] for b in branches}
        if connection.vendor == "postgresql":
            from tools.bench.sql import figures_sql

            with connection.cursor() as cursor:
                for key in scoped:
                    expected = figures_sql(cursor, as_of=as_of, branch_id=key)[key]
                    differing = {c: (v, expected[c]) for c, v in scoped[key].items() if v != expected[c]}
                    assert differing == {}, (as_of, key)
        else:
            for key, values in scoped.items():
                branch = None if key is None else Branch.objects.get(pk=key)
                assert values["card_balance"] == _raw_card_balance(as_of, branch), (as_of, key)


def test_rollups_equal_their_sources_after_imports_corrections_and_re_imports(files):
    paths, codes = files
    rng = random.Random(20)
    for kind in ORDER:
        _import(kind, paths[kind])
    _agree()
    for kind in ORDER[1:]:
        if kind == "merchants":
            continue
        corrected = _corrected(kind, paths[kind], rng, codes)
        outcome = _import(kind, corrected)
        assert outcome.updated > 0, kind
        _agree()
        again = _import(kind, corrected)  # the same file again: nothing to write
        assert (again.created, again.updated) == (0, 0), kind
        _agree()


def test_a_rebuild_gives_the_rollups_the_imports_kept(files):
    paths, _codes = files
    for kind in ORDER:
        _import(kind, paths[kind])
    columns = ("source", "day", "branch", "kind", "type", "number", "amount", "fee")
    kept = sorted(DailyTotal.objects.values_list(*columns))
    DailyTotal.objects.all().delete()
    daily_totals_rebuild()
    rebuilt = sorted(DailyTotal.objects.values_list(*columns))
    assert rebuilt == kept and len(kept) > 100
    assert {source for source, *_rest in kept} == {
        "card_balances",
        "terminal_txns",
        "transfers",
        "service_point_txns",
    }
