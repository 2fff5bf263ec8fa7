"""The reads: `figures` for the union and for one branch, and a full quarterly assessment, each beside
hand-written SQL over lean typed tables computing the same numbers, which must agree."""

import datetime
import time
from decimal import Decimal

from django.db import connection

from .report import BROKEN, NOT_JUDGED, Line, Report, median, ratio_line, seconds
from .scales import YEAR
from .sql import figures_lean, lean_tables_build

AS_OF = datetime.date(YEAR, 12, 31)


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def _sql(**kwargs) -> dict:
    with connection.cursor() as cursor:
        return figures_lean(cursor, as_of=AS_OF, **kwargs)


def lean_build(*, log) -> None:
    """The lean tables the reference reads (sql.py), from the imported ones."""
    log("the lean typed tables of the reference: copies of the imported tables' columns it reads")
    with connection.cursor() as cursor:
        lean_tables_build(cursor)


def _disagreements(ours: dict, theirs: dict) -> list[str]:
    return [
        f"{code}: figures {value} != SQL {theirs.get(code)}"
        for code, value in ours.items()
        if Decimal(value) != Decimal(theirs.get(code, "NaN"))
    ]


def figures_measure(*, report: Report, branch_code: str, repeats: int, log) -> None:
    """`figures` for the union and for one branch (with those below it) against plain SQL."""
    from ebank.org.models import Branch
    from ebank.org.scoping import branch_subtree_ids
    from reports.selectors import figures, figures_as_json

    branch = Branch.objects.get(code=branch_code)
    below = len(branch_subtree_ids(branch=branch)) - 1
    for key, label, scope in (
        ("figures:union", "figures, the union", None),
        ("figures:branch", f"figures, branch {branch_code} and the {below} below it", branch),
    ):
        log(f"{label}: figures() and the hand-written SQL over lean tables, {repeats} times each")
        figures(as_of=AS_OF, branch=scope)  # warm both up: the timings compare warm caches
        _sql(branch_id=scope and scope.id)
        ours, theirs = [], []
        for _ in range(repeats):
            elapsed, values = _timed(figures, as_of=AS_OF, branch=scope)
            ours.append(elapsed)
            elapsed, reference = _timed(_sql, branch_id=scope and scope.id)
            theirs.append(elapsed)
        wrong = _disagreements(values, reference[scope and scope.id])
        line = ratio_line(
            key=key,
            label=f"{label} ({len(values)} metrics, {'all agree' if not wrong else 'DISAGREE'})",
            value=median(ours),
            reference=median(theirs),
            reference_label="lean SQL",
            goal="≤ 1.5× lean SQL",
            limit=1.5,
            data={"figures": figures_as_json(values), "disagreements": wrong},
        )
        if wrong:
            line.status, line.why = BROKEN, "; ".join(wrong[:3])
            report.broken.append(f"{label}: figures and SQL disagree: {wrong}")
        report.add(line)


def assessment_measure(*, report: Report, repeats: int, by, log) -> None:
    """A full fourth-quarter assessment (assessment_compute) against plain SQL for its actuals."""
    from reports.models import AssessmentResult, AssessmentRun
    from reports.services import assessment_compute

    ours, theirs = [], []
    log(f"assessment of Q4 {YEAR}: assessment_compute and the hand-written SQL, {repeats} times each")
    _sql(assessed=(YEAR, 4))
    for _ in range(repeats):
        run = AssessmentRun.objects.create(year=YEAR, quarter=4, started_by=by)
        elapsed, _run = _timed(assessment_compute, run_id=run.pk)
        ours.append(elapsed)
        elapsed, reference = _timed(_sql, assessed=(YEAR, 4))
        theirs.append(elapsed)
    results = list(AssessmentResult.objects.filter(run=run).values_list("branch_id", "metric", "actual"))
    branches = len({branch_id for branch_id, _metric, _actual in results})
    wrong = [
        f"branch #{branch_id} {metric}: assessment {actual} != SQL {reference.get(branch_id, {}).get(metric)}"
        for branch_id, metric, actual in results
        if actual != Decimal(reference.get(branch_id, {}).get(metric, "NaN"))
    ]
    line = ratio_line(
        key="assessment",
        label=f"assessment Q4 {YEAR}, {branches} branches ({len(results)} actuals, "
        f"{'all agree' if not wrong and results else 'DISAGREE'})",
        value=median(ours),
        reference=median(theirs),
        reference_label="lean SQL",
        goal="≤ 1.5× lean SQL",
        limit=1.5,
        data={"branches": branches, "actuals": len(results), "disagreements": wrong},
    )
    if wrong or not results:
        line.status, line.why = BROKEN, "; ".join(wrong[:3]) or "no results"
        report.broken.append(f"assessment: results and SQL disagree: {wrong or 'no results'}")
    report.add(line)
    judged = branches >= 100
    report.add(
        Line(
            key="assessment:time",
            label=f"assessment of {branches} branches, wall time",
            value=seconds(median(ours)),
            reference=f"SQL {seconds(median(theirs))}",
            ratio=None,
            goal="< 60 s for 100 branches at province scale",
            status=("met" if median(ours) < 60 else "not met") if judged else NOT_JUDGED,
            why="" if judged else "fewer than 100 branches",
            data={"seconds": median(ours), "branches": branches},
        )
    )
