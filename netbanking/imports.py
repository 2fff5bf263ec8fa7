"""The online-banking extracts (docs/extracts.md): `netbank_customers`, `netbank_transfers`."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from ebank.imports import columns as c
from ebank.imports.engine import CHANGED, CREATED
from ebank.imports.rules import DateOf, end_date_rules
from ebank.imports.spec import Extract, Reference, register
from ebank.imports.sql import lit, strip
from ebank.org.models import Branch

from .models import Customer, SecurityMedium, Transfer

MEDIA = [kind.value for kind in SecurityMedium.Kind]


class SecurityMedia(c.Kind):
    """One or more kinds of security medium joined by |, kept sorted and without repeats."""

    def reason(self) -> str:
        return _("must be one or more of %(choices)s joined by |") % {"choices": ", ".join(MEDIA)}

    def parse(self, value):
        kinds = [part.strip() for part in value.split("|")]
        if any(kind not in MEDIA for kind in kinds):
            raise ValueError(self.reason())
        return "|".join(sorted(set(kinds)))

    def sql_checks(self, cell):
        parts = f"unnest(string_to_array({cell}, '|'))"
        known = ", ".join(lit(kind) for kind in MEDIA)
        return [
            (f"EXISTS (SELECT 1 FROM {parts} AS k WHERE {strip('k')} NOT IN ({known}))", lit(self.reason()))
        ]

    def sql_value(self, cell):
        return (
            f'(SELECT string_agg(DISTINCT {strip("k")} COLLATE "C", \'|\' ORDER BY {strip("k")} COLLATE "C") '
            f"FROM unnest(string_to_array({cell}, '|')) AS k)"
        )


security_media = SecurityMedia()


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

    rules = end_date_rules(
        status="closed",
        end="closed_on",
        start="signed_on",
        required=pgettext_lazy("online banking customers", "required when the status is closed"),
        only=gettext_noop("only a closed customer has a closing date"),
        before=gettext_noop("must not be before signed_on"),
    )

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

    derived = {"txn_date": DateOf("txn_at")}

    def check(self, staging):
        early = staging.fetch(
            f"SELECT s.row_no, t.signed_on FROM {staging.table} AS s JOIN {Customer._meta.db_table} AS t "
            f"ON t.id = s.customer_id WHERE s.txn_date < t.signed_on ORDER BY s.row_no"
        )
        return [
            (row, "txn_at", _("before the customer signed on (%(date)s)") % {"date": signed})
            for row, signed in early
        ]
