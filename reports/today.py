"""今日 — the day of whoever keeps the registers, phone first: each ATM of the user's branches
with today's inspection windows (done, due now, missed, upcoming, out of order) and one tap to
record the one due, its open fault with 登记排除, or 报告故障; then what the branches must act on
(open faults, cash over/short to settle, retained cards, findings to rectify, tickets near or past
T+3, service points to visit this month or idle for three months). It gathers the areas'
selectors, as the home page's to-do list does."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cards import selectors as cards_selectors
from cards.models import CardRiskCheck
from ebank.org.scoping import scope_queryset, scoped_branches
from ebank.registers.selectors import confirmations_overdue
from netbanking import selectors as netbanking_selectors
from netbanking.models import SpotCheck, Ticket
from terminals import selectors as terminal_selectors
from terminals.models import AtmFault, AtmInspection


@staff_member_required
def today(request):
    user = request.user
    now = timezone.localtime()

    def scoped(model):
        return scope_queryset(user=user, queryset=model.objects.all())

    shift, opens, closes = terminal_selectors.next_window(now=now)
    items = {
        "open_faults": list(
            terminal_selectors.atm_faults_open(queryset=scoped(AtmFault))
            .select_related("terminal")
            .order_by("occurred_at")
        ),
        **terminal_selectors.entries_to_settle(user=user),
        "unconfirmed": confirmations_overdue(user=user, now=now),
        "unrectified_risk_checks": list(
            cards_selectors.card_risk_checks_unrectified(
                queryset=scoped(CardRiskCheck).select_related("branch")
            )
        ),
        "tickets": list(
            netbanking_selectors.tickets_due_soon(
                queryset=scoped(Ticket).select_related("branch"), today=now.date()
            )
        ),
        "overdue_spot_checks": list(
            netbanking_selectors.spot_checks_overdue(queryset=scoped(SpotCheck).select_related("branch"))
        ),
        **terminal_selectors.service_points_to_act_on(user=user, today=now.date()),
    }
    branches = list(scoped_branches(user=user))
    return TemplateResponse(
        request,
        "reports/today.html",
        {
            **admin.site.each_context(request),
            "title": _("Today"),
            "now": now,
            "window": {
                "shift": AtmInspection.Shift(shift).label,
                "opens": opens,
                "closes": closes,
                "open": opens <= now,
            },
            "atms": terminal_selectors.atm_windows_today(user=user, now=now),
            "many_branches": len(branches) > 1,
            "items": items,
            "to_do": sum(len(found) for found in items.values()),
            "may_enter": user.has_perm("terminals.add_atminspection"),
            "may_report": user.has_perm("terminals.add_atmfault"),
            "may_visit": user.has_perm("terminals.add_servicepointvisit"),
        },
    )
