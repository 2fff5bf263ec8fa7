"""A fault as a chain: reported (报告故障: the ATM is faulty from the reported time), cleared
(登记排除: the resolution, the repair it needed if any, the ATM back in service). A correction of
the fault entry stays for mistakes."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank.registers import services as registers

from ..models import AtmFault, AtmFaultClearance, AtmRepair, Terminal
from ..selectors import atm_faults_open
from .fleet import terminal_report_faulty, terminal_restore


def atm_fault_reported(fault: AtmFault, by) -> None:
    """After a fault is entered (the register's after_enter): a fault still open puts its ATM out
    of service, on record with the fault's number."""
    if fault.resolved_at is not None:
        return
    terminal = Terminal.objects.select_for_update().get(pk=fault.terminal_id)
    if terminal.status == Terminal.Status.IN_SERVICE:
        terminal_report_faulty(
            terminal=terminal,
            on=timezone.localtime(fault.occurred_at).date(),
            reason=_("fault #%(id)d reported: %(kind)s")
            % {"id": fault.pk, "kind": fault.get_fault_kind_display()},
            by=by,
            at=fault.occurred_at,
            fault=fault,
        )


@transaction.atomic
def atm_fault_clear(
    *,
    fault: AtmFault,
    by,
    resolved_at: datetime.datetime,
    resolution: str,
    handled_by: str,
    repair: dict | None = None,
) -> AtmFaultClearance:
    """Clear an open fault: its clearance (when, how, who), the repair it needed as an entry of
    the repair register linked to it (vendor, parts, cost, downtime — by default the hours from
    the report to the clearance), and the ATM back in service when no other fault keeps it out."""
    fault = AtmFault.objects.select_for_update().get(pk=fault.pk)
    if not atm_faults_open(queryset=AtmFault.objects.filter(pk=fault.pk)).exists():
        raise ValidationError({"fault": _("This fault is no longer open (cleared, or corrected since).")})
    if resolved_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The time of the event must not be in the future.")})
    repaired = None
    if repair:
        hours = Decimal((resolved_at - fault.occurred_at).total_seconds() / 3600).quantize(Decimal("0.1"))
        repaired = registers.logbook_enter(
            model=AtmRepair,
            by=by,
            terminal=fault.terminal,
            occurred_at=resolved_at,
            vendor=repair["vendor"],
            parts=repair.get("parts", ""),
            cost=repair.get("cost") or Decimal(0),
            downtime_hours=repair.get("downtime_hours") or max(hours, Decimal(0)),
            remarks=repair.get("remarks") or _("repair of fault #%(id)d") % {"id": fault.pk},
        )
    clearance = registers.logbook_enter(
        model=AtmFaultClearance,
        by=by,
        branch=fault.branch,
        fault=fault,
        terminal=fault.terminal,
        occurred_at=resolved_at,
        resolution=resolution,
        handled_by=handled_by,
        repair=repaired,
    )
    terminal = Terminal.objects.select_for_update().get(pk=fault.terminal_id)
    still_open = atm_faults_open(queryset=AtmFault.objects.filter(terminal=terminal)).exists()
    if terminal.status == Terminal.Status.FAULTY and not still_open:
        terminal_restore(
            terminal=terminal,
            on=timezone.localtime(resolved_at).date(),
            reason=_("fault #%(id)d cleared: %(resolution)s") % {"id": fault.pk, "resolution": resolution},
            by=by,
            at=resolved_at,
        )
    return clearance
