"""Telling people: each event once per recipient and channel (the unique key makes a rerun, or a
second worker, tell nobody twice) — in the inbox always, by e-mail and by their group's WeCom robot
as each person chose, held for their 08:00 digest or until their quiet hours end — and marking
what a person has read. Delivery by e-mail and WeCom is in delivery.py."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ebank import pii
from ebank.org.roles import Role

from .models import Notification, NotificationSettings, WeComRobot
from .selectors import recipients_told

logger = logging.getLogger(__name__)

Channel, Status = Notification.Channel, Notification.Status


def settings_for(user) -> NotificationSettings:
    """The user's choices; the defaults (e-mail and WeCom, no digest, no quiet hours) until they
    make their own."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def email_configured() -> bool:
    """Whether the server has an SMTP server to send through (EMAIL_URL)."""
    return bool(settings.NOTIFY_EMAIL)


def robot_for(user) -> WeComRobot | None:
    """The WeCom robot of the user's group: a branch manager's own branch's (none of its own: no
    WeCom — a parent's group holds other sub-branches' people); the department's for its staff and
    the union managers."""
    robots = WeComRobot.objects.filter(is_active=True)
    if user.role == Role.BRANCH_MANAGER:
        return robots.filter(branch_id=user.branch_id).first()
    return robots.filter(branch__isnull=True).first()


def quiet_until(choice: NotificationSettings, now: datetime.datetime) -> datetime.datetime | None:
    """When the user's quiet hours end, if `now` falls in them (they may span midnight)."""
    if choice.quiet_from is None or choice.quiet_until is None or choice.quiet_from == choice.quiet_until:
        return None
    local = timezone.localtime(now)
    moment, today = local.time(), local.date()
    start, end = choice.quiet_from, choice.quiet_until
    if start < end:
        quiet = start <= moment < end
        day = today
    else:  # overnight, 22:00–07:00
        quiet = moment >= start or moment < end
        day = today if moment < end else today + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, local.tzinfo) if quiet else None


def _outside(user, *, inbox: bool, hold: bool, now: datetime.datetime) -> list[dict]:
    """The channels the user is told on, each with its row's delivery fields."""
    choice = settings_for(user)
    status = Status.HELD if hold and choice.digest else Status.PENDING
    later = quiet_until(choice, now) or now
    rows = [{"channel": Channel.INAPP, "status": Status.SENT, "sent_at": now}] if inbox else []
    if choice.by_email and user.email and email_configured():
        rows.append({"channel": Channel.EMAIL, "status": status, "next_attempt_at": later})
    robot = robot_for(user) if choice.by_wecom else None
    if robot is not None:
        rows.append({"channel": Channel.WECOM, "status": status, "next_attempt_at": later, "robot": robot})
    return rows


@transaction.atomic
def notify(
    *,
    recipients,
    rule: str,
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    inbox: bool = True,
    hold: bool = True,
) -> int:
    """Tell each of `recipients` of an event, on each channel they chose, unless told already;
    return how many people were told now. `inbox=False` leaves the inbox out (the digest);
    `hold=False` never holds a message for the digest. Card and ID numbers never reach a
    message: any in the text are masked. A channel the server lacks (no SMTP server, no robot
    for the person's group) is left out, which is not an error."""
    # A person told of the event already is never told again, on any channel: a channel chosen
    # (or configured) later does not bring back old events. Checked first, so that a rerun costs
    # one query per event.
    already = recipients_told(rule=rule, key=key)
    fresh = [user for user in {user.pk: user for user in recipients}.values() if user.pk not in already]
    if not fresh:
        return 0
    subject, body = pii.text_mask_numbers(subject)[0], pii.text_mask_numbers(body)[0]
    now = timezone.now()
    new, told = [], set()
    for user in fresh:
        for fields in _outside(user, inbox=inbox, hold=hold, now=now):
            new.append(
                Notification(
                    recipient=user, rule=rule, key=key, subject=subject[:200], body=body, url=url, **fields
                )
            )
            told.add(user.pk)
    # Two workers at once: the unique key keeps one row per person and channel, the other is ignored.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(told)


def notification_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read (the first time only)."""
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(recipient=user, channel=Channel.INAPP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_resend(*, queryset) -> int:
    """Send again, at once, the e-mail and WeCom messages chosen in the log (those the worker is
    not sending now); return how many."""
    return (
        queryset.exclude(channel=Channel.INAPP)
        .exclude(status=Status.SENDING)
        .update(status=Status.PENDING, next_attempt_at=timezone.now(), error="")
    )


@transaction.atomic
def notification_settings_save(*, user, **values) -> NotificationSettings:
    """Save the user's choices; the digest turned off, what was held for it is sent now."""
    choice = settings_for(user)
    for name, value in values.items():
        setattr(choice, name, value)
    choice.full_clean()
    choice.save()
    if not choice.digest:
        Notification.objects.filter(recipient=user, status=Status.HELD).update(
            status=Status.PENDING, next_attempt_at=timezone.now()
        )
    return choice
