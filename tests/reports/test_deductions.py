"""Deductions (扣分项, docs/kpi.md): a plan line with mode `deduction` takes points from every
assessed branch, per unit of its metric, at most its cap; its target and completion stay empty.
The inspection discipline is such a metric: `missed_inspections` and `late_inspections`, the
quarter's slots for the branch's ATMs."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from ebank.imports.engine import extract_import
from ebank.registers import services as logbooks
from reports import services
from reports.exports import assessment_pdf
from reports.models import AssessmentResult, AssessmentRun, PlanItem, Target
from reports.selectors import assessment_ranking, figures
from terminals.models import AtmInspection
from tests.factories import entered_at
from tests.terminals.factories import TerminalFactory


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def atms(tree):
    """One ATM at each of two branches, in force from the start of 2011."""
    return {
        code: TerminalFactory(
            branch=tree[code], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
        )
        for code in ("a", "b")
    }


def _inspect_every_window(atm, by, days, *, late_on=()):
    for day in days:
        for shift, hour in (("morning", 8), ("evening", 20)):
            when = local(2011, 12, day, hour)
            after = (
                datetime.timedelta(days=1)
                if day in late_on and shift == "evening"
                else datetime.timedelta(minutes=10)
            )
            with entered_at(when + after):
                logbooks.logbook_enter(
                    model=AtmInspection, by=by, terminal=atm, occurred_at=when, shift=shift
                )


def test_the_inspection_discipline_metrics_count_the_quarters_slots(atms, staff):
    # Q4 2011: 92 days × 2 windows for each ATM. Branch a inspects every window of December but two
    # evenings entered late; branch b none.
    _inspect_every_window(atms["a"], staff, range(1, 32), late_on=(5, 6))
    union = figures(as_of=datetime.date(2011, 12, 31))
    a = figures(as_of=datetime.date(2011, 12, 31), branch=atms["a"].branch)
    assert (a["missed_inspections"], a["late_inspections"]) == (2 * 61, 2)
    assert union["missed_inspections"] == 2 * 61 + 2 * 92 and union["late_inspections"] == 2
    # The quarter starts again on 1 January.
    assert figures(as_of=datetime.date(2012, 1, 1))["missed_inspections"] == 4


def test_a_deduction_takes_points_at_most_its_cap_and_has_no_target(atms, staff, tree, write, tmp_path):
    plan = write(
        "plan.csv",
        "year,metric,weight,cap,mode\n"
        "2011,new_cards,40,,\n"
        "2011,missed_inspections,0.2,5,deduction\n"
        "2011,late_inspections,0.1,,deduction\n",
    )
    assert extract_import(kind="assessment_plan", path=plan, by=staff, reason="考核办法").valid
    assert PlanItem.objects.get(metric="new_cards").cap == Decimal("1.2")
    assert PlanItem.objects.get(metric="late_inspections").cap is None
    for code in ("a", "b"):
        Target.objects.create(year=2011, quarter=4, branch=tree[code], metric="new_cards", target=Decimal(5))
    _inspect_every_window(atms["a"], staff, range(1, 32), late_on=(5,))
    run = services.assessment_compute(
        run_id=AssessmentRun.objects.create(year=2011, quarter=4, started_by=staff).pk
    )
    assert run.status == AssessmentRun.Status.DONE
    lines = {(r.branch.code, r.metric): r for r in AssessmentResult.objects.filter(run=run)}
    missed_a = lines[("101", "missed_inspections")]
    assert (missed_a.actual, missed_a.target, missed_a.completion_pct) == (Decimal(122), None, None)
    assert missed_a.score == Decimal("-5.00")  # 0.2 × 122 = 24.4, at most 5
    assert lines[("101", "late_inspections")].score == Decimal("-0.10")
    assert lines[("201", "missed_inspections")].score == Decimal("-5.00")
    # Neither branch issued a card: 0 points from targets, the deductions make the total.
    assert lines[("101", "new_cards")].total_score == Decimal("-5.10")
    assert lines[("201", "new_cards")].total_score == Decimal("-5.00")
    ranking = assessment_ranking(run=run, results=AssessmentResult.objects.filter(run=run))
    assert [(row["branch"].code, row["rank"], row["deductions"]) for row in ranking] == [
        ("201", 1, Decimal("-5.00")),
        ("101", 2, Decimal("-5.10")),
    ]
    # The exports leave a deduction's target and completion empty.
    exported = tmp_path / "q4.csv"
    call_command(
        "export_assessment", "--year", "2011", "--quarter", "4", "--format", "csv", "--output", str(exported)
    )
    rows = {(r["branch_code"], r["metric"]): r for r in csv.DictReader(io.StringIO(exported.read_text()))}
    assert rows[("101", "missed_inspections")]["target"] == ""
    assert rows[("101", "missed_inspections")]["completion_pct"] == ""
    assert rows[("101", "missed_inspections")]["score"] == "-5.00"
    text = "".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(assessment_pdf(run=run, results=AssessmentResult.objects.filter(run=run)))
        ).pages
    )
    assert "扣分项" in text and "ATM 安全检查漏检" in text


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2011,new_cards,1,,deduction", "mode"),  # new cards cannot be deducted
        ("2011,missed_inspections,0.2,5,", "metric"),  # not assessed against targets
        ("2011,new_cards,40,0.8,target", "cap"),  # a completion cap under 1
        ("2011,missed_inspections,0.2,5,sometimes", "mode"),
    ],
)
def test_a_plan_line_in_the_wrong_mode_is_refused(staff, write, row, column):
    outcome = extract_import(
        kind="assessment_plan",
        path=write("plan.csv", f"year,metric,weight,cap,mode\n{row}\n"),
        by=staff,
        reason="x",
    )
    assert not outcome.valid and [error[1] for error in outcome.errors] == [column]
    assert not PlanItem.objects.exists()


def test_the_mode_column_may_be_left_out(staff, write):
    plan = write("plan.csv", "year,metric,weight,cap\n2011,new_cards,40,1.2\n")
    assert extract_import(kind="assessment_plan", path=plan, by=staff, reason="考核办法").valid
    assert PlanItem.objects.get().mode == PlanItem.Mode.TARGET


def test_overdue_tickets_count_the_deadlines_missed_in_the_quarter(tree):
    from netbanking.models import Ticket
    from tests.netbanking.factories import TicketFactory

    def ticket(branch, deadline, closed_at=None):
        return TicketFactory(
            branch=tree[branch],
            opened_at=local(*deadline.timetuple()[:3], 9) - datetime.timedelta(days=5),
            deadline=deadline,
            status=Ticket.Status.CLOSED if closed_at else Ticket.Status.OPEN,
            closed_at=closed_at,
        )

    ticket("a1", datetime.date(2011, 10, 10))  # still open: missed
    ticket("a", datetime.date(2011, 11, 4), closed_at=local(2011, 11, 4, 23, 30))  # met on its last evening
    ticket("a", datetime.date(2011, 11, 4), closed_at=local(2011, 11, 5, 0, 10))  # missed by ten minutes
    ticket("a", datetime.date(2011, 9, 30))  # missed in the quarter before
    ticket("a", datetime.date(2012, 1, 4))  # not yet due at the year's end
    ticket(
        "b", datetime.date(2011, 12, 31), closed_at=local(2012, 1, 3, 10)
    )  # missed on the quarter's last day
    a = figures(as_of=datetime.date(2011, 12, 31), branch=tree["a"])
    assert a["overdue_tickets"] == 2  # the sub-branch's open one and the one ten minutes late
    assert figures(as_of=datetime.date(2011, 12, 31))["overdue_tickets"] == 3
    assert figures(as_of=datetime.date(2011, 11, 3), branch=tree["a"])["overdue_tickets"] == 1
    assert figures(as_of=datetime.date(2011, 9, 30))["overdue_tickets"] == 1


def test_a_branch_with_only_deduction_lines_is_not_assessed_and_ties_share_a_rank(tree, staff, write):
    from tests.terminals.factories import TerminalFactory as Terminals

    plan = write(
        "plan.csv",
        "year,metric,weight,cap,mode\n2011,new_pos,10,,\n2011,dormant_pos,0.5,5,deduction\n",
    )
    assert extract_import(kind="assessment_plan", path=plan, by=staff, reason="考核办法").valid
    # Branches a and b have targets; the head office has none, though its scope holds every idle
    # POS: it is not assessed, and a deduction alone does not make it so.
    for code in ("a", "b"):
        Target.objects.create(year=2011, quarter=4, branch=tree[code], metric="new_pos", target=Decimal(2))
        Terminals(branch=tree[code], installed_on=datetime.date(2011, 1, 10))  # new, never used: idle
    run = services.assessment_compute(
        run_id=AssessmentRun.objects.create(year=2011, quarter=4, started_by=staff).pk
    )
    results = AssessmentResult.objects.filter(run=run)
    assert sorted({r.branch.code for r in results}) == ["101", "201"]
    lines = {(r.branch.code, r.metric): r for r in results}
    for code in ("101", "201"):
        assert lines[(code, "new_pos")].score == Decimal("5.00")  # 1 of 2
        assert lines[(code, "dormant_pos")].score == Decimal("-0.50")
        assert lines[(code, "new_pos")].total_score == Decimal("4.50")
    # Equal totals share the first rank.
    assert {r.rank for r in results} == {1}
