"""The reference for figures and the assessment: docs/kpi.md's metrics written as plain SQL by hand,
one statement per table, grouped by the scope they are counted for.

A scope is a root branch with every branch below it (a recursive CTE), or the whole union. The
assessment's reference computes every assessed branch at once, grouped by its root.

The bench runs it over lean typed tables (`lean_tables_build`, `figures_lean`): a copy of each
imported table with only the columns the statements read, typed, and the indexes they use, in a
schema of its own that shadows the app's tables on the search path. The registers the imports do
not fill (tickets, inspections, faults) are read where they are.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from ebank.dates import local_midnight
from reports.metrics import metrics
from terminals.selectors import dormancy_window_start

CENT = Decimal("0.01")

# tree(id, root): each branch with the root of the scope it counts for.
_TREE_OF_BRANCH = """
WITH RECURSIVE tree(id, root) AS (
    SELECT id, id FROM org_branch WHERE id = %(branch)s
    UNION ALL
    SELECT b.id, tree.root FROM org_branch b JOIN tree ON b.parent_id = tree.id
)"""
_TREE_OF_ASSESSED = """
WITH RECURSIVE tree(id, root) AS (
    SELECT DISTINCT branch_id, branch_id FROM reports_target WHERE year = %(year)s AND quarter = %(quarter)s
    UNION ALL
    SELECT b.id, tree.root FROM org_branch b JOIN tree ON b.parent_id = tree.id
)"""

_CARDS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE c.issued_on <= %(end)s AND (c.closed_on IS NULL OR c.closed_on > %(end)s)),
    COUNT(*) FILTER (WHERE c.issued_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE c.issued_on <= %(end)s AND (c.closed_on IS NULL OR c.closed_on > %(end)s)
                     AND c.sms_alert AND c.sms_since <= %(end)s)
FROM cards_card c {join:c.branch_id}
GROUP BY 1"""

_BALANCE = """
SELECT {root} AS root, SUM(b.balance)
FROM cards_cardbalance b JOIN cards_card c ON c.id = b.card_id {join:c.branch_id}
WHERE b.as_of = (SELECT MAX(as_of) FROM cards_cardbalance WHERE as_of <= %(end)s)
  AND c.issued_on <= %(end)s AND (c.closed_on IS NULL OR c.closed_on > %(end)s)
GROUP BY 1"""

_MERCHANTS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE m.signed_on <= %(end)s AND (m.terminated_on IS NULL OR m.terminated_on > %(end)s)),
    COUNT(*) FILTER (WHERE m.signed_on BETWEEN %(start)s AND %(end)s)
FROM terminals_merchant m {join:m.branch_id}
GROUP BY 1"""

_TERMINALS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE t.kind = 'atm' AND t.installed_on <= %(end)s
                     AND (t.removed_on IS NULL OR t.removed_on > %(end)s)),
    COUNT(*) FILTER (WHERE t.kind = 'atm' AND t.installed_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE t.kind = 'pos' AND t.installed_on <= %(end)s
                     AND (t.removed_on IS NULL OR t.removed_on > %(end)s)),
    COUNT(*) FILTER (WHERE t.kind = 'pos' AND t.installed_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE t.kind = 'pos' AND t.installed_on <= %(end)s
                     AND (t.removed_on IS NULL OR t.removed_on > %(end)s)
                     AND t.installed_on < %(window)s
                     AND NOT EXISTS (SELECT 1 FROM terminals_terminaltxn x WHERE x.terminal_id = t.id
                                     AND x.txn_type = 'purchase' AND x.txn_at >= %(window_from)s
                                     AND x.txn_at < %(flow_to)s))
FROM terminals_terminal t {join:t.branch_id}
GROUP BY 1"""

_TXNS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE t.kind = 'pos' AND x.txn_type = 'purchase'),
    SUM(x.amount) FILTER (WHERE t.kind = 'pos' AND x.txn_type = 'purchase'),
    SUM(x.amount) FILTER (WHERE t.kind = 'pos' AND x.txn_type = 'refund'),
    SUM(x.fee) FILTER (WHERE t.kind = 'pos'),
    COUNT(*) FILTER (WHERE t.kind = 'atm' AND x.txn_type <> 'inquiry'),
    SUM(x.amount) FILTER (WHERE t.kind = 'atm' AND x.txn_type = 'withdrawal')
FROM terminals_terminaltxn x JOIN terminals_terminal t ON t.id = x.terminal_id {join:t.branch_id}
WHERE x.txn_at >= %(flow_from)s AND x.txn_at < %(flow_to)s
GROUP BY 1"""

_CUSTOMERS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE c.kind = 'personal' AND c.signed_on <= %(end)s
                     AND (c.closed_on IS NULL OR c.closed_on > %(end)s)),
    COUNT(*) FILTER (WHERE c.kind = 'corporate' AND c.signed_on <= %(end)s
                     AND (c.closed_on IS NULL OR c.closed_on > %(end)s)),
    COUNT(*) FILTER (WHERE c.kind = 'personal' AND c.signed_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE c.kind = 'corporate' AND c.signed_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE c.kind = 'mobile' AND c.signed_on <= %(end)s
                     AND (c.closed_on IS NULL OR c.closed_on > %(end)s)),
    COUNT(*) FILTER (WHERE c.kind = 'mobile' AND c.signed_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE c.kind = 'mobile' AND c.signed_on <= %(end)s
                     AND (c.closed_on IS NULL OR c.closed_on > %(end)s)
                     AND EXISTS (SELECT 1 FROM netbanking_transfer x WHERE x.customer_id = c.id
                                 AND x.txn_at >= %(month_from)s AND x.txn_at < %(flow_to)s))
FROM netbanking_customer c {join:c.branch_id}
GROUP BY 1"""

_OVERDUE_TICKETS = """
SELECT {root} AS root, COUNT(*)
FROM netbanking_ticket t {join:t.branch_id}
WHERE t.deadline BETWEEN %(quarter_start)s AND %(end)s
  AND (t.closed_at IS NULL OR (t.closed_at AT TIME ZONE %(tz)s)::date > t.deadline)
GROUP BY 1"""

_SERVICE_POINTS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE p.opened_on <= %(end)s AND (p.closed_on IS NULL OR p.closed_on > %(end)s)),
    COUNT(*) FILTER (WHERE p.opened_on BETWEEN %(start)s AND %(end)s),
    COUNT(*) FILTER (WHERE p.opened_on <= %(end)s AND (p.closed_on IS NULL OR p.closed_on > %(end)s)
                     AND p.opened_on < %(window)s
                     AND NOT EXISTS (SELECT 1 FROM terminals_servicepointtxn x WHERE x.point_id = p.id
                                     AND x.txn_type <> 'inquiry' AND x.txn_at >= %(window_from)s
                                     AND x.txn_at < %(flow_to)s))
FROM terminals_servicepoint p {join:p.branch_id}
GROUP BY 1"""

_SERVICE_POINT_TXNS = """
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE x.txn_type <> 'inquiry'),
    SUM(x.amount) FILTER (WHERE x.txn_type = 'withdrawal')
FROM terminals_servicepointtxn x JOIN terminals_servicepoint p ON p.id = x.point_id {join:p.branch_id}
WHERE x.txn_at >= %(flow_from)s AND x.txn_at < %(flow_to)s
GROUP BY 1"""

_TRANSFERS = """
SELECT {root} AS root, c.kind, x.channel, COUNT(*), SUM(x.amount)
FROM netbanking_transfer x JOIN netbanking_customer c ON c.id = x.customer_id {join:c.branch_id}
WHERE x.txn_at >= %(flow_from)s AND x.txn_at < %(flow_to)s
GROUP BY 1, 2, 3"""

_DISBURSEMENTS = """
SELECT {root} AS root, d.program, SUM(d.households), SUM(d.amount)
FROM cards_disbursement d {join:d.branch_id}
WHERE d.paid_on BETWEEN %(start)s AND %(end)s
GROUP BY 1, 2"""


# The inspection slots of the quarter up to E: two windows a day for each ATM in force that day,
# excused while a standing fault entry (until its resolution or clearance) or a faulty period of
# the ATM's own status history overlaps it; on time when a standing inspection of that day and
# window was entered on time, late when only late ones record it, else missed.
_INSPECTION_SLOTS = """
, days AS (
    SELECT d::date AS day FROM generate_series(%(quarter_start)s::date, %(end)s::date, interval '1 day') d
), windows(shift, opens, closes) AS (
    VALUES ('morning', %(morning_opens)s::time, %(morning_closes)s::time),
           ('evening', %(evening_opens)s::time, %(evening_closes)s::time)
), slots AS (
    SELECT t.id AS terminal_id, t.branch_id, days.day, w.shift,
        (days.day + w.opens) AT TIME ZONE %(tz)s AS opens,
        (days.day + w.closes) AT TIME ZONE %(tz)s AS closes
    FROM terminals_terminal t CROSS JOIN days CROSS JOIN windows w
    WHERE t.kind = 'atm' AND t.installed_on <= days.day AND (t.removed_on IS NULL OR t.removed_on > days.day)
), due AS (
    SELECT s.* FROM slots s
    WHERE s.closes < %(now)s
      AND NOT EXISTS (
        SELECT 1 FROM terminals_atmfault f
        LEFT JOIN terminals_atmfaultclearance c ON c.fault_id = f.id AND c.amends_id IS NULL
        WHERE f.terminal_id = s.terminal_id AND NOT f.is_void
          AND NOT EXISTS (SELECT 1 FROM terminals_atmfault a WHERE a.amends_id = f.id)
          AND f.occurred_at < s.closes
          AND (COALESCE(f.resolved_at, c.occurred_at) IS NULL
               OR COALESCE(f.resolved_at, c.occurred_at) > s.opens))
      AND NOT EXISTS (
        SELECT 1 FROM terminals_terminalstatusperiod p
        WHERE p.terminal_id = s.terminal_id AND p.status = 'faulty' AND p.fault_id IS NULL
          AND p.starts_at < s.closes AND (p.ends_at IS NULL OR p.ends_at > s.opens))
), standing AS (
    SELECT i.terminal_id, (i.occurred_at AT TIME ZONE %(tz)s)::date AS day, i.shift,
        bool_or(NOT i.is_late) AS on_time
    FROM terminals_atminspection i
    WHERE NOT i.is_void AND NOT EXISTS (SELECT 1 FROM terminals_atminspection a WHERE a.amends_id = i.id)
    GROUP BY 1, 2, 3
)
SELECT {root} AS root,
    COUNT(*) FILTER (WHERE st.on_time IS NULL),
    COUNT(*) FILTER (WHERE st.on_time = false)
FROM due s {join:s.branch_id}
LEFT JOIN standing st ON st.terminal_id = s.terminal_id AND st.day = s.day AND st.shift = s.shift
GROUP BY 1"""


class _Join:
    """`{join:c.branch_id}` in a statement: the join to the scope's tree on that column, or nothing
    for the union."""

    def __init__(self, scoped: bool):
        self.scoped = scoped

    def __format__(self, column: str) -> str:
        return f"JOIN tree ON tree.id = {column}" if self.scoped else ""


def _money(value) -> Decimal:
    return (value or Decimal(0)).quantize(CENT)


def figures_sql(cursor, *, as_of: datetime.date, branch_id=None, assessed=None) -> dict:
    """Every metric of docs/kpi.md as of `as_of`, by hand in SQL: {root branch id: {metric: value}}.

    The scope is the union (the key is None), one branch with those below it (`branch_id`), or
    each branch with targets in (year, quarter) = `assessed`, each with those below it.
    """
    start = datetime.date(as_of.year, 1, 1)
    window = dormancy_window_start(as_of=as_of)
    windows = {shift: spec.split("-") for shift, spec in settings.ATM_INSPECTION_WINDOWS.items()}
    params = {
        "quarter_start": datetime.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1),
        "morning_opens": windows["morning"][0],
        "morning_closes": windows["morning"][1],
        "evening_opens": windows["evening"][0],
        "evening_closes": windows["evening"][1],
        "tz": settings.TIME_ZONE,
        "now": min(timezone.now(), local_midnight(as_of + datetime.timedelta(days=1))),
        "start": start,
        "end": as_of,
        "window": window,
        "flow_from": local_midnight(start),
        "flow_to": local_midnight(as_of + datetime.timedelta(days=1)),
        "window_from": local_midnight(window),
        "month_from": local_midnight(as_of.replace(day=1)),
        "branch": branch_id,
    }
    if assessed is not None:
        params["year"], params["quarter"] = assessed
        prefix, root = _TREE_OF_ASSESSED, "tree.root"
    elif branch_id is not None:
        prefix, root = _TREE_OF_BRANCH, "tree.root"
    else:
        prefix, root = "", "NULL::bigint"  # the union: every row, no tree

    def rows(template: str) -> list[tuple]:
        cursor.execute(prefix + template.format(root=root, join=_Join(bool(prefix))), params)
        return cursor.fetchall()

    def slot_rows() -> list[tuple]:
        # The CTEs follow the tree's (a WITH … , …) or open their own.
        head = prefix if prefix else "WITH unused AS (SELECT 1)"
        cursor.execute(head + _INSPECTION_SLOTS.format(root=root, join=_Join(bool(prefix))), params)
        return cursor.fetchall()

    result: dict = {}

    def scope(key) -> dict:
        return result.setdefault(key, _empty())

    for key, total, new, sms in rows(_CARDS):
        scope(key).update(cards_total=total, new_cards=new, sms_cards=sms)
    for key, balance in rows(_BALANCE):
        scope(key)["card_balance"] = _money(balance)
    for key, total, new in rows(_MERCHANTS):
        scope(key).update(merchants_total=total, new_merchants=new)
    for key, atms, new_atms, pos, new_pos, dormant in rows(_TERMINALS):
        scope(key).update(
            atms_total=atms, new_atms=new_atms, pos_total=pos, new_pos=new_pos, dormant_pos=dormant
        )
    for key, count, purchases, refunds, fees, atm_count, withdrawn in rows(_TXNS):
        scope(key).update(
            pos_txn_count=count,
            pos_txn_amount=_money(purchases) - _money(refunds),
            pos_fee_income=_money(fees),
            atm_txn_count=atm_count,
            atm_withdrawal_amount=_money(withdrawn),
        )
    for key, personal, corporate, new_personal, new_corporate, mobile, new_mobile, active in rows(_CUSTOMERS):
        scope(key).update(
            netbank_personal_total=personal,
            netbank_corporate_total=corporate,
            new_netbank_personal=new_personal,
            new_netbank_corporate=new_corporate,
            netbank_mobile_total=mobile,
            new_netbank_mobile=new_mobile,
            mobile_active=active,
        )
    for key, points, new_points, dormant_points in rows(_SERVICE_POINTS):
        scope(key).update(
            service_points_total=points, new_service_points=new_points, dormant_service_points=dormant_points
        )
    for key, overdue in rows(_OVERDUE_TICKETS):
        scope(key)["overdue_tickets"] = overdue
    for key, count, withdrawn in rows(_SERVICE_POINT_TXNS):
        scope(key).update(service_point_txn_count=count, service_point_withdrawal_amount=_money(withdrawn))
    for key, kind, channel, count, amount in rows(_TRANSFERS):
        values = scope(key)
        values[f"netbank_{kind}_{channel}_count"] = count
        values[f"netbank_{kind}_{channel}_amount"] = _money(amount)
        values[f"netbank_{kind}_transfer_count"] += count
        values[f"netbank_{kind}_transfer_amount"] += _money(amount)
    for key, program, households, amount in rows(_DISBURSEMENTS):
        scope(key).update(
            {f"disbursed_{program}_households": households, f"disbursed_{program}_amount": _money(amount)}
        )
    for key, missed, late in slot_rows():
        scope(key).update(missed_inspections=missed, late_inspections=late)
    for values in result.values():
        cards = values["cards_total"]
        average = values["card_balance"] / cards if cards else Decimal(0)
        values["avg_card_balance"] = average.quantize(CENT, ROUND_HALF_UP)
    if assessed is None and not result:
        result[branch_id] = _empty()
    return result


LEAN_SCHEMA = "bench_lean"
# table: (the columns the statements read, the indexes they use beside the primary key on id)
_LEAN = {
    "cards_card": ("id, branch_id, issued_on, closed_on, sms_alert, sms_since", []),
    "cards_cardbalance": ("card_id, as_of, balance", ["as_of"]),
    "cards_disbursement": ("branch_id, program, paid_on, households, amount", []),
    "terminals_merchant": ("branch_id, signed_on, terminated_on", []),
    "terminals_terminal": ("id, branch_id, kind, installed_on, removed_on", []),
    "terminals_terminaltxn": (
        "terminal_id, txn_type, txn_at, amount, fee",
        ["txn_at", "terminal_id, txn_type, txn_at"],
    ),
    "netbanking_customer": ("id, branch_id, kind, signed_on, closed_on", []),
    "netbanking_transfer": ("customer_id, txn_at, channel, amount", ["txn_at", "customer_id, txn_at"]),
    "terminals_servicepoint": ("id, branch_id, opened_on, closed_on", []),
    "terminals_servicepointtxn": (
        "point_id, txn_type, txn_at, amount",
        ["txn_at", "point_id, txn_type, txn_at"],
    ),
}


def lean_tables_build(cursor) -> None:
    """(Re)build the lean copies of the imported tables, with their indexes and statistics."""
    cursor.execute(f"DROP SCHEMA IF EXISTS {LEAN_SCHEMA} CASCADE")
    cursor.execute(f"CREATE SCHEMA {LEAN_SCHEMA}")
    for table, (columns, indexes) in _LEAN.items():
        lean = f"{LEAN_SCHEMA}.{table}"
        cursor.execute(f"CREATE TABLE {lean} AS SELECT {columns} FROM public.{table}")
        if columns.startswith("id,"):
            cursor.execute(f"ALTER TABLE {lean} ADD PRIMARY KEY (id)")
        for i, indexed in enumerate(indexes):
            cursor.execute(f"CREATE INDEX {table}_lean_{i} ON {lean} ({indexed})")
        cursor.execute(f"ANALYZE {lean}")


def figures_lean(cursor, **kwargs) -> dict:
    """`figures_sql` over the lean tables (lean_tables_build)."""
    cursor.execute(f"SET search_path TO {LEAN_SCHEMA}, public")
    try:
        return figures_sql(cursor, **kwargs)
    finally:
        cursor.execute("RESET search_path")


def _empty() -> dict:
    """Every metric of the registry at zero (a scope with no rows)."""
    return {metric.code: Decimal("0.00") if metric.amount else 0 for metric in metrics()}
