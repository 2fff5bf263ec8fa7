"""The extracts of the card business (docs/extracts.md): `cards`, `card_balances`, `disbursements`."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop, pgettext_lazy

from ebank.imports import columns as c
from ebank.imports.engine import CHANGED
from ebank.imports.rules import (
    CardMasked,
    Hashed,
    Last4,
    ResidentIdHashed,
    ResidentIdMasked,
    Rule,
    col,
    end_date_rules,
)
from ebank.imports.spec import Extract, Reference, register
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

    rules = [
        *end_date_rules(
            status="closed",
            end="closed_on",
            start="issued_on",
            required=pgettext_lazy("cards", "required when the status is closed"),
            only=gettext_noop("only a closed card has a closing date"),
            before=gettext_noop("must not be before issued_on"),
        ),
        Rule(
            "sms_since",
            gettext_noop("required when sms_alert is 1"),
            col("sms_alert").is_true() & col("sms_since").is_null(),
        ),
        Rule(
            "sms_since",
            gettext_noop("only given when sms_alert is 1"),
            ~col("sms_alert").is_true() & col("sms_since").not_null(),
        ),
        Rule("sms_since", gettext_noop("must not be before issued_on"), col("sms_since") < col("issued_on")),
    ]
    derived = {
        "number_hash": Hashed("card_no"),
        "number_masked": CardMasked("card_no"),
        "last4": Last4("card_no"),
        "holder_id_hash": ResidentIdHashed("holder_id_no"),
        "holder_id_masked": ResidentIdMasked("holder_id_no"),
    }


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

    derived = {"card_hash": Hashed("card_no"), "card_masked": CardMasked("card_no")}

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
