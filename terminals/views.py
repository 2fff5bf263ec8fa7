"""The terminals' pages outside the admin's lists: clearing a fault (登记排除)."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ebank.org.scoping import scope_queryset

from . import selectors, services
from .forms import FaultClearForm
from .models import AtmFault


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
