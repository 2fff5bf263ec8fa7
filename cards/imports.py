"""The extracts of the card business (docs/extracts.md): `cards`, `card_balances`, `disbursements`."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ebank import pii
from ebank.imports import columns as c
from ebank.imports.engine import CHANGED
from ebank.imports.spec import Extract, Reference, end_date_problems, register
from ebank.org.models import Branch

from .models import BalanceRevision, Card, CardBalance, Disbursement


def _branch_reference():
    return Reference("branch_code", "branch_code", Branch, "code", "branch_id")


@register
class CardsExtract(Extract):
    kind = "cards"
    title = "金农卡"
    model = Card
    columns = [
        c.Column("card_no", "卡号", c.card_number, sensitive=True),
        c.Column("holder_name", "持卡人", c.text(60)),
        c.Column("holder_id_no", "证件号码", c.resident_id, sensitive=True),
        c.Column("branch_code", "发卡机构", c.text(12)),
        c.Column("issued_on", "发卡日期", c.date),
        c.Column("status", "卡状态", c.choice("active", "lost", "frozen", "closed")),
        c.Column("closed_on", "销卡日期", c.date, required=False),
        c.Column("sms_alert", "短信通知", c.boolean),
        c.Column("sms_since", "短信开通日期", c.date, required=False),
    ]
    natural_key = ("number_hash",)
    key_column = "card_no"
    key = ("number_hash",)
    fields = (
        "number_hash",
        "number_masked",
        "last4",
        "holder_name",
        "holder_id_hash",
        "holder_id_masked",
        "branch_id",
        "issued_on",
        "status",
        "closed_on",
        "sms_alert",
        "sms_since",
    )
    extra = {"branch_code": "text"}
    references = [_branch_reference()]

    def stage(self, v):
        errors = end_date_problems(
            v,
            status="closed",
            end="closed_on",
            start="issued_on",
            required=gettext_noop("required when the status is closed"),
            only=gettext_noop("only a closed card has a closing date"),
            before=gettext_noop("must not be before issued_on"),
        )
        if v["sms_alert"] and v["sms_since"] is None:
            errors.append(("sms_since", _("required when sms_alert is 1")))
        if not v["sms_alert"] and v["sms_since"] is not None:
            errors.append(("sms_since", _("only given when sms_alert is 1")))
        if v["sms_since"] and v["sms_since"] < v["issued_on"]:
            errors.append(("sms_since", _("must not be before issued_on")))
        if errors:
            return {}, errors
        number, id_no = v["card_no"], v["holder_id_no"]
        return {
            "number_hash": pii.keyed_hash(number),
            "number_masked": pii.card_mask(number),
            "last4": number[-4:],
            "holder_name": v["holder_name"],
            "holder_id_hash": pii.resident_id_hash(id_no),
            "holder_id_masked": pii.resident_id_mask(id_no),
            "branch_code": v["branch_code"],
            "issued_on": v["issued_on"],
            "status": v["status"],
            "closed_on": v["closed_on"],
            "sms_alert": v["sms_alert"],
            "sms_since": v["sms_since"],
        }, []


@register
class CardBalancesExtract(Extract):
    """Month-end balances: millions of rows, so no history row per snapshot; the ImportRun is
    the record of what was created, and a corrected balance keeps its old value."""

    kind = "card_balances"
    title = "卡余额"
    model = CardBalance
    columns = [
        c.Column("card_no", "卡号", c.card_number, sensitive=True),
        c.Column("as_of", "余额日期", c.date),
        c.Column("balance", "余额", c.amount()),
    ]
    natural_key = ("card_hash", "as_of")
    key_column = "card_no"
    key = ("card_id", "as_of")
    fields = ("card_id", "as_of", "balance")
    extra = {"card_hash": "text", "card_masked": "text"}
    references = [Reference("card_no", "card_hash", Card, "number_hash", "card_id", display="card_masked")]
    record = None

    def stage(self, v):
        number = v["card_no"]
        return {
            "card_hash": pii.keyed_hash(number),
            "card_masked": pii.card_mask(number),
            "as_of": v["as_of"],
            "balance": v["balance"],
        }, []

    def write(self, staging, *, by, reason):
        revisions = BalanceRevision._meta.db_table
        staging.execute(
            f"INSERT INTO {revisions} (balance_id, old_balance, new_balance, changed_at, "
            f"changed_by_id, reason) SELECT t.id, t.balance, s.balance, %s, %s, %s "
            f"FROM {staging.target} AS t JOIN {staging.table} AS s ON s.target_id = t.id "
            f"WHERE s.action = %s",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                by.pk if by else None,
                reason[:200],
                CHANGED,
            ],
        )
        super().write(staging, by=by, reason=reason)


@register
class DisbursementsExtract(Extract):
    kind = "disbursements"
    title = "代发资金"
    model = Disbursement
    columns = [
        c.Column("program", "项目", c.choice("pension", "agri_subsidy", "salary", "other")),
        c.Column("paid_on", "发放日期", c.date),
        c.Column("branch_code", "发放机构", c.text(12)),
        c.Column("households", "户数", c.integer(minimum=0, maximum=2_147_483_647)),
        c.Column("amount", "金额", c.amount()),
    ]
    natural_key = ("program", "paid_on", "branch_code")
    key_column = "program"
    key = ("program", "paid_on", "branch_id")
    fields = ("program", "paid_on", "branch_id", "households", "amount")
    extra = {"branch_code": "text"}
    references = [_branch_reference()]

    def stage(self, v):
        return {name: v[name] for name in ("program", "paid_on", "branch_code", "households", "amount")}, []
