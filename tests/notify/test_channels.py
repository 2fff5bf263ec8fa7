"""The channels of the reminders, against real servers: the e-mails reach an SMTP server
(aiosmtpd), the WeCom messages a webhook (an HTTP server); each person chooses their channels,
quiet hours and digest; a channel the server lacks is left out without an error; a channel that
is down is retried with backoff while the others go on; staff read the log and send again."""

import datetime
import threading

import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ebank.notify import delivery
from ebank.notify.models import Notification, NotificationSettings, WeComRobot
from ebank.notify.services import notify
from ebank.org.roles import Role
from reports import reminders
from tests import processes
from tests.factories import user_with_role

Channel, Status = Notification.Channel, Notification.Status
SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def _rows(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("channel", "status"))


def _tell(recipients, key="k1", subject="ATM 城关01 故障已超过 48 小时"):
    return notify(
        recipients=recipients, rule="fault_open_long", key=key, subject=subject, body="卡钞", url="/x/"
    )


def test_without_smtp_or_robot_only_the_inbox_is_used_and_nothing_fails(tree, manager):
    manager.email = "mgr@example.cn"
    manager.save()
    assert _tell([manager]) == 1
    assert _rows(manager) == [("inapp", "sent")]
    assert delivery.deliver_email() == 0 and delivery.deliver_wecom() == 0


def test_an_email_reaches_the_smtp_server_with_its_link(tree, manager, smtp_server, settings):
    settings.SITE_URL = "https://ebank.example.cn"
    manager.email = "mgr@example.cn"
    manager.save()
    _tell([manager])
    assert _rows(manager) == [("email", "pending"), ("inapp", "sent")]
    assert delivery.deliver_email() == 1
    (message,) = smtp_server.messages
    assert smtp_server.recipients == [["mgr@example.cn"]]
    assert message["Subject"].strip() == "[ebank] ATM 城关01 故障已超过 48 小时"
    assert "卡钞" in message.get_content() and "https://ebank.example.cn/x/" in message.get_content()
    row = Notification.objects.get(recipient=manager, channel=Channel.EMAIL)
    assert row.status == Status.SENT and row.attempts == 1 and row.sent_at is not None
    assert delivery.deliver_email() == 0  # sent once


def test_a_wecom_group_gets_one_markdown_post_per_event_mentioning_each_person(tree, wecom_server, settings):
    settings.SITE_URL = "https://ebank.example.cn"
    WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("dept-key"))
    WeComRobot.objects.create(name="城关信用社群", branch=tree["a"], webhook_url=wecom_server.url("a-key"))
    first = user_with_role(Role.STAFF, username="staff-1", first_name="王明")
    second = user_with_role(Role.STAFF, username="staff-2")
    NotificationSettings.objects.create(user=second, wecom_userid="lisi")
    sub_branch = user_with_role(Role.BRANCH_MANAGER, tree["a1"], username="mgr-10101")
    sibling = user_with_role(Role.BRANCH_MANAGER, tree["b"], username="mgr-201")
    _tell([first, second, sub_branch, sibling])
    assert delivery.deliver_wecom() == 2
    # One post for both of the department; the sub-branch has no robot of its own, and its
    # parent's group (城关's, where other sub-branches' people are) is not its own: no WeCom.
    ((path, department),) = wecom_server.posts
    assert path == "/cgi-bin/webhook/send?key=dept-key"
    assert _rows(sub_branch) == [("inapp", "sent")]
    assert department["msgtype"] == "markdown"
    content = department["markdown"]["content"]
    assert content.startswith(
        "**ATM 城关01 故障已超过 48 小时**\n卡钞\n[在 ebank 中打开](https://ebank.example.cn/x/)"
    )
    assert "王明" in content and "<@lisi>" in content
    # 北山信用社 has no robot and no parent's: no WeCom message for its manager, and no error.
    assert _rows(sibling) == [("inapp", "sent")]


def test_each_person_chooses_their_own_channels(tree, manager, manager_client, smtp_server, wecom_server):
    WeComRobot.objects.create(name="城关信用社群", branch=tree["a"], webhook_url=wecom_server.url("a-key"))
    manager.email = "mgr@example.cn"
    manager.save()
    page = manager_client.get(reverse("notification-settings")).content.decode()
    assert "mgr@example.cn" in page and "城关信用社群" in page
    # Half the quiet hours is refused, with a clear reason; nothing is saved.
    response = manager_client.post(
        reverse("notification-settings"), {"by_email": "on", "quiet_from": "22:00", "quiet_until": ""}
    )
    assert "静默时段请填写起止两个时间，或都不填。" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=manager).exists()
    response = manager_client.post(
        reverse("notification-settings"),
        {"by_wecom": "on", "wecom_userid": "zhangsan", "quiet_from": "22:00", "quiet_until": "07:00"},
    )
    assert response.status_code == 302
    choice = NotificationSettings.objects.get(user=manager)
    assert (choice.by_email, choice.by_wecom, choice.wecom_userid) == (False, True, "zhangsan")
    assert (choice.quiet_from, choice.quiet_until) == (datetime.time(22), datetime.time(7))
    # Only their own: another person's page shows that person's choices, untouched.
    other = user_with_role(Role.STAFF, username="staff-x")
    client = Client()
    client.force_login(other)
    assert "zhangsan" not in client.get(reverse("notification-settings")).content.decode()
    assert not NotificationSettings.objects.filter(user=other).exists()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 15, 0, tzinfo=SHANGHAI), tick=False):
        _tell([manager])
    assert _rows(manager) == [("inapp", "sent"), ("wecom", "pending")]  # no e-mail: they turned it off


def test_the_settings_page_says_which_channels_the_server_lacks(tree, manager_client):
    page = manager_client.get(reverse("notification-settings")).content.decode()
    assert "本服务器未配置" in page and "您所在的群未配置机器人" in page


def test_quiet_hours_hold_email_and_wecom_until_they_end(tree, manager, smtp_server):
    manager.email = "mgr@example.cn"
    manager.save()
    NotificationSettings.objects.create(
        user=manager, quiet_from=datetime.time(22), quiet_until=datetime.time(7)
    )
    with time_machine.travel(datetime.datetime(2026, 12, 1, 23, 35, tzinfo=SHANGHAI), tick=False):
        _tell([manager])
        assert delivery.deliver_email() == 0
        assert Notification.objects.get(recipient=manager, channel=Channel.INAPP).read_at is None
    row = Notification.objects.get(recipient=manager, channel=Channel.EMAIL)
    assert timezone.localtime(row.next_attempt_at) == datetime.datetime(2026, 12, 2, 7, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime.datetime(2026, 12, 2, 6, 59, tzinfo=SHANGHAI), tick=False):
        assert delivery.deliver_email() == 0
    with time_machine.travel(datetime.datetime(2026, 12, 2, 7, 0, tzinfo=SHANGHAI), tick=False):
        assert delivery.deliver_email() == 1
    assert len(smtp_server.messages) == 1


def test_a_digest_at_eight_replaces_single_messages(tree, staff, smtp_server):
    staff.email = "staff@example.cn"
    staff.save()
    NotificationSettings.objects.create(user=staff, digest=True)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 6, 0, tzinfo=SHANGHAI), tick=False):
        _tell([staff], key="k1", subject="网银工单明日到期：U盾无法识别")
        _tell([staff], key="k2", subject="11月30日晚间巡检仍未完成：2 台 ATM")
        assert delivery.deliver_email() == 0  # held for the digest
    assert _rows(staff) == [("email", "held"), ("email", "held"), ("inapp", "sent"), ("inapp", "sent")]
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI), tick=False):
        assert reminders.digest_send() == 1
        assert reminders.digest_send() == 0  # once a day
        assert delivery.deliver_email() == 1
    (message,) = smtp_server.messages
    assert message["Subject"].strip() == "[ebank] 每日提醒摘要（2026-12-01）"
    text = message.get_content()
    assert "网银工单明日到期：U盾无法识别" in text and "11月30日晚间巡检仍未完成：2 台 ATM" in text
    assert sorted(Notification.objects.filter(recipient=staff).values_list("rule", "channel", "status")) == [
        ("digest", "email", "sent"),
        ("fault_open_long", "email", "digested"),
        ("fault_open_long", "email", "digested"),
        ("fault_open_long", "inapp", "sent"),
        ("fault_open_long", "inapp", "sent"),
    ]


def test_the_digest_names_every_list_of_the_to_do(tree, staff):
    from reports.templatetags.worklist import worklist_items

    leader = user_with_role(Role.LEADER, username="leader-x")
    assert set(worklist_items(user=staff)) | set(worklist_items(user=leader)) <= set(reminders.OPEN_ITEMS)


def test_an_smtp_server_down_delays_only_the_emails_which_are_retried_with_backoff(
    tree, manager, smtp_server, wecom_server, settings
):
    settings.NOTIFY_RETRY_MINUTES, settings.NOTIFY_MAX_ATTEMPTS = 5, 3
    WeComRobot.objects.create(name="城关信用社群", branch=tree["a"], webhook_url=wecom_server.url("a-key"))
    manager.email = "mgr@example.cn"
    manager.save()
    smtp_server.stop()
    start = datetime.datetime(2026, 12, 1, 11, 35, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        _tell([manager])
        assert delivery.deliver_email() == 0
        assert delivery.deliver_wecom() == 1  # the other channel goes on
    row = Notification.objects.get(recipient=manager, channel=Channel.EMAIL)
    assert row.status == Status.RETRYING and row.attempts == 1 and "SMTP" in row.error
    assert row.next_attempt_at == start + datetime.timedelta(minutes=5)
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        assert delivery.deliver_email() == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == start + datetime.timedelta(
        minutes=15
    )  # twice as late
    with time_machine.travel(start + datetime.timedelta(minutes=15), tick=False):
        assert delivery.deliver_email() == 0
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.next_attempt_at is None
    assert len(wecom_server.posts) == 1


def test_staff_see_a_failed_message_in_the_log_and_send_it_again(
    tree, manager, staff_client, smtp_server, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    manager.email = "mgr@example.cn"
    manager.save()
    smtp_server.stop()
    _tell([manager])
    delivery.deliver_email()
    row = Notification.objects.get(recipient=manager, channel=Channel.EMAIL)
    assert row.status == Status.FAILED
    log = staff_client.get(
        reverse("admin:notify_notification_changelist") + "?status=failed"
    ).content.decode()
    assert "ATM 城关01 故障已超过 48 小时" in log and "发送失败" in log
    detail = staff_client.get(reverse("admin:notify_notification_change", args=[row.pk])).content.decode()
    assert '<a href="/x/">/x/</a>' in detail and "无法连接邮件服务器（SMTP）" in detail
    smtp_server.start()
    response = staff_client.post(
        reverse("admin:notify_notification_changelist"),
        {
            "action": "resend",
            "_selected_action": [row.pk, Notification.objects.get(recipient=manager, channel="inapp").pk],
        },
    )
    assert response.status_code == 302
    assert delivery.deliver_email() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and row.error == ""
    assert len(smtp_server.messages) == 1


def test_a_webhook_that_hangs_is_retried_and_its_key_is_never_logged(tree, staff, wecom_server, caplog):
    WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("secret-robot-key"))
    other = user_with_role(Role.STAFF, username="staff-2")
    _tell([staff, other], key="k1")
    _tell([staff], key="k2", subject="另一件事")
    wecom_server.mode = "hang"
    assert delivery.deliver_wecom() == 0
    rows = Notification.objects.filter(channel=Channel.WECOM)
    assert {row.status for row in rows} == {Status.RETRYING}
    assert all("timed out" in row.error for row in rows)
    # The robot was tried once in the round, not once per message.
    assert wecom_server.arrivals == 1
    text = " ".join(row.error for row in rows) + caplog.text
    assert "secret-robot-key" not in text


def test_two_workers_at_once_send_each_message_once(transactional_db, tree, smtp_server):
    """Two deliveries running at the same moment on PostgreSQL (two workers): each message is
    claimed by one of them just before it is sent."""
    processes.require_postgresql_and_broker()
    from django.apps import apps

    from ebank.org.roles import groups_sync

    groups_sync(apps)  # the role groups, which an earlier transactional test's flush removed
    users = [
        user_with_role(Role.STAFF, username=f"staff-{i}", email=f"staff-{i}@example.cn") for i in range(40)
    ]
    _tell(users)
    start, results = threading.Barrier(2), []

    def worker():
        try:
            start.wait()
            results.append(delivery.deliver_email())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 40
    assert sorted(to for (to,) in smtp_server.recipients) == sorted(user.email for user in users)


def test_the_robots_page_masks_the_key_and_sends_a_test_message(tree, staff_client, wecom_server):
    robot = WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("secret-robot-key"))
    page = staff_client.get(reverse("admin:notify_wecomrobot_changelist")).content.decode()
    assert "电子银行部群" in page and "secret-robot-key" not in page and "key=…" in page
    staff_client.post(
        reverse("admin:notify_wecomrobot_changelist"), {"action": "send_test", "_selected_action": [robot.pk]}
    )
    ((path, payload),) = wecom_server.posts
    assert path.endswith("key=secret-robot-key") and "ebank 测试消息" in payload["markdown"]["content"]
