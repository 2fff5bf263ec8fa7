"""The dashboard: headline figures today and at each quarter end, trends by quarter, branches
compared — charts drawn on the server as SVG, so nothing is fetched from the network."""

import datetime
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cards.models import Card
from ebank.dates import year_problem
from ebank.org.models import Branch
from ebank.org.roles import Role
from ebank.org.scoping import scoped_branches

from .metrics import BY_CODE, metrics
from .selectors import figures
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


def bar_chart(values: list[tuple[str, Decimal | int]], *, width: int = 360, height: int = 160) -> dict:
    """The geometry of a bar chart for the template: bars scaled to the largest value."""
    top = max((float(value) for _label, value in values), default=0) or 1
    slot = width / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(values):
        bar_height = (height - 30) * float(value) / top
        bars.append(
            {
                "x": index * slot + slot * 0.15,
                "y": height - 20 - bar_height,
                "width": slot * 0.7,
                "height": max(bar_height, 0),
                "label": label,
                "value": value,
                "label_x": index * slot + slot / 2,
            }
        )
    return {"width": width, "height": height, "bars": bars, "baseline": height - 20}


def _display(code: str, value) -> str:
    if BY_CODE[code].amount and value >= 100000:
        return f"{(Decimal(value) / 10000).quantize(Decimal('0.01'))} 万元"
    return f"{value} 元" if BY_CODE[code].amount else f"{value}"


def _latest_year(today) -> int:
    """The year shown first: this year, or the last year with data when the data stops earlier
    (a database restored from an archive, the demo county of 2011)."""
    latest = Card.objects.aggregate(day=Max("issued_on"))["day"]
    return min(today.year, latest.year) if latest else today.year


@staff_member_required
def dashboard(request):
    """The union's dashboard, or a branch's (a branch manager's own by default)."""
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
    try:
        year = int(request.GET.get("year") or _latest_year(today))
    except ValueError:
        messages.error(request, _("Give the year as four digits, such as 2011."))
        year = _latest_year(today)
    if problem := year_problem(year):
        messages.error(request, problem)
        year = _latest_year(today)
    ends = [
        quarter_end(year=year, quarter=q) for q in (1, 2, 3, 4) if quarter_end(year=year, quarter=q) <= today
    ]
    now = _cached_figures(today, branch)
    by_quarter = {end: _cached_figures(end, branch) for end in ends}
    headline = [
        {
            "code": code_,
            "label": BY_CODE[code_].label,
            "today": _display(code_, now[code_]),
            "quarters": [_display(code_, by_quarter[end][code_]) for end in ends],
        }
        for code_ in _flagged("dashboard")
    ]
    trends = [
        {
            "label": BY_CODE[code_].label,
            "chart": bar_chart([(f"Q{index + 1}", by_quarter[end][code_]) for index, end in enumerate(ends)]),
        }
        for code_ in _flagged("trend")
    ]
    children = list(
        branches.filter(parent=branch)
        if branch
        else branches.filter(parent__parent__isnull=True, parent__isnull=False)
    )
    compared = []
    if children:
        child_figures = {child: _cached_figures(today, child) for child in children}
        for code_ in _flagged("compared"):
            compared.append(
                {
                    "label": BY_CODE[code_].label,
                    "chart": bar_chart(
                        [(child.name, child_figures[child][code_]) for child in children],
                        width=max(360, 60 * len(children)),
                    ),
                }
            )
    return render(
        request,
        "reports/dashboard.html",
        {
            **admin.site.each_context(request),
            "title": _("Dashboard: %(scope)s") % {"scope": branch or _("the whole union")},
            "branch": branch,
            "year": year,
            "today": today,
            "ends": ends,
            "headline": headline,
            "trends": trends,
            "compared": compared,
            "branches": branches,
        },
    )
