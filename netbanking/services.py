"""Writes on online banking with business meaning, each on record (simple-history)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank import pii
from ebank.audit import on_record
from ebank.org.roles import Role
from ebank.org.scoping import branch_subtree_ids, user_may_use_branch

from .models import SecurityMedium, SpotCheck, Ticket
from .selectors import ticket_assignees, working_day_after

TICKET_WORKING_DAYS = 3


@transaction.atomic
def ticket_open(
    *,
    kind: str,
    branch,
    subject: str,
    description: str,
    by,
    customer=None,
    opened_at: datetime.datetime | None = None,
) -> Ticket:
    """Open a fault or complaint ticket for a branch; its deadline is T+3 working days."""
    if not user_may_use_branch(user=by, branch=branch):
        raise ValidationError({"branch": _("This branch is not within your branches.")})
    if customer is not None and customer.branch_id not in branch_subtree_ids(branch=branch):
        raise ValidationError({"customer": _("The customer signed at another branch.")})
    opened_at = opened_at or timezone.now()
    if opened_at > timezone.now():
        raise ValidationError({"opened_at": _("The time must not be in the future.")})
    start = timezone.localtime(opened_at).date()
    ticket = Ticket(
        kind=kind,
        branch=branch,
        customer=customer,
        subject=subject,
        description=description,
        opened_at=opened_at,
        opened_by=by,
        deadline=working_day_after(start=start, days=TICKET_WORKING_DAYS),
    )
    pii.free_text_mask(ticket)
    ticket.full_clean()
    on_record(ticket, by=by)
    ticket.save()
    return ticket


@transaction.atomic
def ticket_assign(*, ticket: Ticket, to, by) -> Ticket:
    """Give a ticket to the person who handles it."""
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError({"status": _("The ticket is already closed.")})
    may_handle = to.role == Role.STAFF or (
        to.role == Role.BRANCH_MANAGER and user_may_use_branch(user=to, branch=ticket.branch)
    )
    may_give = to.pk is not None and ticket_assignees(user=by).filter(pk=to.pk).exists()
    if not to.is_active or not may_handle or not may_give:
        raise ValidationError(
            {"assigned_to": _("Give the ticket to department staff or to a manager of its branch.")}
        )
    ticket.assigned_to, ticket.status = to, Ticket.Status.IN_PROGRESS
    on_record(ticket, by=by)
    ticket.save()
    return ticket


@transaction.atomic
def ticket_close(
    *, ticket: Ticket, resolution: str, by, closed_at: datetime.datetime | None = None
) -> Ticket:
    """Close a ticket with its resolution."""
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError({"status": _("The ticket is already closed.")})
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the ticket was resolved.")})
    closed_at = closed_at or timezone.now()
    if closed_at < ticket.opened_at:
        raise ValidationError({"closed_at": _("A ticket cannot close before it was opened.")})
    ticket.status, ticket.closed_at, ticket.resolution = Ticket.Status.CLOSED, closed_at, resolution.strip()
    pii.free_text_mask(ticket)
    on_record(ticket, by=by)
    ticket.save()
    return ticket


@transaction.atomic
def security_medium_replace(
    *, medium: SecurityMedium, on: datetime.date, reason: str, by, serial_no: str = ""
) -> SecurityMedium:
    """Replace a customer's lost or broken medium with a new one of the same kind."""
    medium = SecurityMedium.objects.select_for_update().get(pk=medium.pk)
    if medium.status != SecurityMedium.Status.IN_USE:
        raise ValidationError({"status": _("Only a medium in use can be replaced.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the replacement.")})
    if on < medium.issued_on or on > timezone.localdate():
        raise ValidationError({"on": _("The date must lie between the issue of the old medium and today.")})
    medium.status, medium.replaced_on = SecurityMedium.Status.REPLACED, on
    on_record(medium, by=by, reason=reason)
    medium.save()
    new = SecurityMedium(
        customer=medium.customer,
        kind=medium.kind,
        serial_no=serial_no,
        issued_on=on,
        replaces=medium,
        reason=reason.strip(),
    )
    on_record(new, by=by, reason=reason)
    new.save()
    return new


@transaction.atomic
def spot_check_record(
    *,
    branch,
    checked_on: datetime.date,
    scope: str,
    documents_checked: int,
    findings: str = "",
    rectify_by: datetime.date | None = None,
    by,
) -> SpotCheck:
    """Record a spot check of a branch's sign-up documents; findings need a rectification deadline."""
    if findings.strip() and rectify_by is None:
        raise ValidationError({"rectify_by": _("Findings need a rectification deadline.")})
    if rectify_by and rectify_by < checked_on:
        raise ValidationError({"rectify_by": _("The deadline must not be before the check.")})
    check = SpotCheck(
        branch=branch,
        checked_on=checked_on,
        checked_by=by,
        scope=scope,
        documents_checked=documents_checked,
        findings=findings.strip(),
        rectify_by=rectify_by,
    )
    pii.free_text_mask(check)
    check.full_clean()
    on_record(check, by=by)
    check.save()
    return check


@transaction.atomic
def spot_check_rectify(*, check: SpotCheck, on: datetime.date, rectification: str, by) -> SpotCheck:
    """Record that a spot check's findings were rectified, and how."""
    if not check.findings:
        raise ValidationError({"rectified_on": _("This check found nothing to rectify.")})
    if on < check.checked_on:
        raise ValidationError({"rectified_on": _("Rectification cannot come before the check.")})
    check.rectified_on, check.rectification = on, rectification.strip()
    pii.free_text_mask(check)
    on_record(check, by=by)
    check.save()
    return check
