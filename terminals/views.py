"""The terminals' pages outside the admin's lists: clearing a fault (登记排除)."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ebank.dates import next_month_start, year_problem
from ebank.org.scoping import scope_queryset

from . import selectors, services, stickers
from .forms import FaultClearForm
from .models import AtmFault, AtmInspection, Terminal


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@staff_member_required
def fault_clear(request, fault_id: int):
    """登记排除: close an open fault of the user's branches, with the repair it needed, and put
    the ATM back in service."""
    if not request.user.has_perm("terminals.add_atmfault"):
        raise PermissionDenied
    fault = get_object_or_404(
        scope_queryset(user=request.user, queryset=AtmFault.objects.select_related("terminal", "branch")),
        pk=fault_id,
    )
    back = _next(request, "/today/")
    if not selectors.atm_faults_open(queryset=AtmFault.objects.filter(pk=fault.pk)).exists():
        messages.info(request, _("Fault #%(id)d is no longer open.") % {"id": fault.pk})
        return redirect(back)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = FaultClearForm(
        request.POST or None,
        initial={
            "resolved_at": now,
            "handled_by": fault.handled_by or request.user.get_full_name() or request.user.username,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.atm_fault_clear(
                fault=fault,
                by=request.user,
                resolved_at=form.cleaned_data["resolved_at"],
                resolution=form.cleaned_data["resolution"],
                handled_by=form.cleaned_data["handled_by"],
                repair=form.repair(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            fault.terminal.refresh_from_db()
            messages.success(
                request,
                _("Fault #%(id)d cleared. %(atm)s is %(status)s.")
                % {
                    "id": fault.pk,
                    "atm": fault.terminal.terminal_no,
                    "status": fault.terminal.get_status_display(),
                },
            )
            return redirect(back)
    return TemplateResponse(
        request,
        "terminals/fault_clear.html",
        {
            **admin.site.each_context(request),
            "title": _("Record the fault cleared"),
            "fault": fault,
            "form": form,
            "clearance_fields": [
                form[name] for name in ("resolved_at", "resolution", "handled_by", "repaired")
            ],
            "repair_fields": [form[name] for name in ("vendor", "parts", "cost", "downtime_hours")],
            "next": back,
        },
    )


def _period(request) -> tuple[datetime.date, datetime.date, str]:
    """The period asked for: ?month=YYYY-MM or ?year=YYYY (this year by default); never past today."""
    today = timezone.localdate()
    month, year = request.GET.get("month", ""), request.GET.get("year", "")
    try:
        if month:
            first = datetime.date.fromisoformat(f"{month}-01")
            last = next_month_start(first) - datetime.timedelta(days=1)
            label = f"{first:%Y-%m}"
        else:
            first = datetime.date(int(year or today.year), 1, 1)
            last, label = datetime.date(first.year, 12, 31), f"{first.year}"
    except ValueError:
        first = None
    if first is None or year_problem(first.year):
        first, last, label = (
            datetime.date(today.year, 1, 1),
            datetime.date(today.year, 12, 31),
            str(today.year),
        )
    return first, min(last, today), label


def _period_name(start: datetime.date, label: str) -> str:
    if len(label) == 4:
        return _("year %(year)d") % {"year": start.year}
    return _("%(year)d-%(month)02d (month)") % {"year": start.year, "month": start.month}


@staff_member_required
def inspection_compliance(request):
    """检查登记率: the ATM security inspections due in a year or a month and how each went — on
    time, entered late (补录), missed — for the union or branch in scope, per branch, per month
    and per ATM. The rate counts on-time inspections only."""
    if not request.user.has_perm("terminals.view_atminspection"):
        raise PermissionDenied
    start, end, label = _period(request)
    atms = scope_queryset(user=request.user, queryset=Terminal.objects.filter(kind=Terminal.Kind.ATM))
    figures = selectors.inspection_compliance_by(atms=atms, start=start, end=end)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "terminals/inspection_compliance.html",
        {
            **admin.site.each_context(request),
            "title": _("ATM inspections %(period)s: on time, late and missed")
            % {"period": _period_name(start, label)},
            "start": start,
            "end": end,
            "label": label,
            "years": sorted(
                {today.year, start.year}
                | {day.year for day in AtmInspection.objects.dates("occurred_at", "year")},
                reverse=True,
            ),
            "months": [f"{int(label[:4])}-{m:02d}" for m in range(1, 13)],
            "total": figures["total"],
            "branches": figures["branches"],
            "by_month": figures["months"],
            "atms": figures["atms"],
        },
    )


@staff_member_required
def atm_scan(request, terminal_no: str, secret: str):
    """A scanned sticker: the ATM's inspection for the window open now, to be marked on site
    (扫码). A sticker revoked, unknown, or of an ATM outside the user's branches answers 404."""
    terminal = stickers.sticker_terminal(terminal_no=terminal_no, secret=secret)
    if (
        terminal is None
        or not request.user.has_perm("terminals.add_atminspection")
        or not scope_queryset(user=request.user, queryset=Terminal.objects.filter(pk=terminal.pk)).exists()
    ):
        raise Http404
    stickers.scan_remember(request, terminal)
    now = timezone.localtime()
    shift, opens, closes = selectors.next_window(now=now)
    if opens > now:
        messages.warning(
            request,
            _("%(atm)s scanned, but no inspection window is open now (next: %(opens)s).")
            % {"atm": terminal.terminal_no, "opens": f"{opens:%m-%d %H:%M}"},
        )
        return redirect("today")
    messages.info(
        request,
        _("%(atm)s scanned on site: this inspection is recorded as 扫码.") % {"atm": terminal.terminal_no},
    )
    add = reverse("admin:terminals_atminspection_add")
    return redirect(f"{add}?terminal={terminal.pk}&shift={shift}&next={reverse('today')}")
