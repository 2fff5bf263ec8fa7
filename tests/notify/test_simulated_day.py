"""A simulated day of the reminders, from 05:00 on Tuesday 1 December 2026 to 07:10 the next day,
the clock moved through the morning and evening inspection windows with the beat task run at
each step, against a real SMTP server and a real webhook: exactly the expected messages are
sent, once each, to the expected people; rerunning sends nothing more; stopping the SMTP server
mid-day fails and retries only the e-mails; no clear card or ID number reaches any message."""

import datetime
import logging
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ebank.notify.models import Notification, NotificationSettings, WeComRobot
from ebank.org.roles import Role
from ebank.registers import services as logbooks
from reports import tasks
from terminals.models import AtmCashLog, AtmFault, AtmInspection
from tests.factories import user_with_role
from tests.netbanking.factories import TicketFactory
from tests.terminals.factories import ServicePointFactory, TerminalFactory
from tests.test_sentinel import SENTINEL_CARD, SENTINEL_ID

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(hour, minute=0, day=1):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def county(tree, settings, smtp_server, wecom_server):
    """Three ATMs (城关 101 and its 东街分社 10101; 北山 201, with a cash jam since 18:00 the day
    before), an idle POS at 201, an idle service point under 10101, two open tickets; a manager
    per branch, a second custodian at 101, two of the department's staff (one takes the digest)
    and a union manager; a robot for 101's group and one for the department's."""
    settings.ATM_INSPECTION_WINDOWS = {"morning": "06:00-12:00", "evening": "17:00-23:59"}
    settings.ATM_FAULT_OPEN_HOURS = 12
    settings.NOTIFY_RETRY_MINUTES = 5
    a, a1, b = tree["a"], tree["a1"], tree["b"]
    people = {
        "mgr-101": user_with_role(Role.BRANCH_MANAGER, a, username="mgr-101", email="mgr-101@example.cn"),
        "kg-101": user_with_role(Role.BRANCH_MANAGER, a, username="kg-101", email="kg-101@example.cn"),
        "mgr-201": user_with_role(Role.BRANCH_MANAGER, b, username="mgr-201", email="mgr-201@example.cn"),
        "staff": user_with_role(Role.STAFF, username="staff", email="staff@example.cn"),
        "staff-2": user_with_role(Role.STAFF, username="staff-2", email="staff-2@example.cn"),
        "leader": user_with_role(Role.LEADER, username="leader", email="leader@example.cn"),
    }
    NotificationSettings.objects.create(
        user=people["mgr-101"],
        wecom_userid="zhangsan",
        quiet_from=datetime.time(22),
        quiet_until=datetime.time(7),
    )
    NotificationSettings.objects.create(user=people["staff-2"], digest=True, by_wecom=False)
    WeComRobot.objects.create(name="城关信用社群", branch=a, webhook_url=wecom_server.url("robot-101"))
    WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("robot-dept"))
    installed = datetime.date(2011, 1, 1)
    atms = {
        "A": TerminalFactory(
            branch=a, kind="atm", merchant=None, terminal_no="ATM10101", installed_on=installed
        ),
        "A1": TerminalFactory(
            branch=a1, kind="atm", merchant=None, terminal_no="ATM10102", installed_on=installed
        ),
        "B": TerminalFactory(
            branch=b, kind="atm", merchant=None, terminal_no="ATM20101", installed_on=installed
        ),
    }
    TerminalFactory(branch=b, kind="pos", terminal_no="POS20188", installed_on=installed)
    ServicePointFactory(branch=a1, point_no="ZN10101001", name="东街村助农取款服务点", village="东街村")
    with time_machine.travel(at(18, 10) - datetime.timedelta(days=1), tick=False):
        logbooks.logbook_enter(
            model=AtmFault,
            by=people["mgr-201"],
            terminal=atms["B"],
            occurred_at=at(18, 0) - datetime.timedelta(days=1),
            fault_kind="cash_jam",
            description=f"吐钞模块卡钞，吞卡 {SENTINEL_CARD}",
        )
    tickets = {
        "due": TicketFactory(
            branch=b,
            subject="网银无法登录",
            assigned_to=people["mgr-201"],
            opened_at=at(9) - datetime.timedelta(days=3),
            deadline=datetime.date(2026, 12, 2),
        ),
        "late": TicketFactory(
            branch=a,
            subject=f"客户 {SENTINEL_ID} 投诉转账未到账",
            opened_at=at(9) - datetime.timedelta(days=6),
            deadline=datetime.date(2026, 11, 30),
        ),
    }
    return {"people": people, "atms": atms, "tickets": tickets}


def _beat(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.reminders_evaluate_task()


def _told() -> set[tuple[str, str, str, str]]:
    return set(Notification.objects.values_list("recipient__username", "channel", "rule", "key"))


def test_a_simulated_day(county, smtp_server, wecom_server, caplog):
    caplog.set_level(logging.INFO)
    people, atms, tickets = county["people"], county["atms"], county["tickets"]
    fault = AtmFault.objects.get()
    due, late = (f"ticket:{tickets['due'].pk}:2026-12-02", f"ticket:{tickets['late'].pk}:2026-11-30")

    # 05:00, the 1st: the tickets (due tomorrow; past T+3), the month's idle POS and points. The
    # jam is 11 hours old (the limit is 12). Last night's missed windows are too old to be told.
    _beat(at(5))
    branch_a = {"mgr-101", "kg-101"}
    expected = {
        *{
            (who, ch, "ticket_due_tomorrow", due)
            for who in ("staff", "staff-2", "mgr-201")
            for ch in ("inapp", "email")
        },
        ("staff", "wecom", "ticket_due_tomorrow", due),
        *{(who, ch, "ticket_overdue", late) for who in ("staff", "staff-2") for ch in ("inapp", "email")},
        ("staff", "wecom", "ticket_overdue", late),
        *{(who, ch, "dormant_month", "2026-11") for who in branch_a for ch in ("inapp", "email", "wecom")},
        *{("mgr-201", ch, "dormant_month", "2026-11") for ch in ("inapp", "email")},
    }
    assert _told() == expected
    dormant = Notification.objects.get(recipient=people["mgr-201"], rule="dormant_month", channel="inapp")
    assert "POS20188" in dormant.body and "东街村" not in dormant.body  # only their own branch's
    assert (
        "东街村助农取款服务点"
        in Notification.objects.get(recipient=people["mgr-101"], rule="dormant_month", channel="inapp").body
    )

    # 06:30: the jam has been open 12 hours: its branch is told.
    _beat(at(6, 30))
    expected |= {("mgr-201", ch, "fault_open_long", f"fault:{fault.pk}") for ch in ("inapp", "email")}
    assert _told() == expected

    # 07:00: 101's ATM is inspected; 10101's is not.
    with time_machine.travel(at(7, 5), tick=False):
        logbooks.logbook_enter(
            model=AtmInspection, by=people["mgr-101"], terminal=atms["A"], occurred_at=at(7), shift="morning"
        )

    # 08:00: staff-2's digest, in place of the single e-mails held since 05:00.
    with time_machine.travel(at(8), tick=False):
        assert tasks.reminders_digest_task() == 1
    expected.add(("staff-2", "email", "digest", "2026-12-01"))
    assert _told() == expected

    # 09:00: a cash loading names 101's second custodian, who is told to confirm it.
    with time_machine.travel(at(9, 10), tick=False):
        loading = logbooks.logbook_enter(
            model=AtmCashLog,
            by=people["mgr-101"],
            terminal=atms["A"],
            occurred_at=at(9),
            operation="load",
            amount_loaded=Decimal("300000"),
            custodian_a="张",
            second_custodian=people["kg-101"],
        )
    _beat(at(9, 15))
    expected |= {
        ("kg-101", ch, "confirmation_waiting", f"terminals.atmcashlog:{loading.pk}")
        for ch in ("inapp", "email", "wecom")
    }
    assert _told() == expected

    # 11:35, the SMTP server down: the morning window closes in 25 minutes with 10101's ATM not
    # inspected. The inbox and WeCom are told; the e-mails fail and wait.
    smtp_server.stop()
    posts_before = len(wecom_server.posts)
    _beat(at(11, 35))
    closing = {
        (who, ch, "inspection_window_closing", "2026-12-01:morning")
        for who in branch_a
        for ch in ("inapp", "email", "wecom")
    }
    expected |= closing
    assert _told() == expected
    assert len(wecom_server.posts) == posts_before + 1  # one post for the two of them
    assert "ATM10102" in wecom_server.posts[-1][1]["markdown"]["content"]
    assert "ATM10101" not in wecom_server.posts[-1][1]["markdown"]["content"]
    failed = Notification.objects.filter(rule="inspection_window_closing", channel="email")
    assert {(row.status, row.attempts) for row in failed} == {("retrying", 1)}

    # 12:05: the window is missed; the server is still down.
    _beat(at(12, 5))
    expected |= {
        (who, ch, "inspection_missed", "2026-12-01:morning")
        for who in branch_a
        for ch in ("inapp", "email", "wecom")
    }
    assert _told() == expected
    assert {row.attempts for row in failed.all()} == {2}  # retried at 11:40 and failing again
    assert not Notification.objects.filter(channel="wecom", status__in=["retrying", "failed"]).exists()

    # 12:30: the server is back; 10101's manager enters the morning's inspection late (补录).
    smtp_server.start()
    with time_machine.travel(at(12, 30), tick=False):
        logbooks.logbook_enter(
            model=AtmInspection,
            by=people["mgr-101"],
            terminal=atms["A1"],
            occurred_at=at(10),
            shift="morning",
        )
    _beat(at(12, 30))
    assert not Notification.objects.filter(channel="email", status__in=["retrying", "pending"]).exists()

    # 13:05: the slot is no longer missed, so the department is not told.
    _beat(at(13, 5))
    assert _told() == expected

    # 18:05: the jam has been open 24 hours: the department is told.
    _beat(at(18, 5))
    expected |= {
        (who, ch, "fault_open_long_escalated", f"fault:{fault.pk}")
        for who in ("staff", "staff-2")
        for ch in ("inapp", "email")
    }
    expected.add(("staff", "wecom", "fault_open_long_escalated", f"fault:{fault.pk}"))
    assert _told() == expected

    # 23:35: the evening window closes with both of 101's ATMs not inspected; mgr-101's quiet
    # hours (22:00–07:00) hold their e-mail and WeCom message until 07:00.
    _beat(at(23, 35))
    expected |= {
        (who, ch, "inspection_window_closing", "2026-12-01:evening")
        for who in branch_a
        for ch in ("inapp", "email", "wecom")
    }
    assert _told() == expected
    held = Notification.objects.filter(
        recipient=people["mgr-101"], rule="inspection_window_closing", key="2026-12-01:evening"
    ).exclude(channel="inapp")
    assert {(row.status, timezone.localtime(row.next_attempt_at)) for row in held} == {
        ("pending", at(7, day=2))
    }

    # 00:05 and 01:05: the evening window missed, then still missed an hour later.
    _beat(at(0, 5, day=2))
    _beat(at(1, 5, day=2))
    expected |= {
        (who, ch, "inspection_missed", "2026-12-01:evening")
        for who in branch_a
        for ch in ("inapp", "email", "wecom")
    }
    expected |= {
        (who, ch, "inspection_missed_escalated", "2026-12-01:evening")
        for who in ("staff", "staff-2")
        for ch in ("inapp", "email")
    }
    expected.add(("staff", "wecom", "inspection_missed_escalated", "2026-12-01:evening"))
    assert _told() == expected
    escalated = Notification.objects.get(
        recipient=people["staff"], rule="inspection_missed_escalated", channel="inapp"
    )
    assert escalated.body == "城关信用社：ATM10101\n东街分社：ATM10102"

    # 07:05: mgr-101's quiet hours are over; 07:10: a rerun tells and sends nothing more.
    _beat(at(7, 5, day=2))
    emails, posts = len(smtp_server.messages), len(wecom_server.posts)
    assert _beat(at(7, 10, day=2)) == 0
    assert _told() == expected
    assert (len(smtp_server.messages), len(wecom_server.posts)) == (emails, posts)

    # Every e-mail went once, to the person it was for; nobody was told twice by e-mail.
    sent = sorted(addresses[0] for addresses in smtp_server.recipients)
    assert sent == sorted(
        f"{who}@example.cn"
        for who, channel, _rule, _key in expected
        if channel == "email" and not (who == "staff-2" and _rule != "digest")
    )
    assert Notification.objects.filter(channel="email", status="sent").count() == len(sent)
    # staff-2's single e-mails were told in the digest (or are held for tomorrow's).
    assert set(
        Notification.objects.filter(recipient=people["staff-2"], channel="email")
        .exclude(rule="digest")
        .values_list("status", flat=True)
    ) == {"digested", "held"}
    # The robots' posts: 101's group (mgr-101's quiet hours split three events: the idle points
    # told at 05:00 reach them after 07:00), the department's.
    paths = sorted(path.rsplit("=", 1)[1] for path, _payload in wecom_server.posts)
    assert paths == ["robot-101"] * 9 + ["robot-dept"] * 4
    # The union manager was told nothing today.
    assert not Notification.objects.filter(recipient=people["leader"]).exists()

    # No clear card or ID number in any e-mail, WeCom payload, stored message or log line.
    outputs = [*smtp_server.texts(), *(repr(payload) for _path, payload in wecom_server.posts), caplog.text]
    outputs += [repr(row) for row in Notification.objects.values_list("subject", "body", "url", "error")]
    for number in (SENTINEL_CARD, SENTINEL_ID):
        assert not any(number in text for text in outputs)
    assert any("投诉转账未到账" in text for text in outputs)  # the ticket was told, masked
