"""Every figure of spec/kpi.md, for any date and scope, computed in the database: one selector
that the dashboard, the API, the command line, the exports, the assessment and the year-end
summary all call. The number of queries does not grow with the data."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from cards.models import Card, CardBalance, Disbursement
from ebank.org.models import Branch
from ebank.org.scoping import branch_subtree_ids
from netbanking.models import Customer, Transfer
from terminals.models import Merchant, Terminal, TerminalTxn
from terminals.selectors import dormant_pos, local_midnight

from .metrics import CHANNELS, KINDS, METRICS, PROGRAMS

CENT = Decimal("0.01")
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))


def _in_force(prefix: str, start: str, end: str, as_of: datetime.date) -> Q:
    return Q(**{f"{prefix}{start}__lte": as_of}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": as_of})
    )


def _sum(field: str, condition: Q) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), ZERO)


def figures(*, as_of: datetime.date, branch: Branch | None = None) -> dict[str, int | Decimal]:
    """Every metric of spec/kpi.md as of `as_of` for the union (branch None) or one branch with
    every branch below it. Counts are int; amounts Decimal with 2 places."""
    start = datetime.date(as_of.year, 1, 1)
    flow_from, flow_to = local_midnight(start), local_midnight(as_of + datetime.timedelta(days=1))
    ids = None if branch is None else branch_subtree_ids(branch=branch)

    def scoped(queryset, lookup="branch"):
        return queryset if ids is None else queryset.filter(**{f"{lookup}__in": ids})

    result: dict[str, int | Decimal] = {}

    # Cards.
    in_force = _in_force("", "issued_on", "closed_on", as_of)
    result.update(
        scoped(Card.objects).aggregate(
            cards_total=Count("id", filter=in_force),
            new_cards=Count("id", filter=Q(issued_on__gte=start, issued_on__lte=as_of)),
            sms_cards=Count("id", filter=in_force & Q(sms_alert=True, sms_since__lte=as_of)),
        )
    )
    latest = CardBalance.objects.filter(as_of__lte=as_of).aggregate(day=Max("as_of"))["day"]
    balance = Decimal(0)
    if latest is not None:
        balance = (
            scoped(CardBalance.objects.filter(as_of=latest), "card__branch")
            .filter(_in_force("card__", "issued_on", "closed_on", as_of))
            .aggregate(total=_sum("balance", Q()))["total"]
        )
    result["card_balance"] = balance.quantize(CENT)
    cards = result["cards_total"]
    result["avg_card_balance"] = (balance / cards).quantize(CENT, ROUND_HALF_UP) if cards else Decimal("0.00")

    # Merchants and terminals.
    result.update(
        scoped(Merchant.objects).aggregate(
            merchants_total=Count("id", filter=_in_force("", "signed_on", "terminated_on", as_of)),
            new_merchants=Count("id", filter=Q(signed_on__gte=start, signed_on__lte=as_of)),
        )
    )
    terminal_in_force = _in_force("", "installed_on", "removed_on", as_of)
    new_terminal = Q(installed_on__gte=start, installed_on__lte=as_of)
    result.update(
        scoped(Terminal.objects).aggregate(
            atms_total=Count("id", filter=terminal_in_force & Q(kind="atm")),
            new_atms=Count("id", filter=new_terminal & Q(kind="atm")),
            pos_total=Count("id", filter=terminal_in_force & Q(kind="pos")),
            new_pos=Count("id", filter=new_terminal & Q(kind="pos")),
        )
    )

    # Terminal transactions in the year to date.
    txns = scoped(TerminalTxn.objects.filter(txn_at__gte=flow_from, txn_at__lt=flow_to), "terminal__branch")
    pos, atm = Q(terminal__kind="pos"), Q(terminal__kind="atm")
    flows = txns.aggregate(
        pos_txn_count=Count("id", filter=pos & Q(txn_type="purchase")),
        purchases=_sum("amount", pos & Q(txn_type="purchase")),
        refunds=_sum("amount", pos & Q(txn_type="refund")),
        pos_fee_income=_sum("fee", pos),
        atm_txn_count=Count("id", filter=atm & ~Q(txn_type="inquiry")),
        atm_withdrawal_amount=_sum("amount", atm & Q(txn_type="withdrawal")),
    )
    result["pos_txn_count"] = flows["pos_txn_count"]
    result["pos_txn_amount"] = (flows["purchases"] - flows["refunds"]).quantize(CENT)
    result["pos_fee_income"] = flows["pos_fee_income"].quantize(CENT)
    result["atm_txn_count"] = flows["atm_txn_count"]
    result["atm_withdrawal_amount"] = flows["atm_withdrawal_amount"].quantize(CENT)
    result["dormant_pos"] = dormant_pos(queryset=scoped(Terminal.objects), as_of=as_of).count()

    # Online banking.
    customer_in_force = _in_force("", "signed_on", "closed_on", as_of)
    new_customer = Q(signed_on__gte=start, signed_on__lte=as_of)
    result.update(
        scoped(Customer.objects).aggregate(
            netbank_personal_total=Count("id", filter=customer_in_force & Q(kind="personal")),
            netbank_corporate_total=Count("id", filter=customer_in_force & Q(kind="corporate")),
            new_netbank_personal=Count("id", filter=new_customer & Q(kind="personal")),
            new_netbank_corporate=Count("id", filter=new_customer & Q(kind="corporate")),
        )
    )
    transfers = scoped(Transfer.objects.filter(txn_at__gte=flow_from, txn_at__lt=flow_to), "customer__branch")
    by_channel = {
        (row["customer__kind"], row["channel"]): row
        for row in transfers.values("customer__kind", "channel").annotate(n=Count("id"), total=Sum("amount"))
    }
    for kind in KINDS:
        count, amount = 0, Decimal(0)
        for channel in CHANNELS:
            row = by_channel.get((kind, channel), {"n": 0, "total": Decimal(0)})
            result[f"netbank_{kind}_{channel}_count"] = row["n"]
            result[f"netbank_{kind}_{channel}_amount"] = (row["total"] or Decimal(0)).quantize(CENT)
            count, amount = count + row["n"], amount + (row["total"] or Decimal(0))
        result[f"netbank_{kind}_transfer_count"] = count
        result[f"netbank_{kind}_transfer_amount"] = amount.quantize(CENT)

    # Disbursements.
    paid = scoped(Disbursement.objects.filter(paid_on__gte=start, paid_on__lte=as_of))
    by_program = {
        row["program"]: row
        for row in paid.values("program").annotate(households=Sum("households"), total=Sum("amount"))
    }
    for program in PROGRAMS:
        row = by_program.get(program, {"households": 0, "total": Decimal(0)})
        result[f"disbursed_{program}_households"] = row["households"] or 0
        result[f"disbursed_{program}_amount"] = (row["total"] or Decimal(0)).quantize(CENT)
    return {metric.code: result[metric.code] for metric in METRICS}


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
