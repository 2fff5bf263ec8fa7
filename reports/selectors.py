"""Every figure of docs/kpi.md, for any date and scope, computed in the database: one selector
that the dashboard, the API, the command line, the exports, the assessment and the year-end
summary all call. It reads the metric registry (metrics.py): one pass over each source table,
every metric of that table an aggregate of the pass. The number of queries does not grow with
the data."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import DateTimeField, Max, Q, Sum
from django.utils import timezone

from ebank.dates import local_days
from ebank.org.models import Branch
from ebank.org.scoping import branch_subtree_ids

from .metrics import BY_CODE, Metric, Period, metrics

CENT = Decimal("0.01")


def _raw(*, as_of: datetime.date, ids: set[int] | None, by_branch: bool) -> dict:
    """The aggregated metrics, for the rows of the branches `ids` (None: the whole union),
    grouped by the row's branch when `by_branch` ({branch id: values}), else one group
    ({None: values})."""
    period = Period(as_of)
    by_source: dict = defaultdict(list)
    for metric in metrics():
        if metric.source is not None:
            by_source[metric.source].append(metric)
    groups: dict[int | None, dict] = defaultdict(lambda: defaultdict(int))
    for source, members in by_source.items():
        rows = source.rows(period)
        if ids is not None:
            rows = rows.filter(**{f"{source.branch}__in": ids})
        aggregates = {metric.code: metric.aggregate(period) for metric in members}
        if by_branch:
            found = rows.order_by().values(source.branch).annotate(**aggregates)
            results = [(row[source.branch], row) for row in found]
        else:
            results = [(None, rows.aggregate(**aggregates))]
        for group, values in results:
            for metric in members:
                groups[group][metric.code] += values[metric.code] or 0
    computed = {metric.computed for metric in metrics() if metric.computed is not None}
    for source in sorted(computed, key=lambda c: c.name):
        for group, values in source.compute(period, ids, by_branch).items():
            for code, value in values.items():
                groups[group][code] += value
    return groups


def _derive(metric: Metric, values: dict):
    value = metric.derived(values)
    if metric.amount:
        return Decimal(value).quantize(CENT, ROUND_HALF_UP)
    return int(value)


def _metrics(raw: dict) -> dict[str, int | Decimal]:
    """Every metric, in the registry's order, from the summed aggregates of one scope: the
    aggregated ones first, then the derived ones from them (in their order)."""
    values = {m.code: m.normalise(raw.get(m.code, 0)) for m in metrics() if m.derived is None}
    for metric in metrics():
        if metric.derived is not None:
            values[metric.code] = _derive(metric, values)
    return {metric.code: values[metric.code] for metric in metrics()}


def figures(*, as_of: datetime.date, branch: Branch | None = None) -> dict[str, int | Decimal]:
    """Every metric of docs/kpi.md as of `as_of` for the union (branch None) or one branch with
    every branch below it. Counts are int; amounts Decimal with 2 places."""
    ids = None if branch is None else set(branch_subtree_ids(branch=branch))
    return _metrics(_raw(as_of=as_of, ids=ids, by_branch=False)[None])


def figures_for_branches(*, as_of: datetime.date, branches: list[Branch]) -> dict[Branch, dict]:
    """`figures` for several branches at once, each with every branch below it, in one pass over
    each table (grouped by branch) instead of one pass per branch: the quarterly assessment."""
    subtrees = {branch: set(branch_subtree_ids(branch=branch)) for branch in branches}
    ids = set().union(*subtrees.values()) if subtrees else set()
    by_branch = _raw(as_of=as_of, ids=ids, by_branch=True)
    result = {}
    for branch, subtree in subtrees.items():
        summed: dict[str, int | Decimal] = defaultdict(int)
        for branch_id in subtree & by_branch.keys():
            for name, value in by_branch[branch_id].items():
                summed[name] += value
        result[branch] = _metrics(summed)
    return result


def latest_day_with_data(*, today: datetime.date) -> datetime.date:
    """The latest day, not after `today`, on which a source of the figures has a row (a card issued,
    a transaction, a balance taken); `today` when there is none. The dashboard opens on it: a
    database restored from an archive, or the demo county of 2011, shows its last day with data,
    not an empty today."""
    latest = None
    tables = {
        kit.dated for metric in metrics() for kit in (metric.source, metric.computed) if kit and kit.dated
    }
    for table, field in sorted(tables):
        model = apps.get_model(table)
        if isinstance(model._meta.get_field(field), DateTimeField):
            rows = model._default_manager.filter(**{f"{field}__lt": local_days(today, today)[1]})
        else:
            rows = model._default_manager.filter(**{f"{field}__lte": today})
        day = rows.aggregate(day=Max(field))["day"]
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date()
        if day is not None and (latest is None or day > latest):
            latest = day
    return latest or today


def figures_as_json(values: dict[str, int | Decimal]) -> dict[str, int | str]:
    """docs/cli.md's form: counts as integers, amounts as strings with exactly two decimals."""
    return {code: f"{value:.2f}" if isinstance(value, Decimal) else value for code, value in values.items()}


def union_plan(*, year: int, metric: str, quarter: int = 4, branch: Branch | None = None) -> Decimal | None:
    """The union's plan for a metric (docs/kpi.md): the sum of that quarter's targets of every
    branch that has one; the annual plan is quarter 4's. For a branch, the same sum over it and
    the branches below it (its own plan). None when no branch has a target."""
    from .models import Target

    targets = Target.objects.filter(year=year, quarter=quarter, metric=metric)
    if branch is not None:
        targets = targets.filter(branch_id__in=branch_subtree_ids(branch=branch))
    total = targets.aggregate(total=Sum("target"))["total"]
    return None if total is None else total.quantize(CENT)


def _own_target(year: int, metric: str, branch: Branch | None) -> bool:
    from .models import Target

    return (
        branch is not None
        and Target.objects.filter(year=year, quarter=4, metric=metric, branch=branch).exists()
    )


def plan_progress(*, as_of: datetime.date, branch: Branch | None, values: dict) -> list[dict]:
    """Each metric of the year's assessment plan: the annual plan of the scope (the union, or a
    branch with those below it: the sum of their fourth-quarter targets; for an average, such as
    卡均余额, only a branch's own target), the figure as of `as_of` (from `values`, figures() of
    that day) and the completion in % (None without a plan)."""
    from .models import PlanItem

    rows = []
    for item in PlanItem.objects.filter(year=as_of.year, mode=PlanItem.Mode.TARGET).order_by(
        "-weight", "metric"
    ):
        plan = union_plan(year=as_of.year, metric=item.metric, branch=branch)
        if not BY_CODE[item.metric].additive and not _own_target(as_of.year, item.metric, branch):
            plan = None  # an average's targets do not add up: only a branch's own target is its plan
        actual = values[item.metric]
        completion = (Decimal(actual) * 100 / plan).quantize(CENT, ROUND_HALF_UP) if plan else None
        rows.append({"metric": item.metric, "plan": plan, "actual": actual, "completion": completion})
    return rows


def union_plan_completion(*, year: int, metric: str) -> Decimal | None:
    """The union's completion of its annual plan, in %, rounded half-up (61,886 / 60,000 = 103.14)."""
    plan = union_plan(year=year, metric=metric)
    if not plan:
        return None
    actual = Decimal(figures(as_of=datetime.date(year, 12, 31))[metric])
    return (actual * 100 / plan).quantize(CENT, ROUND_HALF_UP)


# --- the assessment's runs ----------------------------------------------------------------------


QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def quarter_end(*, year: int, quarter: int) -> datetime.date:
    """The last day of a quarter (E of the quarter's assessment)."""
    month, day = QUARTER_ENDS[quarter]
    return datetime.date(year, month, day)


def assessment_latest_run(*, year: int, quarter: int):
    """The latest finished run of a quarter (the one shown and exported), or None."""
    from .models import AssessmentRun

    return (
        AssessmentRun.objects.filter(year=year, quarter=quarter, status=AssessmentRun.Status.DONE)
        .order_by("-created_at", "-pk")
        .first()
    )


def assessment_publication(*, year: int, quarter: int):
    """The quarter's publication in force (the latest), or None while it is unpublished."""
    from .models import AssessmentPublication

    return (
        AssessmentPublication.objects.filter(year=year, quarter=quarter)
        .select_related("run", "published_by")
        .order_by("-published_at", "-pk")
        .first()
    )


def assessment_shown_run(*, year: int, quarter: int):
    """The run of a quarter that counts: the published one, else (a draft) the latest finished."""
    publication = assessment_publication(year=year, quarter=quarter)
    return publication.run if publication else assessment_latest_run(year=year, quarter=quarter)


def assessment_lock(*, year: int, quarter: int | None = None, branch_id: int | None = None):
    """The publication that locks a quarter's targets (`quarter` given; a branch's, `branch_id`
    given) or a year's plan (any quarter of it published), or None. An upheld appeal of the
    quarter's publication reopens the appealing branch's targets for the correction, until a
    corrected run is published."""
    from .models import AssessmentPublication

    publications = AssessmentPublication.objects.filter(year=year).select_related("published_by")
    if quarter is not None:
        publication = publications.filter(quarter=quarter).order_by("-published_at", "-pk").first()
        reopened = publication is not None and branch_id is not None
        if reopened and publication.appeals.filter(outcome="upheld", branch_id=branch_id).exists():
            return None
        return publication
    return publications.order_by("-published_at", "-pk").first()


def assessment_locked_quarters() -> dict[tuple[int, int], set[int]]:
    """Every published (year, quarter), with the branches whose targets an upheld appeal reopened
    (see assessment_lock): the other branches' targets of the quarter are locked."""
    from .models import AssessmentPublication

    latest: dict = {}
    for publication in AssessmentPublication.objects.order_by("published_at", "pk"):
        latest[(publication.year, publication.quarter)] = publication
    return {
        key: set(publication.appeals.filter(outcome="upheld").values_list("branch_id", flat=True))
        for key, publication in latest.items()
    }


def appeal_deadline(*, publication) -> datetime.date:
    """The last day a published result may be appealed: APPEAL_WORKING_DAYS working days after the
    day of its publication, on the holiday calendar."""
    from django.conf import settings

    from netbanking.selectors import working_day_after

    return working_day_after(
        start=timezone.localdate(publication.published_at), days=settings.APPEAL_WORKING_DAYS
    )


def assessment_lock_message(publication) -> str:
    """Why a change is refused: the quarter whose result was published, when and by whom."""
    from django.utils.translation import gettext as _

    return _(
        "%(year)s Q%(quarter)s's assessment was published on %(when)s by %(who)s (run #%(run)s): "
        "its targets and the year's plan are locked"
    ) % {
        "year": publication.year,
        "quarter": publication.quarter,
        "when": f"{timezone.localtime(publication.published_at):%Y-%m-%d %H:%M}",
        "who": publication.published_by.get_full_name() or publication.published_by.username,
        "run": publication.run_id,
    }


def assessment_data_changes(*, run, results) -> list[dict]:
    """The lines of a run (`results`, scoped to the user) whose actual differs from the same figure
    computed now (a late import, a corrected transaction): branch, metric, the actual the run used
    and the one now. Only the lines' branches are computed again."""
    lines = list(results.select_related("branch"))
    branches = list({line.branch for line in lines})
    now = figures_for_branches(as_of=quarter_end(year=run.year, quarter=run.quarter), branches=branches)
    changes = []
    for line in sorted(lines, key=lambda line: (line.branch.code, line.metric)):
        value = Decimal(now[line.branch][line.metric])
        if value != line.actual:
            changes.append({"branch": line.branch, "metric": line.metric, "then": line.actual, "now": value})
    return changes


def previous_quarter(*, year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def assessment_ranking(*, run, results) -> list[dict]:
    """The run's branches, best first, one row each: rank, branch, total, deductions (the sum of
    its deduction lines' scores, 扣分项), the change of the total against the previous quarter's
    published run (None when that quarter is not published or did not assess the branch: a
    draft's totals reach no branch), and the branch's lines.
    `results` is the run's results already scoped to the user."""
    rows: dict = {}
    for line in results.select_related("branch").order_by("rank", "branch__code", "metric"):
        row = rows.setdefault(
            line.branch_id,
            {
                "rank": line.rank,
                "branch": line.branch,
                "total": line.total_score,
                "deductions": Decimal(0),
                "lines": [],
            },
        )
        row["lines"].append(line)
        if line.target is None:  # a deduction line (扣分项)
            row["deductions"] += line.score
    year, quarter = previous_quarter(year=run.year, quarter=run.quarter)
    published = assessment_publication(year=year, quarter=quarter)
    previous = published.run if published else None  # a draft is compared with nothing
    before = {}
    if previous is not None:
        before = dict(
            previous.results.filter(branch_id__in=rows).values_list("branch_id", "total_score").distinct()
        )
    for branch_id, row in rows.items():
        row["previous_total"] = before.get(branch_id)
        row["change"] = None if branch_id not in before else row["total"] - before[branch_id]
    return list(rows.values())


# --- the target breakdown (任务分解表) -------------------------------------------------------


def targets_matrix(*, year: int, quarter: int, branches) -> dict:
    """任务分解表 as a matrix for a year and quarter: the rows are the branches (of `branches`, the
    user's) that have a target that year, and the first level below the union; the columns the
    metrics of the year's plan and any other metric with a target; each cell the Target or None;
    the totals row the union's plan of each metric (None for an average, whose targets do not
    add up)."""
    from .models import PlanItem, Target

    targets = Target.objects.filter(year=year).filter(branch__in=branches)
    planned = set(
        PlanItem.objects.filter(year=year, mode=PlanItem.Mode.TARGET).values_list("metric", flat=True)
    )
    with_targets = set(targets.values_list("metric", flat=True))
    codes = [metric.code for metric in metrics() if metric.code in planned | with_targets]
    rows = list(
        branches.filter(
            Q(pk__in=targets.values("branch_id")) | Q(parent__isnull=False, parent__parent__isnull=True)
        ).order_by("code")
    )
    cells = {(t.branch_id, t.metric): t for t in targets.filter(quarter=quarter)}
    totals = {}
    for code in codes:
        if not BY_CODE[code].additive:
            totals[code] = None
            continue
        shown = [cells[(branch.pk, code)].target for branch in rows if (branch.pk, code) in cells]
        totals[code] = sum(shown, Decimal(0)) if shown else None
    return {"branches": rows, "metrics": codes, "cells": cells, "totals": totals}
