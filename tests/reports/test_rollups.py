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
from tools.bench.dataset import END, KINDS, YEAR, dataset_generate
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
    service_points=8,
    service_point_txns=200,
    memory_rows=(1, 2),
    repeats=1,
    page_requests=1,
    api_seconds=0.1,
)
# Every extract of the data set but the plan's three (disbursements, the plan, the targets).
ORDER = KINDS[: KINDS.index("disbursements")]
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


@pytest.fixture
def files(db, tmp_path, settings):
    settings.IMPORT_DIR = str(tmp_path / "uploads")
    dataset = dataset_generate(scale=SCALE, directory=tmp_path, seed=2024)
    _header, branches = _read(dataset.files["branches"])
    return dataset.files, [row["code"] for row in branches]


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
        "terminal_txns:month",
        "transfers",
        "transfers:month",
        "service_point_txns",
        "service_point_txns:month",
    }


@pytest.mark.django_db(transaction=True)
def test_a_recomputation_waits_for_another_of_the_same_rollup(tree, write):
    """Two imports of different kinds may touch one rollup (a terminals file that moves an ATM,
    a transactions file of its days): the second recomputes once the first has ended, from what
    it committed, instead of colliding with its rows."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    import threading

    from django.apps import apps
    from django.db import connections

    from ebank.imports.engine import lock_key
    from ebank.org.roles import groups_sync
    from reports.rollups import LOCK_CLASS, TERMINAL_TXNS
    from tests.processes import second_connection
    from tests.terminals.factories import TerminalFactory, TerminalTxnFactory

    groups_sync(apps)  # the role groups, which an earlier transactional test's flush removed
    atm = TerminalFactory(
        branch=tree["a1"],
        kind="atm",
        merchant=None,
        installed_on=datetime.date(2011, 1, 1),
        terminal_no="A0000001",
    )
    TerminalTxnFactory(terminal=atm, txn_type="withdrawal", amount=Decimal("500.00"), fee=Decimal("0"))
    moved = write(
        "terminals.csv",
        "terminal_no,kind,serial_no,model,branch_code,merchant_no,location,installed_on,status,removed_on\n"
        f"A0000001,atm,{atm.serial_no},{atm.model},201,,{atm.location},2011-01-01,in_service,\n",
    )
    other = second_connection()
    outcomes = {}

    def run():
        try:
            outcomes["terminals"] = extract_import(kind="terminals", path=moved)
        finally:
            connections.close_all()

    try:
        with other.cursor() as cursor:  # another import recomputing the terminal transactions' days
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, lock_key(TERMINAL_TXNS.name)])
        waiting = threading.Thread(target=run)
        waiting.start()
        waiting.join(3)
        assert waiting.is_alive() and "terminals" not in outcomes  # it waits

        other.rollback()  # the other import ends
        waiting.join(60)
        assert not waiting.is_alive()
        assert outcomes["terminals"].updated == 1
    finally:
        other.close()
    assert daily_totals_differences() == []
    assert sorted(DailyTotal.objects.values_list("source", "branch__code", "number", "amount")) == [
        ("terminal_txns", "201", 1, Decimal("500.00")),
        ("terminal_txns:month", "201", 1, Decimal("500.00")),
    ]
