"""The reminders' rules, one by one, on who is told: never a branch manager about another branch's
objects; a parent branch's manager about its sub-branches'; the union managers about a finalised
summary, once."""

import datetime

import time_machine
from django.utils import timezone

from ebank.notify.models import Notification
from ebank.org.roles import Role
from ebank.registers import services as logbooks
from reports import reminders
from reports.models import YearSummary
from reports.summary.services import year_summary_finalise
from terminals.models import AtmFault
from tests.factories import user_with_role
from tests.netbanking.factories import TicketFactory
from tests.terminals.factories import TerminalFactory

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)


def _told(rule) -> list[str]:
    return sorted(
        Notification.objects.filter(rule=rule, channel="inapp").values_list("recipient__username", flat=True)
    )


def test_a_ticket_is_told_to_its_assignee_only_if_they_see_its_branch(tree, staff, manager):
    sibling = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    TicketFactory(
        branch=tree["a1"], subject="网银无法登录", assigned_to=manager, deadline=datetime.date(2026, 12, 1)
    )
    TicketFactory(
        branch=tree["a"], subject="U盾丢失", assigned_to=sibling, deadline=datetime.date(2026, 12, 2)
    )
    with time_machine.travel(NOW, tick=False):
        reminders.reminders_evaluate()
    assert _told("ticket_overdue") == ["mgr-101", "staff", "staff"]
    # Assigned by mistake to another branch's manager: the department is told, not them.
    assert Notification.objects.filter(recipient=sibling).count() == 0


def test_a_fault_is_told_to_the_managers_who_see_its_atm(tree, staff, manager, settings):
    settings.ATM_FAULT_OPEN_HOURS = 48
    sub_branch = user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101")
    user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    atm = TerminalFactory(
        branch=tree["a1"], kind="atm", merchant=None, installed_on=datetime.date(2011, 1, 1)
    )
    opened = NOW - datetime.timedelta(hours=50)
    with time_machine.travel(opened + datetime.timedelta(minutes=5), tick=False):
        logbooks.logbook_enter(
            model=AtmFault,
            by=sub_branch,
            terminal=atm,
            occurred_at=opened,
            fault_kind="power",
            description="停电",
        )
    with time_machine.travel(NOW, tick=False):
        reminders.reminders_evaluate()
    assert _told("fault_open_long") == ["mgr-101", "mgr-10101"]
    assert _told("fault_open_long_escalated") == []  # 50 hours: not yet twice the limit
    with time_machine.travel(NOW + datetime.timedelta(hours=47), tick=False):
        reminders.reminders_evaluate()
    assert _told("fault_open_long_escalated") == ["staff"]
    assert _told("fault_open_long") == ["mgr-101", "mgr-10101"]  # not told twice


def test_a_finalised_summary_goes_to_the_union_managers_once(tree, staff, leader, manager):
    summary = YearSummary.objects.create(year=2011, title="2011年电子银行部工作总结")
    reminders.reminders_evaluate()
    assert _told("summary_finalised") == []
    year_summary_finalise(summary=summary, by=staff)
    reminders.reminders_evaluate()
    reminders.reminders_evaluate()
    assert _told("summary_finalised") == ["leader"]
    notice = Notification.objects.get(rule="summary_finalised")
    assert notice.subject == "2011年度工作总结已定稿" and "2011年电子银行部工作总结" in notice.body
