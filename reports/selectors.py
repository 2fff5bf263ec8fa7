"""Every figure of spec/kpi.md, for any date and scope, computed in the database: one selector
that the dashboard, the API, the command line, the exports, the assessment and the year-end
summary all call. The number of queries does not grow with the data."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from cards.models import Card, CardBalance, Disbursement
from ebank.dates import in_force_q, local_midnight
from ebank.org.models import Branch
from ebank.org.scoping import branch_subtree_ids
from netbanking.models import Customer, Transfer
from terminals.models import Merchant, Terminal, TerminalTxn
from terminals.selectors import dormant_pos

from .metrics import CHANNELS, KINDS, METRICS

CENT = Decimal("0.01")
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), ZERO)


def _raw(*, as_of: datetime.date, ids: set[int] | None, by_branch: bool) -> dict:
    """The sums and counts behind every metric, in the database: for the rows of the branches
    `ids` (None: the whole union), grouped by the row's branch when `by_branch` ({branch id:
    values}), else one group ({None: values})."""
    start = datetime.date(as_of.year, 1, 1)
    flow_from, flow_to = local_midnight(start), local_midnight(as_of + datetime.timedelta(days=1))
    groups: dict[int | None, dict] = defaultdict(lambda: defaultdict(int))

    def collect(queryset, lookup: str, keys: tuple[str, ...] = (), **aggregates):
        """Aggregate over the branches in scope; return {(group, *keys): values}."""
        if ids is not None:
            queryset = queryset.filter(**{f"{lookup}__in": ids})
        names = ([lookup] if by_branch else []) + list(keys)
        if not names:
            return {(None,): queryset.aggregate(**aggregates)}
        rows = queryset.order_by().values(*names).annotate(**aggregates)
        return {((row[lookup] if by_branch else None), *(row[key] for key in keys)): row for row in rows}

    def add(found):
        for (group, *_keys), values in found.items():
            for name, value in values.items():
                if name in AGGREGATED:
                    groups[group][name] += value or 0

    # Cards.
    in_force = in_force_q(as_of=as_of, start="issued_on", end="closed_on")
    add(
        collect(
            Card.objects,
            "branch",
            cards_total=Count("id", filter=in_force),
            new_cards=Count("id", filter=Q(issued_on__gte=start, issued_on__lte=as_of)),
            sms_cards=Count("id", filter=in_force & Q(sms_alert=True, sms_since__lte=as_of)),
        )
    )
    latest = CardBalance.objects.filter(as_of__lte=as_of).aggregate(day=Max("as_of"))["day"]
    if latest is not None:
        add(
            collect(
                CardBalance.objects.filter(as_of=latest).filter(
                    in_force_q(as_of=as_of, start="issued_on", end="closed_on", prefix="card__")
                ),
                "card__branch",
                card_balance=_sum("balance", Q()),
            )
        )

    # Merchants and terminals.
    add(
        collect(
            Merchant.objects,
            "branch",
            merchants_total=Count(
                "id", filter=in_force_q(as_of=as_of, start="signed_on", end="terminated_on")
            ),
            new_merchants=Count("id", filter=Q(signed_on__gte=start, signed_on__lte=as_of)),
        )
    )
    terminal_in_force = in_force_q(as_of=as_of, start="installed_on", end="removed_on")
    new_terminal = Q(installed_on__gte=start, installed_on__lte=as_of)
    add(
        collect(
            Terminal.objects,
            "branch",
            atms_total=Count("id", filter=terminal_in_force & Q(kind="atm")),
            new_atms=Count("id", filter=new_terminal & Q(kind="atm")),
            pos_total=Count("id", filter=terminal_in_force & Q(kind="pos")),
            new_pos=Count("id", filter=new_terminal & Q(kind="pos")),
        )
    )

    # Terminal transactions in the year to date.
    pos, atm = Q(terminal__kind="pos"), Q(terminal__kind="atm")
    add(
        collect(
            TerminalTxn.objects.filter(txn_at__gte=flow_from, txn_at__lt=flow_to),
            "terminal__branch",
            pos_txn_count=Count("id", filter=pos & Q(txn_type="purchase")),
            purchases=_sum("amount", pos & Q(txn_type="purchase")),
            refunds=_sum("amount", pos & Q(txn_type="refund")),
            pos_fee_income=_sum("fee", pos),
            atm_txn_count=Count("id", filter=atm & ~Q(txn_type="inquiry")),
            atm_withdrawal_amount=_sum("amount", atm & Q(txn_type="withdrawal")),
        )
    )
    add(collect(dormant_pos(queryset=Terminal.objects.all(), as_of=as_of), "branch", dormant_pos=Count("id")))

    # Online banking.
    customer_in_force = in_force_q(as_of=as_of, start="signed_on", end="closed_on")
    new_customer = Q(signed_on__gte=start, signed_on__lte=as_of)
    add(
        collect(
            Customer.objects,
            "branch",
            netbank_personal_total=Count("id", filter=customer_in_force & Q(kind="personal")),
            netbank_corporate_total=Count("id", filter=customer_in_force & Q(kind="corporate")),
            new_netbank_personal=Count("id", filter=new_customer & Q(kind="personal")),
            new_netbank_corporate=Count("id", filter=new_customer & Q(kind="corporate")),
        )
    )
    transfers = collect(
        Transfer.objects.filter(txn_at__gte=flow_from, txn_at__lt=flow_to),
        "customer__branch",
        ("customer__kind", "channel"),
        n=Count("id"),
        total=Sum("amount"),
    )
    for (group, kind, channel), row in transfers.items():
        groups[group][f"netbank_{kind}_{channel}_count"] += row["n"]
        groups[group][f"netbank_{kind}_{channel}_amount"] += row["total"] or 0

    # Disbursements.
    paid = collect(
        Disbursement.objects.filter(paid_on__gte=start, paid_on__lte=as_of),
        "branch",
        ("program",),
        households=Sum("households"),
        total=Sum("amount"),
    )
    for (group, program), row in paid.items():
        groups[group][f"disbursed_{program}_households"] += row["households"] or 0
        groups[group][f"disbursed_{program}_amount"] += row["total"] or 0
    return groups


# The sums and counts _raw() adds up per group; every metric is one of them or made from them.
AGGREGATED = {
    "cards_total",
    "new_cards",
    "sms_cards",
    "card_balance",
    "merchants_total",
    "new_merchants",
    "atms_total",
    "new_atms",
    "pos_total",
    "new_pos",
    "pos_txn_count",
    "purchases",
    "refunds",
    "pos_fee_income",
    "atm_txn_count",
    "atm_withdrawal_amount",
    "dormant_pos",
    "netbank_personal_total",
    "netbank_corporate_total",
    "new_netbank_personal",
    "new_netbank_corporate",
}


def _metrics(raw: dict) -> dict[str, int | Decimal]:
    """Every metric of spec/kpi.md from the summed raw values of one scope."""
    result: dict[str, int | Decimal] = {}
    for metric in METRICS:
        value = raw.get(metric.code, 0)
        result[metric.code] = Decimal(value).quantize(CENT) if metric.amount else int(value)
    result["pos_txn_amount"] = (Decimal(raw.get("purchases", 0)) - raw.get("refunds", 0)).quantize(CENT)
    for kind in KINDS:
        channels = [f"netbank_{kind}_{channel}" for channel in CHANNELS]
        result[f"netbank_{kind}_transfer_count"] = sum(result[f"{name}_count"] for name in channels)
        result[f"netbank_{kind}_transfer_amount"] = sum(result[f"{name}_amount"] for name in channels)
    cards, balance = result["cards_total"], result["card_balance"]
    result["avg_card_balance"] = (balance / cards).quantize(CENT, ROUND_HALF_UP) if cards else Decimal("0.00")
    return result


def figures(*, as_of: datetime.date, branch: Branch | None = None) -> dict[str, int | Decimal]:
    """Every metric of spec/kpi.md as of `as_of` for the union (branch None) or one branch with
    every branch below it. Counts are int; amounts Decimal with 2 places."""
    ids = None if branch is None else set(branch_subtree_ids(branch=branch))
    return _metrics(_raw(as_of=as_of, ids=ids, by_branch=False)[None])


def figures_for_branches(*, as_of: datetime.date, branches: list[Branch]) -> dict[Branch, dict]:
    """`figures` for several branches at once, each with every branch below it, in one pass over
    each table (grouped by branch) instead of one pass per branch: the quarterly assessment."""
    subtrees = {branch: set(branch_subtree_ids(branch=branch)) for branch in branches}
    ids = set().union(*subtrees.values()) if subtrees else set()
    by_branch = _raw(as_of=as_of, ids=ids, by_branch=True)
    result = {}
    for branch, subtree in subtrees.items():
        summed: dict[str, int | Decimal] = defaultdict(int)
        for branch_id in subtree & by_branch.keys():
            for name, value in by_branch[branch_id].items():
                summed[name] += value
        result[branch] = _metrics(summed)
    return result


def figures_as_json(values: dict[str, int | Decimal]) -> dict[str, int | str]:
    """spec/cli.md's form: counts as integers, amounts as strings with exactly two decimals."""
    return {code: f"{value:.2f}" if isinstance(value, Decimal) else value for code, value in values.items()}


def union_plan(*, year: int, metric: str, quarter: int = 4) -> Decimal | None:
    """The union's plan for a metric (spec/kpi.md): the sum of that quarter's targets of every
    branch that has one; the annual plan is quarter 4's. None when no branch has a target."""
    from .models import Target

    total = Target.objects.filter(year=year, quarter=quarter, metric=metric).aggregate(total=Sum("target"))[
        "total"
    ]
    return None if total is None else total.quantize(CENT)


def union_plan_completion(*, year: int, metric: str) -> Decimal | None:
    """The union's completion of its annual plan, in %, rounded half-up (61,886 / 60,000 = 103.14)."""
    plan = union_plan(year=year, metric=metric)
    if not plan:
        return None
    actual = Decimal(figures(as_of=datetime.date(year, 12, 31))[metric])
    return (actual * 100 / plan).quantize(CENT, ROUND_HALF_UP)
