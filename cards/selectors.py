"""Reads on cards that carry logic."""

import datetime

from django.db.models import QuerySet

from ebank import pii


def cards_matching(*, queryset: QuerySet, term: str) -> QuerySet:
    """Find cards by what a clerk types: a full card number, its last four digits, the holder's
    ID number, or the holder's name. Full numbers are looked up by their keyed hash."""
    term = term.strip().replace(" ", "")
    if term.isdigit() and 16 <= len(term) <= 19:
        return queryset.filter(number_hash=pii.keyed_hash(term))
    if term.isdigit() and len(term) == 4:
        return queryset.filter(last4=term)
    if len(term) == 18 and term[:17].isdigit():
        return queryset.filter(holder_id_hash=pii.resident_id_hash(term))
    return queryset.filter(holder_name=term)


def card_risk_checks_unrectified(*, queryset: QuerySet) -> QuerySet:
    """Card risk inspections whose findings still await rectification (the standing entries)."""
    from ebank.registers.selectors import entries_current

    return entries_current(queryset=queryset).exclude(findings="").filter(rectified_on__isnull=True)


def voucher_stock(*, branches: QuerySet, month: datetime.date) -> list[dict]:
    """The important blank vouchers' stock of each branch (of `branches`) and voucher for a month:
    the opening stock (counted at the last movement before the month), what was received, issued
    and given back in it, the closing stock counted at its last movement, and the difference from
    opening + received − issued + returned (0 when it reconciles). `breaks` lists the movements
    whose counted stock does not follow from the one before — where a difference arose."""
    from ebank.dates import local_midnight, next_month_start
    from ebank.registers.selectors import entries_current

    from .models import BlankVoucherLog

    first = month.replace(day=1)
    after = next_month_start(first)
    start, end = local_midnight(first), local_midnight(after)
    entries = (
        entries_current(queryset=BlankVoucherLog.objects.filter(branch__in=branches, occurred_at__lt=end))
        .select_related("branch")
        .order_by("branch__code", "item", "occurred_at", "id")
    )
    rows: dict[tuple, dict] = {}
    previous: dict[tuple, int] = {}
    labels = dict(BlankVoucherLog.Item.choices)
    for entry in entries:
        key = (entry.branch.code, entry.item)
        movement = entry.received - entry.issued + entry.returned
        if entry.occurred_at < start:
            previous[key] = entry.balance
            continue
        row = rows.setdefault(
            key,
            {
                "branch": entry.branch,
                "item": entry.item,
                "item_label": labels[entry.item],
                "opening": previous.get(key, 0),
                "received": 0,
                "issued": 0,
                "returned": 0,
                "breaks": [],
            },
        )
        if entry.balance != previous.get(key, 0) + movement:
            row["breaks"].append(entry)
        row["received"] += entry.received
        row["issued"] += entry.issued
        row["returned"] += entry.returned
        row["closing"] = previous[key] = entry.balance
    # A voucher in stock that did not move this month still has its line.
    branch_of = {b.code: b for b in branches.filter(code__in={code for code, _item in previous})}
    for (code, item), stock in previous.items():
        if (code, item) not in rows and stock and code in branch_of:
            rows[(code, item)] = {
                "branch": branch_of[code],
                "item": item,
                "item_label": labels[item],
                "opening": stock,
                "received": 0,
                "issued": 0,
                "returned": 0,
                "breaks": [],
                "closing": stock,
            }
    result = []
    for row in sorted(rows.values(), key=lambda r: (r["branch"].code, r["item"])):
        row["expected"] = row["opening"] + row["received"] - row["issued"] + row["returned"]
        row["difference"] = row["closing"] - row["expected"]
        result.append(row)
    return result
