"""What the year-end summary of a year states, read from the data: the figures of docs/kpi.md for
the year and the year before, the plan and its revision, the logbooks, the service points'
villages and visits, the IT log, the rules, the tickets and next year's plan. Every number of the
summary comes from here."""

import datetime

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from cards.models import CardRiskCheck
from ebank.dates import local_days
from ebank.org.models import Branch
from ebank.registers.selectors import entries_current
from infotech.selectors import it_maintenance_counts
from netbanking.models import Ticket
from terminals.models import (
    AtmCashDifference,
    AtmFault,
    AtmInspection,
    AtmRepair,
    PosMaintenance,
    RetainedCard,
    ServicePoint,
    Terminal,
)
from terminals.selectors import (
    inspection_compliance_by,
    service_point_visits_of_year,
    service_points_in_force,
)

from ..metrics import BY_CODE
from ..models import PlanItem, Policy, Target
from ..selectors import figures, union_plan, union_plan_completion


def _year(year: int) -> tuple:
    """The moments of a local year: from its first day's start to the next year's."""
    return local_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _year_entries(model, year: int):
    first, after = _year(year)
    return entries_current(queryset=model.objects.filter(occurred_at__gte=first, occurred_at__lt=after))


def _plan_revision(*, year: int, metric: str) -> dict | None:
    """How the annual plan for a metric changed during the year: first and current totals of the
    quarter-4 targets, and the reasons given; None when it was not revised."""
    records = Target.history.filter(year=year, quarter=4, metric=metric).order_by("id", "history_date")
    first: dict[int, object] = {}
    reasons: list[str] = []
    for record in records:
        first.setdefault(record.id, record.target)
        if record.history_type == "~" and record.reason and record.reason not in reasons:
            reasons.append(record.reason)
    current = union_plan(year=year, metric=metric)
    initial = sum(first.values())
    if not first or current is None or initial == current:
        return None
    return {"initial": initial, "current": current, "reasons": reasons}


def _logbooks(*, year: int) -> dict:
    """The year's standing logbook entries, counted as the summary reports them."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    compliance = inspection_compliance_by(
        atms=Terminal.objects.all(),
        start=start,
        end=end,
        now=min(timezone.now(), _year(year)[1]),
    )
    slots = compliance["total"]
    missed_by_branch = sorted(
        ((branch.name, row["missed"]) for branch, row in compliance["branches"] if row["missed"]),
        key=lambda pair: -pair[1],
    )
    inspections = _year_entries(AtmInspection, year).aggregate(
        found=Count("id", filter=~Q(findings="")),
        rectified=Count("id", filter=~Q(findings="") & Q(rectified_on__isnull=False)),
    )
    return {
        # The slots due in the year (two windows a day for each ATM in service), those inspected
        # and entered on time, those only entered late (补录), and those missed.
        "inspections_due": slots["due"],
        "inspections_on_time": slots["on_time"],
        "inspections_late": slots["late"],
        "inspections_missed": slots["missed"],
        "missed_branches": [name for name, _n in missed_by_branch[:3]],
        "inspection_findings": inspections["found"],
        "inspection_findings_rectified": inspections["rectified"],
        **{
            f"faults_{key}": value
            for key, value in _year_entries(AtmFault, year)
            .aggregate(total=Count("id"), resolved=Count("id", filter=Q(resolved_at__isnull=False)))
            .items()
        },
        **{
            f"repairs_{key}": value
            for key, value in _year_entries(AtmRepair, year)
            .aggregate(total=Count("id"), cost=Sum("cost"))
            .items()
        },
        **{
            f"differences_{key}": value
            for key, value in _year_entries(AtmCashDifference, year)
            .aggregate(total=Count("id"), settled=Count("id", filter=Q(settled_on__isnull=False)))
            .items()
        },
        **{
            f"retained_{key}": value
            for key, value in _year_entries(RetainedCard, year)
            .aggregate(
                total=Count("id"),
                returned=Count("id", filter=Q(outcome=RetainedCard.Outcome.RETURNED)),
                destroyed=Count("id", filter=Q(outcome=RetainedCard.Outcome.DESTROYED)),
            )
            .items()
        },
        "pos_visits": _year_entries(PosMaintenance, year).count(),
        **{
            f"risk_checks_{key}": value
            for key, value in _year_entries(CardRiskCheck, year)
            .aggregate(
                total=Count("id"),
                found=Count("id", filter=~Q(findings="")),
                rectified=Count("id", filter=~Q(findings="") & Q(rectified_on__isnull=False)),
            )
            .items()
        },
    }


def _service_points(*, year: int) -> dict:
    """The service points at the year's end: the villages they cover, and their monthly visits
    (巡查) made against those due, up to the year's end or today."""
    end = datetime.date(year, 12, 31)
    villages = (
        service_points_in_force(queryset=ServicePoint.objects.all(), as_of=end)
        .values("village")
        .distinct()
        .count()
    )
    visits = service_point_visits_of_year(
        points=ServicePoint.objects.all(), year=year, today=min(timezone.localdate(), end)
    )
    return {"villages": villages, "visits_due": visits["due"], "visits_made": visits["visited"]}


def _tickets(*, year: int) -> dict:
    """Online-banking tickets opened in the year, and those not closed by their T+3 deadline."""
    closed_day = TruncDate("closed_at", tzinfo=timezone.get_default_timezone())
    first, after = _year(year)
    tickets = Ticket.objects.filter(opened_at__gte=first, opened_at__lt=after).annotate(closed_day=closed_day)
    return tickets.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        late=Count(
            "id",
            filter=Q(closed_day__gt=F("deadline"))
            | Q(closed_at__isnull=True, deadline__lt=datetime.date(year, 12, 31)),
        ),
    )


def _policies(*, year: int) -> dict:
    """The rules and registers in force at the year's end; those adopted or revised in the year."""
    end = datetime.date(year, 12, 31)
    in_force = Policy.objects.filter(adopted_on__lte=end).filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=end)
    )
    in_year = Q(adopted_on__year=year) | Q(revised_on__year=year)
    rules = in_force.filter(kind=Policy.Kind.RULE)
    registers = in_force.filter(kind=Policy.Kind.REGISTER)
    return {
        "rules": list(rules.values("title", "adopted_on", "revised_on")),
        "rules_of_year": list(rules.filter(in_year).values_list("title", flat=True)),
        "registers": list(registers.values_list("title", flat=True)),
    }


def _next_year_plan(*, year: int) -> dict:
    """Next year's annual plan per metric (quarter-4 targets summed) and its assessment plan."""
    metrics = (
        Target.objects.filter(year=year, quarter=4).values_list("metric", flat=True).distinct().order_by()
    )
    # A level per branch (an average) does not add up to a union-wide plan.
    additive = [code for code in BY_CODE if code in set(metrics) and BY_CODE[code].additive]
    plan = {metric: union_plan(year=year, metric=metric) for metric in additive}
    weights = [
        (BY_CODE[item.metric].label, item.weight)
        for item in PlanItem.objects.filter(year=year, mode=PlanItem.Mode.TARGET).order_by(
            "-weight", "metric"
        )
    ]
    return {"targets": plan, "weights": weights}


def union_name() -> str:
    """The union's name: the root of the branch tree."""
    root = Branch.objects.filter(parent__isnull=True).order_by("code").first()
    return root.name if root else ""


def year_facts(*, year: int) -> dict:
    """Everything the year-end summary of `year` states, from the data as it is now."""
    now = figures(as_of=datetime.date(year, 12, 31))
    before = figures(as_of=datetime.date(year - 1, 12, 31))
    return {
        "year": year,
        "union": union_name(),
        "now": now,
        "before": before,
        "card_plan": union_plan(year=year, metric="new_cards"),
        "card_plan_completion": union_plan_completion(year=year, metric="new_cards"),
        "card_plan_revision": _plan_revision(year=year, metric="new_cards"),
        "it": it_maintenance_counts(year=year),
        "it_before": it_maintenance_counts(year=year - 1),
        "logbooks": _logbooks(year=year),
        "service_points": _service_points(year=year),
        "tickets": _tickets(year=year),
        "policies": _policies(year=year),
        "next_year": _next_year_plan(year=year + 1),
    }
