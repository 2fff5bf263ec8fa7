"""The demo county of PRODUCT.md: a fictional county union whose 2011 reproduces the reference
figures exactly, with 2010 before it, the 2011 assessment, the 2012 plan, a year of logbooks, and
the new channels of late 2011 (the 助农取款 pilot, the first mobile-banking customers).

Deterministic (one random.Random(2011)), written in one transaction and set-based: the big
tables with COPY or one prepared INSERT (cards, transactions, inspections) or INSERT … SELECT
(card history, balances), the rest with bulk_create."""

import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reports.rollups import daily_totals_rebuild

from . import cards, logbooks, netbank, org, pilot, plan, terminals
from .common import Demo

SEED = 2011
# Tables a loading fills with thousands of rows: PostgreSQL's planner needs their statistics
# before the assessment reads them, and autovacuum cannot see rows not yet committed.
BIG_TABLES = (
    "cards_card",
    "cards_cardbalance",
    "terminals_terminaltxn",
    "terminals_terminal",
    "netbanking_transfer",
    "netbanking_customer",
    "terminals_atminspection",
)


class DemoRefused(Exception):
    """The demo is not loaded here; the message says why."""


@dataclass
class DemoLoaded:
    union: str
    already_loaded: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    kept_logins: int = 0
    seconds: float = 0.0


def demo_load(*, password: str) -> DemoLoaded:
    """Load the demo county into an empty database, in one transaction, with one login per role
    (`staff`, `leader`, `mgr-<code>`) and the given password. Refused unless DEBUG is on or when
    the database holds other branches; a second loading changes nothing."""
    if not settings.DEBUG:
        raise DemoRefused("Refused: the demo county is for a development machine (DEBUG on).")
    started = time.monotonic()
    with transaction.atomic():
        state = org.demo_state()
        if state == "loaded":
            return DemoLoaded(union=org.UNION_NAME, already_loaded=True)
        if state == "other":
            raise DemoRefused(
                "Refused: the database already holds branches that are not the demo county's; "
                "load the demo into an empty database."
            )
        demo = Demo(rng=random.Random(SEED), now=timezone.now())
        org.branches_load(demo)
        # Each 信用社's drive in 2011 (issuance against its size) and its depositors' wealth.
        for branch in demo.level1:
            demo.drive[branch.code] = demo.rng.uniform(0.8, 1.25)
            town = {"001": 1.3, "101": 1.15}.get(branch.code, 1.0)
            demo.balance_factor[branch.code] = town * demo.rng.uniform(0.8, 1.2)
        kept = org.logins_load(demo, password=password)
        cards.cards_load(demo)
        cards.disbursements_load(demo)
        atms = terminals.atms_load(demo)
        pos = terminals.merchants_load(demo)
        terminals.pos_txns_load(demo, pos)
        terminals.atm_txns_load(demo, atms)
        netbank.calendar_load(demo)
        customers = netbank.customers_load(demo)
        netbank.transfers_load(demo, customers)
        netbank.tickets_load(demo, customers)
        netbank.spot_checks_load(demo)
        campaigns = logbooks.campaigns_load(demo)
        logbooks.inspections_load(demo, atms, campaigns["atm"])
        logbooks.cash_logs_load(demo, atms)
        logbooks.incidents_load(demo, atms)
        logbooks.pos_visits_load(demo, pos, campaigns["pos"])
        logbooks.risk_checks_load(demo)
        logbooks.it_log_load(demo)
        logbooks.late_entries_load()
        pilot.service_points_load(demo)
        pilot.mobile_load(demo)
        terminals.status_history_load()
        plan.policies_load(demo)
        plan.targets_load(demo)
        _analyze()
        # The rows above were written straight into their tables, not imported: their rollups
        # are computed once, before the assessments and the summary read the figures.
        daily_totals_rebuild()
        plan.assessments_load(demo)
        plan.summary_load(demo)
    return DemoLoaded(
        union=org.UNION_NAME, counts=demo.counts, kept_logins=kept, seconds=time.monotonic() - started
    )


def _analyze() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in BIG_TABLES:
                cursor.execute(f"ANALYZE {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


__all__ = ["DemoLoaded", "DemoRefused", "demo_load"]
