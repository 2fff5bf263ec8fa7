"""The extracts of terminals (docs/extracts.md): `merchants`, `terminals`, `terminal_txns`, and the
service points' `service_points` and `service_point_txns`."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from ebank.imports import columns as c
from ebank.imports.rules import CardMasked, DateOf, Hashed, Rule, col, end_date_rules
from ebank.imports.spec import Extract, Reference, register
from ebank.org.models import Branch

from .models import Merchant, ServicePoint, ServicePointTxn, Terminal, TerminalStatusPeriod, TerminalTxn
from .status import status_sync

TYPES_BY_KIND = {
    "pos": ("purchase", "refund"),
    "atm": ("withdrawal", "deposit", "transfer", "inquiry"),
}
INQUIRY_RULE = Rule(
    "amount",
    gettext_noop("must be 0 for a balance inquiry"),
    (col("txn_type") == "inquiry") & (col("amount") != 0),
)


def _branch():
    return Reference("branch_code", "branch_code", Branch, "code", "branch_id")


@register
class MerchantsExtract(Extract):
    kind = "merchants"
    title = "特约商户"
    model = Merchant
    columns = [
        c.Column(
            "merchant_no", "商户编号", c.pattern(r"[0-9A-Za-z]{15}", gettext_lazy("15 letters or digits"))
        ),
        c.Column("name", "商户名称", c.text(100)),
        c.Column("branch_code", "签约机构", c.text(12)),
        c.Column("mcc", "商户类别码", c.pattern(r"[0-9]{4}", gettext_lazy("4 digits"))),
        c.Column("signed_on", "签约日期", c.date),
        c.Column("status", "状态", c.choice("active", "terminated")),
        c.Column("terminated_on", "解约日期", c.date, required=False),
    ]
    natural_key = ("merchant_no",)
    key_column = "merchant_no"
    key = ("merchant_no",)
    fields = ("merchant_no", "name", "branch_id", "mcc", "signed_on", "status", "terminated_on")
    extra = {"branch_code": "text"}
    references = [_branch()]

    rules = end_date_rules(
        status="terminated",
        end="terminated_on",
        start="signed_on",
        required=gettext_noop("required when the status is terminated"),
        only=gettext_noop("only a terminated merchant has this date"),
        before=gettext_noop("must not be before signed_on"),
    )


@register
class TerminalsExtract(Extract):
    kind = "terminals"
    title = "机具"
    model = Terminal
    columns = [
        c.Column("terminal_no", "终端号", c.pattern(r"[0-9A-Za-z]{8}", gettext_lazy("8 letters or digits"))),
        c.Column("kind", "类型", c.choice("atm", "pos")),
        c.Column("serial_no", "设备序列号", c.text(40)),
        c.Column("model", "型号", c.text(60)),
        c.Column("branch_code", "管理机构", c.text(12)),
        c.Column("merchant_no", "商户编号", c.text(15), required=False),
        c.Column("location", "布放地址", c.text(200)),
        c.Column("installed_on", "布放日期", c.date),
        c.Column("status", "状态", c.choice("in_service", "faulty", "removed")),
        c.Column("removed_on", "撤机日期", c.date, required=False),
    ]
    natural_key = ("terminal_no",)
    key_column = "terminal_no"
    key = ("terminal_no",)
    fields = (
        "terminal_no",
        "kind",
        "serial_no",
        "model",
        "branch_id",
        "merchant_id",
        "location",
        "installed_on",
        "status",
        "removed_on",
    )
    extra = {"branch_code": "text", "merchant_no": "text"}
    references = [_branch(), Reference("merchant_no", "merchant_no", Merchant, "merchant_no", "merchant_id")]

    rules = [
        Rule(
            "merchant_no",
            gettext_noop("required for a POS"),
            (col("kind") == "pos") & col("merchant_no").is_null(),
        ),
        Rule(
            "merchant_no",
            gettext_noop("only a POS stands at a merchant"),
            (col("kind") != "pos") & col("merchant_no").not_null(),
        ),
        *end_date_rules(
            status="removed",
            end="removed_on",
            start="installed_on",
            required=gettext_noop("required when the status is removed"),
            only=gettext_noop("only a removed terminal has this date"),
            before=gettext_noop("must not be before installed_on"),
        ),
    ]

    def write(self, staging, *, by, reason: str) -> None:
        """The rows, then each terminal's status periods: a new terminal is in service from its
        installation; a status the file changes takes effect now (a removal on its date)."""
        super().write(staging, by=by, reason=reason)
        status_sync(
            terminal_model=Terminal, period_model=TerminalStatusPeriod, at=timezone.now(), reason=reason
        )


@register
class TerminalTxnsExtract(Extract):
    """Tens of millions of rows: no history row per transaction; the ImportRun is the record."""

    kind = "terminal_txns"
    title = "机具交易"
    model = TerminalTxn
    columns = [
        c.Column("reference", "流水号", c.text(40)),
        c.Column("terminal_no", "终端号", c.text(8)),
        c.Column("txn_at", "交易时间", c.date_time),
        c.Column("txn_type", "交易类型", c.choice(*TYPES_BY_KIND["pos"], *TYPES_BY_KIND["atm"])),
        c.Column("amount", "金额", c.amount()),
        c.Column("fee", "手续费收入", c.amount(minimum=None)),
        c.Column("card_no", "卡号", c.card_number, required=False, sensitive=True),
    ]
    natural_key = ("reference",)
    key_column = "reference"
    key = ("reference",)
    fields = ("reference", "terminal_id", "txn_at", "txn_type", "amount", "fee", "card_hash", "card_masked")
    extra = {"terminal_no": "text", "txn_date": "date"}
    references = [Reference("terminal_no", "terminal_no", Terminal, "terminal_no", "terminal_id")]
    record = None

    rules = [INQUIRY_RULE]
    derived = {
        "txn_date": DateOf("txn_at"),
        "card_hash": Hashed("card_no", empty=""),
        "card_masked": CardMasked("card_no", empty=""),
    }

    def check(self, staging):
        terminals = Terminal._meta.db_table
        pos_types = ", ".join(f"'{t}'" for t in TYPES_BY_KIND["pos"])
        wrong_kind = staging.fetch(
            f"SELECT s.row_no, t.kind FROM {staging.table} AS s "
            f"JOIN {terminals} AS t ON t.id = s.terminal_id "
            f"WHERE (t.kind = 'pos') <> (s.txn_type IN ({pos_types})) ORDER BY s.row_no"
        )
        early = staging.fetch(
            f"SELECT s.row_no, t.installed_on FROM {staging.table} AS s JOIN {terminals} AS t "
            f"ON t.id = s.terminal_id WHERE s.txn_date < t.installed_on ORDER BY s.row_no"
        )
        return [
            *(
                (row, "txn_type", _("does not fit a terminal of type %(kind)s") % {"kind": kind})
                for row, kind in wrong_kind
            ),
            *(
                (row, "txn_at", _("before the terminal was installed (%(date)s)") % {"date": installed})
                for row, installed in early
            ),
        ]


@register
class ServicePointsExtract(Extract):
    kind = "service_points"
    title = "助农取款服务点"
    model = ServicePoint
    columns = [
        c.Column("point_no", "服务点编号", c.text(20)),
        c.Column("name", "服务点名称", c.text(100)),
        c.Column("branch_code", "管理机构", c.text(12)),
        c.Column("village", "所在村", c.text(60)),
        c.Column("device", "机具类型", c.choice(*ServicePoint.Device.values)),
        c.Column("opened_on", "开办日期", c.date),
        c.Column("status", "状态", c.choice(*ServicePoint.Status.values)),
        c.Column("closed_on", "撤销日期", c.date, required=False),
    ]
    natural_key = ("point_no",)
    key_column = "point_no"
    key = ("point_no",)
    fields = ("point_no", "name", "branch_id", "village", "device", "opened_on", "status", "closed_on")
    extra = {"branch_code": "text"}
    references = [_branch()]

    rules = end_date_rules(
        status="closed",
        end="closed_on",
        start="opened_on",
        required=pgettext_lazy("service points", "required when the status is closed"),
        only=gettext_noop("only a closed service point has this date"),
        before=gettext_noop("must not be before opened_on"),
    )


@register
class ServicePointTxnsExtract(Extract):
    """Many rows: no history row per transaction; the ImportRun is the record."""

    kind = "service_point_txns"
    title = "助农取款交易"
    model = ServicePointTxn
    columns = [
        c.Column("reference", "流水号", c.text(40)),
        c.Column("point_no", "服务点编号", c.text(20)),
        c.Column("txn_at", "交易时间", c.date_time),
        c.Column("txn_type", "交易类型", c.choice(*ServicePointTxn.Type.values)),
        c.Column("amount", "金额", c.amount()),
        c.Column("card_no", "卡号", c.card_number, required=False, sensitive=True),
    ]
    natural_key = ("reference",)
    key_column = "reference"
    key = ("reference",)
    fields = ("reference", "point_id", "txn_at", "txn_type", "amount", "card_hash", "card_masked")
    extra = {"point_no": "text", "txn_date": "date"}
    references = [Reference("point_no", "point_no", ServicePoint, "point_no", "point_id")]
    record = None

    rules = [INQUIRY_RULE]
    derived = {
        "txn_date": DateOf("txn_at"),
        "card_hash": Hashed("card_no", empty=""),
        "card_masked": CardMasked("card_no", empty=""),
    }

    def check(self, staging):
        early = staging.fetch(
            f"SELECT s.row_no, p.opened_on FROM {staging.table} AS s JOIN {ServicePoint._meta.db_table} AS p "
            f"ON p.id = s.point_id WHERE s.txn_date < p.opened_on ORDER BY s.row_no"
        )
        return [
            (row, "txn_at", _("before the service point opened (%(date)s)") % {"date": opened})
            for row, opened in early
        ]
