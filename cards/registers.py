"""The cards area's registers, declared to the registers kit: the card risk inspections
(金农卡风险安全检查登记簿) a branch records of its blank cards and PIN mailers, and the important
blank vouchers' movements (重要空白凭证交接登记簿), counter-signed, whose stock reconciles by month."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ebank.org.scoping import scoped_branches
from ebank.registers.declarations import BRANCH_HEAD, CHECKED_BY, ENTERED_BY, Register, register

from . import selectors
from .models import BlankVoucherLog, CardRiskCheck

register(
    Register(
        model=CardRiskCheck,
        route="card-risk-checks",
        position=8,
        moved_from="terminals",
        signers=(CHECKED_BY, BRANCH_HEAD),
    )
)


def _stock_of_two_months(request) -> dict:
    """Above the blank-voucher register: each branch's stock of each voucher, this month and the
    last, reconciled (opening + received − issued + returned = closing); a difference is flagged."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    branches = scoped_branches(user=request.user)
    return {
        "months": [
            (month, selectors.voucher_stock(branches=branches, month=month))
            for month in (this_month, last_month)
        ]
    }


register(
    Register(
        model=BlankVoucherLog,
        route="blank-vouchers",
        position=9,
        signers=(ENTERED_BY, gettext_lazy("counter-signed by"), BRANCH_HEAD),
        second_person="countersigned_by",
        summary=_stock_of_two_months,
        summary_template="admin/cards/voucher_stock.html",
    )
)
