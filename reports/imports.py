"""The assessment extracts (docs/extracts.md): `assessment_plan` and `targets`."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from ebank import formatting
from ebank.imports import columns as c
from ebank.imports.engine import CHANGED, CREATED
from ebank.imports.rules import Choose, Rule, col
from ebank.imports.spec import Extract, Reference, register
from ebank.imports.sql import lit
from ebank.org.models import Branch

from .metrics import BY_CODE
from .models import AssessmentPublication, AssessmentRun, PlanItem, Target
from .selectors import assessment_lock, assessment_lock_message, assessment_locked_quarters


def _plan_line(mode, weight, cap) -> str:
    """A plan line's terms as a reviewer reads them: 权重 40 分，封顶 1.2 / 扣分项 0.5 分，最多 5 分."""
    weight = formatting.score(Decimal(weight))
    if mode == PlanItem.Mode.DEDUCTION:
        if cap is None:
            return _("deduction: %(weight)s points a unit") % {"weight": weight}
        return _("deduction: %(weight)s points a unit, at most %(cap)s") % {
            "weight": weight,
            "cap": formatting.score(Decimal(cap)),
        }
    return _("weight %(weight)s points, cap %(cap)s") % {
        "weight": weight,
        "cap": formatting.score(Decimal(cap)),
    }


def _wait_for_publishing(staging) -> None:
    """Take the lock a publication takes (the runs of the file's years), so that a change and a
    publication of its quarter never cross: the lock is then read as it stands."""
    years = [year for (year,) in staging.fetch(f"SELECT DISTINCT year FROM {staging.table}")]
    list(AssessmentRun.objects.select_for_update().filter(year__in=years).values_list("pk", flat=True))


class MetricCode(c.Kind):
    """A metric code of docs/kpi.md: one assessed against targets, or (`deductions`) also one that
    may be deducted (a plan line's mode decides which it must be)."""

    def __init__(self, *, deductions: bool = False):
        self.deductions = deductions

    def codes(self) -> list[str]:
        return [code for code, m in BY_CODE.items() if m.assessable or (self.deductions and m.deduction)]

    def parse(self, value):
        if value not in self.codes():
            raise ValueError(_("is not a metric code of docs/kpi.md"))
        return value

    def sql_checks(self, cell):
        return [
            (
                f"{cell} NOT IN ({', '.join(lit(code) for code in self.codes())})",
                lit(_("is not a metric code of docs/kpi.md")),
            )
        ]


metric, plan_metric = MetricCode(), MetricCode(deductions=True)
ASSESSABLE = [code for code, m in BY_CODE.items() if m.assessable]
DEDUCTIBLE = [code for code, m in BY_CODE.items() if m.deduction]
_TARGET_MODE = col("mode") == PlanItem.Mode.TARGET


@register
class PlanExtract(Extract):
    """A line assessed against targets (mode `target`, the default: weight in points, cap on
    completion ≥ 1, 1.2 when empty) or a deduction (mode `deduction`: weight in points per unit,
    cap the most points deducted, none when empty)."""

    kind = "assessment_plan"
    title = "考核办法"
    model = PlanItem
    approval = True
    columns = [
        c.Column("year", "年度", c.integer(minimum=2000, maximum=2100)),
        c.Column("metric", "指标", plan_metric),
        c.Column("weight", "权重分", c.decimal_number(greater_than=Decimal(0))),
        c.Column("cap", "封顶完成率", c.decimal_number(greater_than=Decimal(0)), required=False),
        c.Column("mode", "考核方式", c.choice("target", "deduction"), required=False, default="target"),
    ]
    natural_key = ("year", "metric")
    key_column = "metric"
    key = ("year", "metric")
    fields = ("year", "metric", "mode", "weight", "cap")

    rules = [
        Rule(
            "metric",
            gettext_noop("is not assessed against targets: give mode deduction"),
            _TARGET_MODE & ~col("metric").in_(ASSESSABLE),
        ),
        Rule(
            "cap",
            gettext_noop("must be at least 1 for a line assessed against targets"),
            _TARGET_MODE & col("metric").in_(ASSESSABLE) & (col("cap") < 1),
        ),
        Rule(
            "mode",
            gettext_noop("this metric cannot be a deduction"),
            ~_TARGET_MODE & ~col("metric").in_(DEDUCTIBLE),
        ),
    ]
    # A line assessed against targets is capped at 1.2 unless it says otherwise.
    derived = {"cap": Choose(_TARGET_MODE & col("cap").is_null(), Decimal("1.2"), "cap")}

    def changes(self, staging):
        """Each line added or changed: the year and metric, its mode, weight and cap before and after."""
        rows = staging.fetch(
            f"SELECT s.year, s.metric, p.mode, p.weight, p.cap, s.mode, s.weight, s.cap "
            f"FROM {staging.table} AS s LEFT JOIN {PlanItem._meta.db_table} AS p ON p.id = s.target_id "
            f"WHERE s.action IN ({CREATED}, {CHANGED}) ORDER BY s.row_no"
        )
        return [
            [
                _("%(year)s plan: %(metric)s")
                % {"year": year, "metric": formatting.metric_label(BY_CODE[code])},
                _plan_line(mode, weight, cap) if mode else "",
                _plan_line(new_mode, new_weight, new_cap),
            ]
            for year, code, mode, weight, cap, new_mode, new_weight, new_cap in rows
        ]

    def check(self, staging):
        """A year with a published quarter keeps its plan: a new or changed line is refused."""
        _wait_for_publishing(staging)
        locked = set(AssessmentPublication.objects.values_list("year", flat=True))
        if not locked:
            return []
        rows = staging.fetch(
            f"SELECT s.row_no, s.year FROM {staging.table} AS s LEFT JOIN {PlanItem._meta.db_table} AS p "
            f"ON p.year = s.year AND p.metric = s.metric WHERE s.invalid IS NULL "
            f"AND (p.id IS NULL OR p.weight <> s.weight OR p.mode <> s.mode "
            f"OR p.cap IS DISTINCT FROM s.cap) ORDER BY s.row_no"
        )
        return [
            (row, "year", assessment_lock_message(assessment_lock(year=year)))
            for row, year in rows
            if year in locked
        ]


@register
class TargetsExtract(Extract):
    """Importing a row whose key exists is a revision: the old value stays in the history with the
    importing user and the row's `reason`."""

    kind = "targets"
    title = "任务分解表"
    model = Target
    approval = True
    columns = [
        c.Column("year", "年度", c.integer(minimum=2000, maximum=2100)),
        c.Column("quarter", "季度", c.integer(minimum=1, maximum=4)),
        c.Column("branch_code", "机构号", c.text(12)),
        c.Column("metric", "指标", metric),
        c.Column("target", "目标值", c.decimal_number(greater_than=Decimal(0))),
        c.Column("reason", "修改原因", c.text(200), required=False, default=""),
    ]
    natural_key = ("year", "quarter", "branch_code", "metric")
    key_column = "metric"
    key = ("year", "quarter", "branch_id", "metric")
    fields = ("year", "quarter", "branch_id", "metric", "target", "reason")
    extra = {"branch_code": "text"}
    references = [Reference("branch_code", "branch_code", Branch, "code", "branch_id")]

    def check(self, staging):
        """A branch and a branch below it may not both have a target for the same year, quarter
        and metric, in the file or in the database."""
        rows = staging.fetch(
            f"SELECT row_no, year, quarter, metric, branch_id FROM {staging.table} "
            f"WHERE invalid IS NULL AND branch_id IS NOT NULL ORDER BY row_no"
        )
        parents = dict(Branch.objects.values_list("id", "parent_id"))
        held: dict[tuple, set[int]] = {}
        for year, quarter, metric_code, branch_id in Target.objects.filter(
            year__in={r[1] for r in rows}
        ).values_list("year", "quarter", "metric", "branch_id"):
            held.setdefault((year, quarter, metric_code), set()).add(branch_id)
        for _row, year, quarter, metric_code, branch_id in rows:
            held.setdefault((year, quarter, metric_code), set()).add(branch_id)

        def ancestors(branch_id):
            seen = []
            while (branch_id := parents.get(branch_id)) is not None:
                seen.append(branch_id)
            return seen

        errors = self._locked(staging)
        for row, year, quarter, metric_code, branch_id in rows:
            others = held[(year, quarter, metric_code)]
            related = [a for a in ancestors(branch_id) if a in others] or [
                b for b in others if branch_id in ancestors(b)
            ]
            if related:
                errors.append((row, "branch_code", CONFLICT % {"year": year, "quarter": quarter}))
        return errors

    def changes(self, staging):
        """Each target added or revised: the quarter, branch and metric, the target before and after."""
        rows = staging.fetch(
            f"SELECT s.year, s.quarter, b.name, s.metric, t.target, s.target "
            f"FROM {staging.table} AS s JOIN {Branch._meta.db_table} AS b ON b.id = s.branch_id "
            f"LEFT JOIN {Target._meta.db_table} AS t ON t.id = s.target_id "
            f"WHERE s.action IN ({CREATED}, {CHANGED}) ORDER BY s.row_no"
        )
        return [
            [
                _("%(year)s Q%(quarter)s %(branch)s: %(metric)s")
                % {
                    "year": year,
                    "quarter": quarter,
                    "branch": branch,
                    "metric": formatting.metric_label(BY_CODE[code]),
                },
                "" if old is None else formatting.metric_number(BY_CODE[code], Decimal(old)),
                formatting.metric_number(BY_CODE[code], Decimal(new)),
            ]
            for year, quarter, branch, code, old, new in rows
        ]

    def _locked(self, staging) -> list:
        """A published quarter keeps its targets: a new or revised one is refused."""
        _wait_for_publishing(staging)
        locked = assessment_locked_quarters()
        if not locked:
            return []
        rows = staging.fetch(
            f"SELECT s.row_no, s.year, s.quarter, s.branch_id FROM {staging.table} AS s "
            f"LEFT JOIN {Target._meta.db_table} AS t ON t.year = s.year AND t.quarter = s.quarter "
            f"AND t.branch_id = s.branch_id AND t.metric = s.metric "
            f"WHERE s.invalid IS NULL AND (t.id IS NULL OR t.target <> s.target OR t.reason <> s.reason) "
            f"ORDER BY s.row_no"
        )
        return [
            (row, "quarter", assessment_lock_message(assessment_lock(year=year, quarter=quarter)))
            for row, year, quarter, branch_id in rows
            if (year, quarter) in locked and branch_id not in locked[(year, quarter)]
        ]


CONFLICT = gettext_lazy(
    "a branch above or below this one also has a target for this metric in %(year)s Q%(quarter)s"
)
