"""The metric registry: every figure of docs/kpi.md is one declaration here.

A metric says what it is (code, Chinese and English label, unit, stock or flow), where it comes
from (a source table, its path to the branch, and the aggregate over it for a period) or how it is
derived from other metrics, and where it is shown (the dashboard, the year-end summary's tables,
the assessment). `figures()` (selectors.py), the per-branch pass of the assessment, the dashboard,
the summary's tables, the exports, the plan's and targets' choices and the API all read the
registry; adding a metric is one `register(Metric(...))` (another app may add its own in a
`metrics.py`, which reports autodiscovers).

Counts are int; amounts (unit YUAN) are Decimal with 2 places, written "365093000.00".
"""

import datetime
import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import lazy

from ebank import formatting
from ebank.dates import in_force_q, local_days

# Units: a count (of cards, terminals, customers, transactions: `measure` says which word), yuan,
# households, a percentage.
COUNT, YUAN, HOUSEHOLDS, PERCENT = "count", "yuan", "households", "percent"
# A stock is a level on a day (cards in force); a flow adds up from 1 January (new cards).
STOCK, FLOW = "stock", "flow"

# The customers' kinds: online banking's two, then mobile banking; each with its product's name.
ONLINE_KINDS = {"personal": ("个人", "personal"), "corporate": ("企业", "corporate")}
KINDS = {
    "personal": ("个人网银", "personal"),
    "corporate": ("企业网银", "corporate"),
    "mobile": ("手机银行", "mobile-banking"),
}
CHANNELS = {
    "intra": ("行内", "intra-bank"),
    "inter": ("跨行", "inter-bank"),
    "nxy": ("农信银", "rural-credit"),
}
PROGRAMS = {
    "pension": ("城乡居民社会养老金", "social pension"),
    "agri_subsidy": ("涉农补贴资金", "agricultural subsidy"),
    "salary": ("代发工资", "salary"),
    "other": ("其他代发", "other"),
}
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))


@dataclass(frozen=True)
class Period:
    """What a figure is computed for: the day, and the flow window from 1 January to that day."""

    as_of: datetime.date

    @property
    def year_start(self) -> datetime.date:
        return datetime.date(self.as_of.year, 1, 1)

    @property
    def quarter_start(self) -> datetime.date:
        return datetime.date(self.as_of.year, 3 * ((self.as_of.month - 1) // 3) + 1, 1)

    @property
    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From the start of 1 January to the end of the day (for date-times)."""
        return local_days(self.year_start, self.as_of)

    def in_force(self, start: str, end: str, prefix: str = "") -> Q:
        return in_force_q(as_of=self.as_of, start=start, end=end, prefix=prefix)

    def dated_in_year(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.year_start, f"{field}__lte": self.as_of})


@dataclass(frozen=True)
class Source:
    """A table the figures read: its rows for a period (by default every row of `model`, an
    "app_label.Model" name), and their path to the branch (the scope)."""

    name: str
    model: str = ""
    rows_of: Callable[[Period], QuerySet] | None = None
    branch: str = "branch"
    # The table and field that date its rows ("app_label.Model", "field"): the latest day with
    # data is the latest of these (the dashboard opens on it).
    dated: tuple[str, str] | None = None

    def rows(self, period: Period) -> QuerySet:
        if self.rows_of is not None:
            return self.rows_of(period)
        from django.apps import apps

        return apps.get_model(self.model)._default_manager.all()


@dataclass(frozen=True)
class Computed:
    """Metrics computed outside the database pass, by an area's own rules (the inspection slots of
    a quarter): compute(period, ids, by_branch) -> {branch id or None: {code: value}}, once for
    every metric that names it."""

    name: str
    compute: Callable[[Period, set | None, bool], dict]
    dated: tuple[str, str] | None = None  # as Source.dated


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    label_en: str
    unit: str = COUNT
    measure: str = ""  # the counting word of a count: 张, 台, 户, 笔
    kind: str = STOCK
    source: Source | None = None
    aggregate: Callable[[Period], object] | None = None  # over source.rows(period)
    derived: Callable[[dict], object] | None = None  # from the values of the other metrics
    dashboard: int = 0  # its place among the dashboard's headlines (0: not one)
    trend: bool = False  # charted by quarter on the dashboard
    compared: bool = False  # charted branch by branch on the dashboard
    # The year-end summary's table that lists it: cards, terminals, netbank, mobile, service_points,
    # disbursements.
    summary_table: str | None = None
    summary_label: str | None = None  # its row there, when not its label
    summary_position: int = 0  # its place among the table's rows (then the order of declaration)
    in_yuan: bool = False  # an amount written in 元 (not 万元) in tables: small sums, averages
    assessable: bool = True  # may be a line of the assessment plan
    additive: bool = True  # branches' values add up to the union's (an average does not)
    deduction: bool = False  # may be a deduction line (a count of faults)
    computed: Computed | None = None  # instead of a source and an aggregate

    @property
    def amount(self) -> bool:
        return self.unit == YUAN

    def normalise(self, value):
        """A value as figures() gives it: int for counts, Decimal with 2 places for amounts."""
        if self.amount:
            return Decimal(value or 0).quantize(Decimal("0.01"))
        return int(value or 0)


REGISTRY: dict[str, Metric] = {}
BY_CODE = REGISTRY  # the same dict, by the name the callers read it
DECLARED_IN: dict[str, str] = {}  # each metric's declaring module (docs/kpi.md defines the product's)


def register(*metrics: Metric) -> None:
    """Add metrics to the registry; a code is declared once."""
    for metric in metrics:
        if metric.code in REGISTRY:
            raise ValueError(f"metric {metric.code} is declared twice")
        if sum(x is not None for x in (metric.source, metric.derived, metric.computed)) != 1:
            raise ValueError(f"metric {metric.code}: give a source and aggregate, or derived, or computed")
        REGISTRY[metric.code] = metric
        DECLARED_IN[metric.code] = sys._getframe(1).f_globals.get("__name__", "")


def metrics() -> list[Metric]:
    """Every metric, in the order of declaration (the order of docs/kpi.md)."""
    return list(REGISTRY.values())


def metric_choices() -> list[tuple[str, str]]:
    """The choices of a plan line, a target or a result: every metric that may be assessed or
    deducted, by its name in the language of the page (a callable, so that a metric added later
    needs no migration). A target takes only the assessable ones (its form, its extract)."""
    return [(m.code, _label(m)) for m in metrics() if m.assessable or m.deduction]


_label = lazy(formatting.metric_label, str)


def _sum(field: str, condition: Q = Q()) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), ZERO)


# --- the sources --------------------------------------------------------------------------------


def _card_balance(period: Period, ids: set | None, by_branch: bool) -> dict:
    """The month-end balances of the latest snapshot on or before the day, of the cards in force:
    the snapshot's total per branch (its rollup, rollups.py), less the balances of its cards not
    in force on the day (issued after it, or closed by it: a few, found from the cards)."""
    from django.db.models import Max

    from cards.models import CardBalance

    from .rollups import CARD_BALANCES

    totals = CARD_BALANCES.daily(datetime.date.min, period.as_of)
    latest = totals.aggregate(day=Max("day"))["day"]
    if latest is None:
        return {}
    totals = totals.filter(day=latest)
    outside = CardBalance.objects.filter(as_of=latest).exclude(
        period.in_force("issued_on", "closed_on", "card__")
    )
    if ids is not None:
        totals, outside = totals.filter(branch__in=ids), outside.filter(card__branch__in=ids)
    result: dict = {}
    for rows, branch, field, sign in (
        (totals, "branch", "amount", 1),
        (outside, "card__branch", "balance", -1),
    ):
        if by_branch:
            found = [
                (r[branch], r["total"]) for r in rows.order_by().values(branch).annotate(total=Sum(field))
            ]
        else:
            found = [(None, rows.aggregate(total=Sum(field))["total"])]
        for key, total in found:
            result.setdefault(key, {"card_balance": Decimal(0)})["card_balance"] += sign * (total or 0)
    return result


def _rollup_flow(rollup_name: str) -> Callable[[Period], QuerySet]:
    """A rollup's rows (rollups.py) that add up to the days from 1 January to the day."""

    def rows(period: Period) -> QuerySet:
        from . import rollups

        return getattr(rollups, rollup_name).flow(period.year_start, period.as_of)

    return rows


def _dormant_pos(period: Period) -> QuerySet:
    from terminals.models import Terminal
    from terminals.selectors import dormant_pos

    return dormant_pos(queryset=Terminal.objects.all(), as_of=period.as_of)


def _mobile_active(period: Period) -> QuerySet:
    """Mobile-banking customers in force at E with a transfer from the first day of E's month to E."""
    from django.db.models import Exists, OuterRef

    from netbanking.models import Customer, Transfer

    first, after = local_days(period.as_of.replace(day=1), period.as_of)
    transfers = Transfer.objects.filter(customer=OuterRef("pk"), txn_at__gte=first, txn_at__lt=after)
    in_force = period.in_force("signed_on", "closed_on")
    return Customer.objects.filter(MOBILE & in_force).filter(Exists(transfers))


def _dormant_service_points(period: Period) -> QuerySet:
    from terminals.models import ServicePoint
    from terminals.selectors import dormant_service_points

    return dormant_service_points(queryset=ServicePoint.objects.all(), as_of=period.as_of)


def _disbursements(period: Period) -> QuerySet:
    from cards.models import Disbursement

    return Disbursement.objects.filter(period.dated_in_year("paid_on"))


CARDS = Source("cards", "cards.Card", dated=("cards.Card", "issued_on"))
BALANCES = Computed("card balances", _card_balance, dated=("cards.CardBalance", "as_of"))
MERCHANTS = Source("merchants", "terminals.Merchant", dated=("terminals.Merchant", "signed_on"))
TERMINALS = Source("terminals", "terminals.Terminal", dated=("terminals.Terminal", "installed_on"))
# The three kinds of transaction are read from their rollups: per branch and day, the number of
# rows and their sums by the terminal's kind (or the customer's) and the row's type (or channel).
TERMINAL_TXNS = Source(
    "terminal transactions",
    rows_of=_rollup_flow("TERMINAL_TXNS"),
    dated=("terminals.TerminalTxn", "txn_at"),
)
DORMANT_POS = Source("dormant POS", rows_of=_dormant_pos)
CUSTOMERS = Source(
    "online-banking customers", "netbanking.Customer", dated=("netbanking.Customer", "signed_on")
)
TRANSFERS = Source(
    "online-banking transfers",
    rows_of=_rollup_flow("TRANSFERS"),
    dated=("netbanking.Transfer", "txn_at"),
)
SERVICE_POINTS = Source(
    "service points", "terminals.ServicePoint", dated=("terminals.ServicePoint", "opened_on")
)
SERVICE_POINT_TXNS = Source(
    "service point transactions",
    rows_of=_rollup_flow("SERVICE_POINT_TXNS"),
    dated=("terminals.ServicePointTxn", "txn_at"),
)
DORMANT_SERVICE_POINTS = Source("dormant service points", rows_of=_dormant_service_points)
DISBURSEMENTS = Source("disbursements", rows_of=_disbursements, dated=("cards.Disbursement", "paid_on"))


# --- the metrics of docs/kpi.md -----------------------------------------------------------------


def _count(condition: Callable[[Period], Q]) -> Callable[[Period], Count]:
    return lambda period: Count("id", filter=condition(period))


def _rows(condition: Q = Q()) -> Callable[[Period], Coalesce]:
    """The number of a rollup's rows that meet `condition` (their `number` summed)."""
    return lambda period: Coalesce(Sum("number", filter=condition), 0)


POS, ATM = Q(kind="pos"), Q(kind="atm")
PURCHASE, REFUND = Q(type="purchase"), Q(type="refund")

register(
    Metric(
        "cards_total",
        "发卡总量",
        "cards in force",
        measure="张",
        source=CARDS,
        aggregate=_count(lambda p: p.in_force("issued_on", "closed_on")),
        dashboard=1,
        compared=True,
        summary_table="cards",
    ),
    Metric(
        "new_cards",
        "新增发卡",
        "new cards",
        measure="张",
        kind=FLOW,
        source=CARDS,
        aggregate=_count(lambda p: p.dated_in_year("issued_on")),
        dashboard=2,
        trend=True,
        compared=True,
        summary_table="cards",
        summary_label="其中：当年新增",
    ),
    Metric(
        "card_balance",
        "卡存款余额",
        "deposit balance on cards",
        unit=YUAN,
        computed=BALANCES,
        dashboard=3,
        trend=True,
        compared=True,
        summary_table="cards",
        summary_label="金农卡存款余额",
    ),
    Metric(
        "avg_card_balance",
        "卡均余额",
        "average balance per card",
        unit=YUAN,
        derived=lambda v: (v["card_balance"] / v["cards_total"]) if v["cards_total"] else Decimal(0),
        dashboard=4,
        summary_table="cards",
        in_yuan=True,
        additive=False,
    ),
    Metric(
        "sms_cards",
        "短信通知开通",
        "SMS alert subscriptions",
        measure="户",
        source=CARDS,
        aggregate=_count(
            lambda p: p.in_force("issued_on", "closed_on") & Q(sms_alert=True, sms_since__lte=p.as_of)
        ),
        dashboard=5,
        summary_table="cards",
        summary_label="开通短信通知",
    ),
    Metric(
        "merchants_total",
        "特约商户",
        "merchants",
        measure="户",
        source=MERCHANTS,
        aggregate=_count(lambda p: p.in_force("signed_on", "terminated_on")),
        dashboard=6,
        summary_table="terminals",
        summary_position=1,
        summary_label="特约商户（年末）",
    ),
    Metric(
        "new_merchants",
        "新增特约商户",
        "new merchants",
        measure="户",
        kind=FLOW,
        source=MERCHANTS,
        aggregate=_count(lambda p: p.dated_in_year("signed_on")),
        summary_table="terminals",
        summary_position=2,
        summary_label="其中：当年新增",
    ),
    Metric(
        "atms_total",
        "ATM 台数",
        "ATMs in service",
        measure="台",
        source=TERMINALS,
        aggregate=_count(lambda p: p.in_force("installed_on", "removed_on") & Q(kind="atm")),
        dashboard=8,
        summary_table="terminals",
        summary_position=7,
        summary_label="ATM机（年末）",
    ),
    Metric(
        "new_atms",
        "新增 ATM",
        "new ATMs",
        measure="台",
        kind=FLOW,
        source=TERMINALS,
        aggregate=_count(lambda p: p.dated_in_year("installed_on") & Q(kind="atm")),
        summary_table="terminals",
        summary_position=8,
        summary_label="其中：当年新增",
    ),
    Metric(
        "pos_total",
        "POS 台数",
        "POS in service",
        measure="台",
        source=TERMINALS,
        aggregate=_count(lambda p: p.in_force("installed_on", "removed_on") & Q(kind="pos")),
        dashboard=7,
        compared=True,
        summary_table="terminals",
        summary_position=3,
        summary_label="POS机（年末）",
    ),
    Metric(
        "new_pos",
        "新增 POS",
        "new POS",
        measure="台",
        kind=FLOW,
        source=TERMINALS,
        aggregate=_count(lambda p: p.dated_in_year("installed_on") & Q(kind="pos")),
    ),
    Metric(
        "pos_txn_count",
        "POS 交易笔数",
        "POS purchases",
        measure="笔",
        kind=FLOW,
        source=TERMINAL_TXNS,
        aggregate=_rows(POS & PURCHASE),
        summary_table="terminals",
        summary_position=4,
        summary_label="POS交易笔数",
    ),
    Metric(
        "pos_txn_amount",
        "POS 交易金额",
        "POS purchase amount",
        unit=YUAN,
        kind=FLOW,
        source=TERMINAL_TXNS,
        aggregate=lambda p: _sum("amount", POS & PURCHASE) - _sum("amount", POS & REFUND),
        dashboard=9,
        trend=True,
        summary_table="terminals",
        summary_position=5,
        summary_label="POS交易金额",
    ),
    Metric(
        "pos_fee_income",
        "POS 手续费收入",
        "POS fee income",
        unit=YUAN,
        kind=FLOW,
        source=TERMINAL_TXNS,
        aggregate=lambda p: _sum("fee", POS),
        summary_table="terminals",
        summary_position=6,
        summary_label="POS手续费收入",
        in_yuan=True,
    ),
    Metric(
        "atm_txn_count",
        "ATM 交易笔数",
        "ATM transactions",
        measure="笔",
        kind=FLOW,
        source=TERMINAL_TXNS,
        aggregate=_rows(ATM & ~Q(type="inquiry")),
        summary_table="terminals",
        summary_position=9,
        summary_label="ATM交易笔数",
    ),
    Metric(
        "atm_withdrawal_amount",
        "ATM 取款金额",
        "ATM withdrawals",
        unit=YUAN,
        kind=FLOW,
        source=TERMINAL_TXNS,
        aggregate=lambda p: _sum("amount", ATM & Q(type="withdrawal")),
    ),
    Metric(
        "dormant_pos",
        "连续三个月无交易 POS",
        "POS with no purchase for three months",
        measure="台",
        source=DORMANT_POS,
        aggregate=lambda p: Count("id"),
        dashboard=13,
        deduction=True,
    ),
)
# Online banking, in the order of docs/kpi.md: the customers of both kinds, then each kind's
# transfers (its totals, then by channel).
_NETBANK_ROWS = {"personal": 1, "corporate": 4}  # the summary table: a kind's customers, count, amount
register(
    *(
        Metric(
            f"netbank_{kind}_total",
            f"{kind_zh}网银客户",
            f"{kind_en} online-banking customers",
            measure="户",
            source=CUSTOMERS,
            aggregate=(lambda kind: _count(lambda p: p.in_force("signed_on", "closed_on") & Q(kind=kind)))(
                kind
            ),
            dashboard={"personal": 10, "corporate": 11}[kind],
            compared=kind == "personal",
            summary_table="netbank",
            summary_label=f"{kind_zh}网银客户（年末）",
            summary_position=_NETBANK_ROWS[kind],
        )
        for kind, (kind_zh, kind_en) in ONLINE_KINDS.items()
    ),
    *(
        Metric(
            f"new_netbank_{kind}",
            f"新增{kind_zh}网银",
            f"new {kind_en} online-banking customers",
            measure="户",
            kind=FLOW,
            source=CUSTOMERS,
            aggregate=(lambda kind: _count(lambda p: p.dated_in_year("signed_on") & Q(kind=kind)))(kind),
        )
        for kind, (kind_zh, kind_en) in ONLINE_KINDS.items()
    ),
)
# Mobile banking (手机银行): its customers, the new ones, and those active in E's month.
MOBILE = Q(kind="mobile")
register(
    Metric(
        "netbank_mobile_total",
        "手机银行客户",
        "mobile-banking customers",
        measure="户",
        source=CUSTOMERS,
        aggregate=_count(lambda p: p.in_force("signed_on", "closed_on") & MOBILE),
        dashboard=14,
        compared=True,
        summary_table="mobile",
        summary_label="手机银行客户（年末）",
        summary_position=1,
    ),
    Metric(
        "new_netbank_mobile",
        "新增手机银行客户",
        "new mobile-banking customers",
        measure="户",
        kind=FLOW,
        source=CUSTOMERS,
        aggregate=_count(lambda p: p.dated_in_year("signed_on") & MOBILE),
        summary_table="mobile",
        summary_label="其中：当年新增",
        summary_position=2,
    ),
    Metric(
        "mobile_active",
        "手机银行活跃客户",
        "active mobile-banking customers",
        measure="户",
        source=Source("active mobile-banking customers", rows_of=_mobile_active),
        aggregate=lambda p: Count("id"),
        dashboard=15,
        summary_table="mobile",
        summary_label="12月活跃客户",
        summary_position=3,
    ),
)
for _kind, (_kind_zh, _kind_en) in KINDS.items():
    _table = "mobile" if _kind == "mobile" else "netbank"
    _position = 3 if _kind == "mobile" else _NETBANK_ROWS[_kind]
    register(
        Metric(
            f"netbank_{_kind}_transfer_count",
            f"{_kind_zh}转账笔数",
            f"{_kind_en} transfers",
            measure="笔",
            kind=FLOW,
            derived=(lambda kind: lambda v: sum(v[f"netbank_{kind}_{c}_count"] for c in CHANNELS))(_kind),
            summary_table=_table,
            summary_label=f"{_kind_zh}转账笔数",
            summary_position=_position + 1,
        ),
        Metric(
            f"netbank_{_kind}_transfer_amount",
            f"{_kind_zh}转账金额",
            f"{_kind_en} transfer amount",
            unit=YUAN,
            kind=FLOW,
            derived=(lambda kind: lambda v: sum(v[f"netbank_{kind}_{c}_amount"] for c in CHANNELS))(_kind),
            dashboard=12 if _kind == "personal" else 0,
            trend=_kind == "personal",
            summary_table=_table,
            summary_label=f"{_kind_zh}转账金额",
            summary_position=_position + 2,
        ),
    )
    for _channel, (_channel_zh, _channel_en) in CHANNELS.items():
        _which = Q(kind=_kind, type=_channel)
        register(
            Metric(
                f"netbank_{_kind}_{_channel}_count",
                f"{_kind_zh}{_channel_zh}转账笔数",
                f"{_kind_en} {_channel_en} transfers",
                measure="笔",
                kind=FLOW,
                source=TRANSFERS,
                aggregate=_rows(_which),
            ),
            Metric(
                f"netbank_{_kind}_{_channel}_amount",
                f"{_kind_zh}{_channel_zh}转账金额",
                f"{_kind_en} {_channel_en} transfer amount",
                unit=YUAN,
                kind=FLOW,
                source=TRANSFERS,
                aggregate=(lambda which: lambda p: _sum("amount", which))(_which),
            ),
        )
# The rural cash-withdrawal service points (助农取款服务点).
register(
    Metric(
        "service_points_total",
        "助农取款服务点",
        "service points",
        measure="个",
        source=SERVICE_POINTS,
        aggregate=_count(lambda p: p.in_force("opened_on", "closed_on")),
        dashboard=16,
        summary_table="service_points",
        summary_label="助农取款服务点（年末）",
    ),
    Metric(
        "new_service_points",
        "新增助农取款服务点",
        "new service points",
        measure="个",
        kind=FLOW,
        source=SERVICE_POINTS,
        aggregate=_count(lambda p: p.dated_in_year("opened_on")),
        summary_table="service_points",
        summary_label="其中：当年新增",
    ),
    Metric(
        "service_point_txn_count",
        "助农取款交易笔数",
        "service point transactions",
        measure="笔",
        kind=FLOW,
        source=SERVICE_POINT_TXNS,
        aggregate=_rows(~Q(type="inquiry")),
        summary_table="service_points",
    ),
    Metric(
        "service_point_withdrawal_amount",
        "助农取款金额",
        "service point withdrawals",
        unit=YUAN,
        kind=FLOW,
        source=SERVICE_POINT_TXNS,
        aggregate=lambda p: _sum("amount", Q(type="withdrawal")),
        summary_table="service_points",
    ),
    Metric(
        "dormant_service_points",
        "连续三个月无交易服务点",
        "service points with no transaction for three months",
        measure="个",
        source=DORMANT_SERVICE_POINTS,
        aggregate=lambda p: Count("id"),
        summary_table="service_points",
        summary_label="连续三个月无交易",
        deduction=True,
    ),
)
# The summary's table of disbursements names the two programmes the seed's department pays.
_DISBURSEMENT_ROWS = {"pension": "养老金", "agri_subsidy": "涉农资金"}
for _program, (_program_zh, _program_en) in PROGRAMS.items():
    _paid = Q(program=_program)
    _row = _DISBURSEMENT_ROWS.get(_program)
    register(
        Metric(
            f"disbursed_{_program}_households",
            f"{_program_zh}代发户数",
            f"{_program_en} households paid",
            unit=HOUSEHOLDS,
            measure="户",
            kind=FLOW,
            source=DISBURSEMENTS,
            aggregate=(lambda paid: lambda p: Coalesce(Sum("households", filter=paid), 0))(_paid),
            summary_table="disbursements" if _row else None,
            summary_label=f"{_row}发放户数" if _row else None,
        ),
        Metric(
            f"disbursed_{_program}_amount",
            f"{_program_zh}代发金额",
            f"{_program_en} amount paid",
            unit=YUAN,
            kind=FLOW,
            source=DISBURSEMENTS,
            aggregate=(lambda paid: lambda p: _sum("amount", paid))(_paid),
            summary_table="disbursements" if _row else None,
            summary_label=f"{_row}发放金额" if _row else None,
        ),
    )


def _inspection_slots(period: Period, ids: set | None, by_branch: bool) -> dict:
    """The ATM security inspections of the quarter up to `as_of` (two windows a day for each ATM
    in force and in order, terminals.selectors): those missed, and those only entered late (补录)."""
    from django.utils import timezone

    from terminals.models import Terminal
    from terminals.selectors import inspection_slot_counts

    atms = Terminal.objects.filter(kind=Terminal.Kind.ATM)
    if ids is not None:
        atms = atms.filter(branch_id__in=ids)
    end = local_days(period.as_of, period.as_of)[1]
    return inspection_slot_counts(
        atms=atms,
        start=period.quarter_start,
        end=period.as_of,
        now=min(timezone.now(), end),
        by_branch=by_branch,
    )


INSPECTION_SLOTS = Computed("ATM inspection slots", _inspection_slots)
# The inspection discipline, by the quarter (the assessment may deduct points for it).
QUARTER = "quarter"
register(
    Metric(
        "missed_inspections",
        "ATM 安全检查漏检",
        "ATM inspections missed",
        measure="次",
        kind=QUARTER,
        computed=INSPECTION_SLOTS,
        assessable=False,
        deduction=True,
    ),
    Metric(
        "late_inspections",
        "ATM 安全检查补录",
        "ATM inspections entered late",
        measure="次",
        kind=QUARTER,
        computed=INSPECTION_SLOTS,
        assessable=False,
        deduction=True,
    ),
)


def _overdue_tickets(period: Period) -> QuerySet:
    """The tickets whose T+3 deadline fell in the quarter up to E and was not met (not closed by
    the end of that day)."""
    from django.db.models import F
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from netbanking.models import Ticket

    closed_day = TruncDate("closed_at", tzinfo=timezone.get_default_timezone())
    return (
        Ticket.objects.filter(deadline__gte=period.quarter_start, deadline__lte=period.as_of)
        .annotate(closed_day=closed_day)
        .filter(Q(closed_at__isnull=True) | Q(closed_day__gt=F("deadline")))
    )


register(
    Metric(
        "overdue_tickets",
        "网银工单超T+3",
        "tickets past T+3",
        measure="件",
        kind=QUARTER,
        source=Source("tickets past their deadline", rows_of=_overdue_tickets),
        aggregate=lambda p: Count("id"),
        assessable=False,
        deduction=True,
    ),
)
