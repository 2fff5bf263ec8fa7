"""The online-banking extracts (docs/extracts.md): `netbank_customers`, `netbank_transfers`."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ebank.imports import columns as c
from ebank.imports.engine import CHANGED, CREATED
from ebank.imports.spec import Extract, Reference, end_date_problems, register
from ebank.org.models import Branch

from .models import Customer, SecurityMedium, Transfer

MEDIA = [kind.value for kind in SecurityMedium.Kind]


def security_media(value: str) -> str:
    kinds = [part.strip() for part in value.split("|")]
    unknown = [kind for kind in kinds if kind not in MEDIA]
    if unknown or not kinds:
        raise ValueError(_("must be one or more of %(choices)s joined by |") % {"choices": ", ".join(MEDIA)})
    return "|".join(sorted(set(kinds)))


@register
class CustomersExtract(Extract):
    kind = "netbank_customers"
    title = "网银客户"
    model = Customer
    columns = [
        c.Column("customer_no", "客户号", c.text(32)),
        c.Column("kind", "客户类型", c.choice(*Customer.Kind.values)),
        c.Column("name", "客户名称", c.text(100)),
        c.Column("branch_code", "签约机构", c.text(12)),
        c.Column("signed_on", "签约日期", c.date),
        c.Column("status", "状态", c.choice("active", "closed")),
        c.Column("closed_on", "注销日期", c.date, required=False),
        c.Column("security_media", "安全介质", security_media),
    ]
    natural_key = ("customer_no",)
    key_column = "customer_no"
    key = ("customer_no",)
    fields = (
        "customer_no",
        "kind",
        "name",
        "branch_id",
        "signed_on",
        "status",
        "closed_on",
        "security_media",
    )
    extra = {"branch_code": "text"}
    references = [Reference("branch_code", "branch_code", Branch, "code", "branch_id")]

    def stage(self, v):
        errors = end_date_problems(
            v,
            status="closed",
            end="closed_on",
            start="signed_on",
            required=gettext_noop("required when the status is closed"),
            only=gettext_noop("only a closed customer has a closing date"),
            before=gettext_noop("must not be before signed_on"),
        )
        if errors:
            return {}, errors
        return {
            name: v[name]
            for name in (
                "customer_no",
                "kind",
                "name",
                "branch_code",
                "signed_on",
                "status",
                "closed_on",
                "security_media",
            )
        }, []

    def write(self, staging, *, by, reason):
        super().write(staging, by=by, reason=reason)
        # Every kind of medium the extract names gets a medium in use: issued on signing for a new
        # customer, today for a kind added later.
        media = SecurityMedium._meta.db_table
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        # One statement for every kind (a derived table of the kinds): each NOT EXISTS then looks
        # only at the media there were before, and the planner, with fresh statistics of the
        # customers just written, joins instead of scanning the media once per customer.
        staging.analyze_target()
        kinds = " UNION ALL ".join("SELECT %s AS kind" for _kind in MEDIA)
        staging.execute(
            f"INSERT INTO {media} (customer_id, kind, serial_no, issued_on, status, reason) "
            f"SELECT t.id, k.kind, '', CASE WHEN s.action = %s THEN t.signed_on ELSE %s END, %s, '' "
            f"FROM {staging.target} AS t JOIN {staging.table} AS s ON s.target_id = t.id "
            f"CROSS JOIN ({kinds}) AS k "
            f"WHERE s.action IN (%s, %s) "
            f"AND ('|' || t.security_media || '|') LIKE ('%%|' || k.kind || '|%%') "
            f"AND NOT EXISTS (SELECT 1 FROM {media} AS m WHERE m.customer_id = t.id "
            f"AND m.kind = k.kind AND m.status = %s)",
            [
                CREATED,
                today,
                SecurityMedium.Status.IN_USE,
                *MEDIA,
                CREATED,
                CHANGED,
                SecurityMedium.Status.IN_USE,
            ],
        )


@register
class TransfersExtract(Extract):
    """Millions of rows: no history row per transfer; the ImportRun is the record."""

    kind = "netbank_transfers"
    title = "网银转账"
    model = Transfer
    columns = [
        c.Column("reference", "流水号", c.text(40)),
        c.Column("customer_no", "客户号", c.text(32)),
        c.Column("txn_at", "交易时间", c.date_time),
        c.Column("channel", "渠道", c.choice("intra", "inter", "nxy")),
        c.Column("amount", "金额", c.amount(strictly_positive=True)),
    ]
    natural_key = ("reference",)
    key_column = "reference"
    key = ("reference",)
    fields = ("reference", "customer_id", "txn_at", "channel", "amount")
    extra = {"customer_no": "text", "txn_date": "date"}
    references = [Reference("customer_no", "customer_no", Customer, "customer_no", "customer_id")]
    record = None

    def stage(self, v):
        return {
            "reference": v["reference"],
            "customer_no": v["customer_no"],
            "txn_at": v["txn_at"],
            "txn_date": v["txn_at"].date(),
            "channel": v["channel"],
            "amount": v["amount"],
        }, []

    def check(self, staging):
        early = staging.fetch(
            f"SELECT s.row_no, t.signed_on FROM {staging.table} AS s JOIN {Customer._meta.db_table} AS t "
            f"ON t.id = s.customer_id WHERE s.txn_date < t.signed_on ORDER BY s.row_no"
        )
        return [
            (row, "txn_at", _("before the customer signed on (%(date)s)") % {"date": signed})
            for row, signed in early
        ]
