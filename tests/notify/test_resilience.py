"""What goes wrong does not spread: a rule that fails leaves the others and the sending going on;
a message that cannot be made leaves the others going out; a digest made twice in a day swallows
nothing; the digest turned off sends what was held; quiet hours hold a retry too; a channel
chosen later does not bring back old events; a webhook answering nonsense is retried."""

import datetime

import time_machine
from django.utils import timezone

from ebank.notify import delivery
from ebank.notify.models import Notification, NotificationSettings, WeComRobot
from ebank.notify.services import notification_settings_save, notify
from reports import reminders, tasks

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(hour, minute=0, day=1):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def _tell(users, key="k1", rule="ticket_overdue", subject="工单已超过 T+3"):
    return notify(recipients=users, rule=rule, key=key, subject=subject, body="", url="/x/")


def _status(user, channel="email", key="k1"):
    return Notification.objects.get(recipient=user, channel=channel, key=key).status


def broken_attachments(notification):
    raise LookupError("the publication is gone")


def test_a_failing_rule_leaves_the_others_and_the_sending_going_on(
    tree, staff, smtp_server, monkeypatch, caplog
):
    staff.email = "staff@example.cn"
    staff.save()
    _tell([staff])

    def broken(now):
        raise RuntimeError("a rule's bug")

    def working(now):
        return _tell([staff], key="k2", subject="另一件事")

    monkeypatch.setattr(reminders, "reminder_rules", lambda: [broken, working])
    assert tasks.reminders_evaluate_task() == 1
    assert "reminder rule broken failed" in caplog.text
    assert sorted(to for (to,) in smtp_server.recipients) == ["staff@example.cn"] * 2  # both sent


def test_a_message_that_cannot_be_made_leaves_the_others_going_out(
    tree, staff, manager, smtp_server, settings
):
    settings.NOTIFY_ATTACHMENTS = {"broken": "tests.notify.test_resilience.broken_attachments"}
    staff.email, manager.email = "staff@example.cn", "mgr@example.cn"
    staff.save()
    manager.save()
    _tell([staff], rule="broken")
    _tell([manager])
    assert delivery.deliver_email() == 1
    broken = Notification.objects.get(recipient=staff, channel="email")
    assert broken.status == "retrying" and "the publication is gone" in broken.error
    assert smtp_server.recipients == [["mgr@example.cn"]]


def test_a_digest_made_again_the_same_day_swallows_nothing(tree, staff, smtp_server):
    staff.email = "staff@example.cn"
    staff.save()
    NotificationSettings.objects.create(user=staff, digest=True)
    with time_machine.travel(at(6), tick=False):
        _tell([staff], key="k1")
    with time_machine.travel(at(8), tick=False):
        assert reminders.digest_send() == 1
    with time_machine.travel(at(9), tick=False):
        _tell([staff], key="k2", subject="九点的事")
    with time_machine.travel(at(10), tick=False):
        assert reminders.digest_send() == 0
    assert (_status(staff, key="k1"), _status(staff, key="k2")) == ("digested", "held")  # for tomorrow's
    with time_machine.travel(at(8, day=2), tick=False):
        assert reminders.digest_send() == 1
    assert _status(staff, key="k2") == "digested"


def test_turning_the_digest_off_sends_what_was_held(tree, staff, smtp_server):
    staff.email = "staff@example.cn"
    staff.save()
    NotificationSettings.objects.create(user=staff, digest=True)
    _tell([staff])
    assert _status(staff) == "held"
    notification_settings_save(user=staff, digest=False)
    assert delivery.deliver_email() == 1 and _status(staff) == "sent"


def test_quiet_hours_hold_a_retry_too(tree, manager, smtp_server, settings):
    settings.NOTIFY_RETRY_MINUTES = 5
    manager.email = "mgr@example.cn"
    manager.save()
    NotificationSettings.objects.create(
        user=manager, quiet_from=datetime.time(22), quiet_until=datetime.time(7)
    )
    smtp_server.stop()
    with time_machine.travel(at(21, 58), tick=False):
        _tell([manager])
        delivery.deliver_email()
    smtp_server.start()
    with time_machine.travel(at(22, 3), tick=False):
        assert delivery.deliver_email() == 0
    row = Notification.objects.get(recipient=manager, channel="email")
    assert timezone.localtime(row.next_attempt_at) == at(7, day=2)
    with time_machine.travel(at(7, day=2), tick=False):
        assert delivery.deliver_email() == 1


def test_a_channel_chosen_later_does_not_bring_back_old_events(tree, staff, smtp_server, settings):
    settings.NOTIFY_EMAIL = False
    staff.email = "staff@example.cn"
    staff.save()
    _tell([staff])
    settings.NOTIFY_EMAIL = True  # EMAIL_URL set afterwards
    assert _tell([staff]) == 0
    assert list(Notification.objects.filter(recipient=staff).values_list("channel", flat=True)) == ["inapp"]


def test_a_webhook_answering_nonsense_is_retried(tree, staff, wecom_server):
    WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("robot-dept"))
    wecom_server.mode = "list"
    _tell([staff])
    assert delivery.deliver_wecom() == 0
    row = Notification.objects.get(recipient=staff, channel="wecom")
    assert row.status == "retrying" and row.error == "Webhook 的应答不是 JSON"
