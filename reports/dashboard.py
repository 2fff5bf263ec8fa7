"""The dashboard, as of a day (by default the latest day with data): the headline figures then
and at each quarter end of its year, the year's plan against actual, trends by quarter and the
branches compared — every value written by ebank/formatting.py, charts drawn on the server as SVG
(nothing is fetched from the network), each labelled with its unit."""

import datetime
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank import formatting
from ebank.dates import date_range_problem, year_problem
from ebank.org.models import Branch
from ebank.org.roles import Role
from ebank.org.scoping import branch_subtree_ids, scope_queryset, scoped_branches
from terminals.models import ServicePoint
from terminals.selectors import service_point_visits_by_month

from .metrics import BY_CODE, metrics
from .selectors import figures, latest_day_with_data, plan_progress
from .services import quarter_end


def _flagged(flag: str) -> list[str]:
    """The codes of the registry's metrics that carry a dashboard flag, in their order (the
    headlines in their declared places)."""
    flagged = [metric for metric in metrics() if getattr(metric, flag)]
    if flag == "dashboard":
        flagged.sort(key=lambda metric: metric.dashboard)
    return [metric.code for metric in flagged]


def _cached_figures(as_of: datetime.date, branch: Branch | None) -> dict:
    key = f"figures:{as_of}:{branch.pk if branch else 'union'}"
    values = cache.get(key)
    if values is None:
        values = figures(as_of=as_of, branch=branch)
        cache.set(key, values, 300)
    return values


def bar_chart(values: list[tuple[str, Decimal | int, str]], *, width: int = 360, height: int = 170) -> dict:
    """The geometry of a bar chart for the template: (label, value, value as written) per bar,
    bars scaled to the largest value. The SVG scales down to a phone's width (viewBox)."""
    top = max((float(value) for _label, value, _text in values), default=0) or 1
    slot = width / max(len(values), 1)
    bars = []
    for index, (label, value, text) in enumerate(values):
        bar_height = (height - 36) * max(float(value), 0) / top
        bars.append(
            {
                "x": index * slot + slot * 0.15,
                "y": height - 20 - bar_height,
                "width": slot * 0.7,
                "height": bar_height,
                "label": label,
                "text": text,
                "label_x": index * slot + slot / 2,
            }
        )
    return {"width": width, "height": height, "bars": bars, "baseline": height - 20}


def row_chart(values: list[tuple[str, Decimal | int, str]], *, width: int = 360, row: int = 22) -> dict:
    """A horizontal bar chart for the template: one row per branch (its name at the left, the bar,
    the value as written), readable on a phone however many branches there are."""
    top = max((float(value) for _label, value, _text in values), default=0) or 1
    label_width, text_width = 84, 70
    room = width - label_width - text_width
    rows = []
    for index, (label, value, text) in enumerate(values):
        length = room * max(float(value), 0) / top
        rows.append(
            {
                "y": index * row,
                "label": label,
                "text": text,
                "length": length,
                "text_x": label_width + length + 4,
            }
        )
    return {
        "width": width,
        "height": row * len(values),
        "rows": rows,
        "label_width": label_width,
        "bar_height": row - 8,
        "baseline": row - 6,
        "horizontal": True,
    }


def _chart(code: str, points: list[tuple[str, object]], *, draw=bar_chart) -> dict:
    """A metric's chart: its name and unit in the caption, each bar's value as the tables write it
    (in the caption's unit)."""
    metric = BY_CODE[code]
    return {
        "label": formatting.metric_label(metric),
        "unit": formatting.metric_unit(metric),
        "chart": draw(
            [
                (label, formatting.metric_scaled(metric, value), formatting.metric_number(metric, value))
                for label, value in points
            ]
        ),
    }


def _as_of(request, today: datetime.date) -> datetime.date:
    """The day shown: ?as_of=YYYY-MM-DD, or the end of ?year=YYYY, else the latest day with data;
    never after today (an impossible one is refused with a message)."""
    latest = _cached(f"latest-day:{today}", lambda: latest_day_with_data(today=today))
    if request.GET.get("as_of"):
        try:
            day = datetime.date.fromisoformat(request.GET["as_of"])
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD, such as 2011-12-31."))
            return latest
        if problem := date_range_problem(day):
            messages.error(request, problem)
            return latest
        return min(day, today)
    if request.GET.get("year"):
        try:
            year = int(request.GET["year"])
        except ValueError:
            messages.error(request, _("Give the year as four digits, such as 2011."))
            return latest
        if problem := year_problem(year):
            messages.error(request, problem)
            return latest
        return min(datetime.date(year, 12, 31), latest if latest.year == year else today)
    return latest


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, 300)
    return value


def _visit_rates(*, user, branch: Branch | None, as_of: datetime.date) -> dict | None:
    """The service points' patrol (巡查) of each month of as_of's year up to as_of, branch by
    supervising branch: points due, visited, the rate; None when the scope has no service point."""
    points = scope_queryset(user=user, queryset=ServicePoint.objects.all())
    if branch is not None:
        points = points.filter(branch_id__in=branch_subtree_ids(branch=branch))
    visits = service_point_visits_by_month(points=points, year=as_of.year, today=as_of)
    # The months before the first point opened say nothing: the table starts with the first due.
    while visits and not any(row["due"] for row in visits[0][1].values()):
        visits.pop(0)
    months, by_month = [month for month, _rows in visits], [rows for _month, rows in visits]
    codes = {pk for rows in by_month for pk in rows}
    if not codes:
        return None
    rows = []
    for supervising in Branch.objects.filter(pk__in=codes).order_by("code"):
        cells = []
        for rates in by_month:
            row = rates.get(supervising.pk)
            if row is None or not row["due"]:
                cells.append({"text": "—", "ok": True})
                continue
            share = Decimal(100 * row["visited"]) / row["due"]
            cells.append(
                {
                    "text": formatting.percent(share),
                    "title": f"{row['visited']}/{row['due']}",
                    "ok": row["visited"] == row["due"],
                }
            )
        rows.append({"branch": supervising.name, "cells": cells})
    return {"months": [f"{month.month}" for month in months], "rows": rows}


QUARTER_NAMES = {1: gettext_lazy("Q1"), 2: gettext_lazy("Q2"), 3: gettext_lazy("Q3"), 4: gettext_lazy("Q4")}


@staff_member_required
def dashboard(request):
    """The union's dashboard, or a branch's (a branch manager's own by default), as of a day."""
    user = request.user
    branches = scoped_branches(user=user)
    code = request.GET.get("branch")
    if code:
        branch = branches.filter(code=code).first()
        if branch is None:
            raise Http404
    elif user.role == Role.BRANCH_MANAGER:
        branch = user.branch
    else:
        branch = None
    today = timezone.localdate()
    as_of = _as_of(request, today)
    ends = [
        (q, quarter_end(year=as_of.year, quarter=q))
        for q in (1, 2, 3, 4)
        if quarter_end(year=as_of.year, quarter=q) <= as_of
    ]
    now = _cached_figures(as_of, branch)
    by_quarter = {end: _cached_figures(end, branch) for _q, end in ends}
    headline = [
        {
            "label": formatting.metric_label(BY_CODE[code_]),
            "now": formatting.metric_value(BY_CODE[code_], now[code_]),
            "quarters": [formatting.metric_value(BY_CODE[code_], by_quarter[end][code_]) for _q, end in ends],
        }
        for code_ in _flagged("dashboard")
    ]
    plan = [
        {
            **row,
            "label": formatting.metric_label(BY_CODE[row["metric"]]),
            "unit": formatting.metric_unit(BY_CODE[row["metric"]]),
            "plan_text": "—"
            if row["plan"] is None
            else formatting.metric_number(BY_CODE[row["metric"]], row["plan"]),
            "actual_text": formatting.metric_number(BY_CODE[row["metric"]], row["actual"]),
            "completion_text": "" if row["completion"] is None else formatting.percent(row["completion"]),
            "bar": min(float(row["completion"] or 0), 100),
        }
        for row in plan_progress(as_of=as_of, branch=branch, values=now)
    ]
    trends = [
        _chart(code_, [(str(QUARTER_NAMES[q]), by_quarter[end][code_]) for q, end in ends])
        for code_ in _flagged("trend")
    ]
    children = list(
        branches.filter(parent=branch)
        if branch
        else branches.filter(parent__parent__isnull=True, parent__isnull=False)
    )
    compared = []
    if children:
        child_figures = {child: _cached_figures(as_of, child) for child in children}
        for code_ in _flagged("compared"):
            compared.append(
                _chart(
                    code_, [(child.name, child_figures[child][code_]) for child in children], draw=row_chart
                )
            )
    return render(
        request,
        "reports/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": _("Dashboard: %(scope)s") % {"scope": branch.name if branch else _("the whole union")},
            "branch": branch,
            "as_of": as_of,
            "today": today,
            "ends": [(QUARTER_NAMES[q], end) for q, end in ends],
            "headline": headline,
            "plan": plan,
            "trends": trends,
            "compared": compared,
            "visits": _visit_rates(user=user, branch=branch, as_of=as_of),
            "branches": branches,
        },
    )
