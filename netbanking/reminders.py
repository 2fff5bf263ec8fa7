"""Reminders (提醒) of online banking's tickets, evaluated by Celery beat every few minutes; each
tells an event once per person and channel (ebank/notify): a ticket due the next working day,
and a ticket past its T+3 deadline, to its assignee and to the department."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.notify import people
from ebank.notify.services import notify
from ebank.org.scoping import user_may_use_branch

from . import selectors
from .models import Ticket


def _tell(ticket: Ticket, *, rule: str, subject: str) -> int:
    recipients = people.department()
    assignee = ticket.assigned_to
    # The assignee, if they may see the ticket's branch (a branch manager of another never is).
    if (
        assignee is not None
        and assignee.is_active
        and user_may_use_branch(user=assignee, branch=ticket.branch)
    ):
        recipients.append(assignee)
    return notify(
        recipients=recipients,
        rule=rule,
        # A deadline moved is a new event.
        key=f"ticket:{ticket.pk}:{ticket.deadline}",
        subject=subject,
        body=f"{ticket.branch.name} · {ticket.get_kind_display()} · {ticket.subject}",
        url=reverse("admin:netbanking_ticket_change", args=[ticket.pk]),
    )


def ticket_due_tomorrow(now: datetime.datetime) -> int:
    """An open ticket whose T+3 deadline is the next working day."""
    today = now.date()
    tomorrow = selectors.working_day_after(start=today, days=1)
    told = 0
    for ticket in (
        Ticket.objects.exclude(status=Ticket.Status.CLOSED)
        .filter(deadline__gt=today, deadline__lte=tomorrow)
        .select_related("branch", "assigned_to")
    ):
        told += _tell(
            ticket,
            rule="ticket_due_tomorrow",
            subject=_("Ticket due %(deadline)s (T+3): %(subject)s")
            % {"deadline": ticket.deadline, "subject": ticket.subject},
        )
    return told


def ticket_overdue(now: datetime.datetime) -> int:
    """An open ticket past its T+3 deadline."""
    told = 0
    for ticket in selectors.tickets_overdue(queryset=Ticket.objects.all(), today=now.date()).select_related(
        "branch", "assigned_to"
    ):
        told += _tell(
            ticket,
            rule="ticket_overdue",
            subject=_("Ticket past T+3 (due %(deadline)s): %(subject)s")
            % {"deadline": ticket.deadline, "subject": ticket.subject},
        )
    return told


RULES = [ticket_due_tomorrow, ticket_overdue]
LABELS = {
    "ticket_due_tomorrow": gettext_lazy("Ticket due the next working day"),
    "ticket_overdue": gettext_lazy("Ticket past T+3"),
}
