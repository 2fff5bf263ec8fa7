"""The first page's to-do list: what the user's branches must act on, from every area."""

from django import template

from cards import selectors as cards_selectors
from cards.models import CardRiskCheck
from ebank.imports.models import ImportRun
from ebank.org.scoping import scope_queryset
from ebank.registers.selectors import confirmations_overdue
from netbanking import selectors as netbanking_selectors
from netbanking.models import SpotCheck, Ticket
from terminals import selectors as terminal_selectors

register = template.Library()


def worklist_items(*, user) -> dict[str, list]:
    """What the user's branches must act on, from every area: the home page's to-do list and
    the 08:00 digest."""
    items = terminal_selectors.worklist(user=user)
    items["unrectified_risk_checks"] = list(
        cards_selectors.card_risk_checks_unrectified(
            queryset=scope_queryset(user=user, queryset=CardRiskCheck.objects.select_related("branch"))
        )
    )
    items["overdue_tickets"] = list(
        netbanking_selectors.tickets_overdue(
            queryset=scope_queryset(user=user, queryset=Ticket.objects.select_related("branch"))
        )
    )
    items["overdue_spot_checks"] = list(
        netbanking_selectors.spot_checks_overdue(
            queryset=scope_queryset(user=user, queryset=SpotCheck.objects.select_related("branch"))
        )
    )
    items["unconfirmed"] = confirmations_overdue(user=user)
    if user.has_perm("imports.approve_importrun"):  # four eyes: the changes others made
        items["awaiting_approval"] = list(
            ImportRun.objects.filter(status=ImportRun.Status.AWAITING_APPROVAL)
            .exclude(started_by=user)
            .select_related("started_by")
            .order_by("created_at")
        )
    return items


@register.inclusion_tag("reports/worklist.html", takes_context=True)
def worklist_panel(context):
    user = context["request"].user
    if not getattr(user, "role", "") and not user.is_superuser:
        return {"items": None}
    items = worklist_items(user=user)
    return {"items": items, "total": sum(len(entries) for entries in items.values())}
