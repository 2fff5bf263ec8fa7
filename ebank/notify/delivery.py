"""Delivering the messages by e-mail (Django's SMTP backend) and by WeCom group robots, each
channel on its own (a channel that is down delays only its own messages): a message is claimed
before it is sent, so that two workers never send it twice; one that fails is retried with
backoff (NOTIFY_RETRY_MINUTES, doubling, at most two hours apart) until NOTIFY_MAX_ATTEMPTS, then
kept as failed — the log shows each, and staff can send it again."""

import datetime
import http.client
import json
import logging
import smtplib
import socket
import urllib.error
import urllib.request
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ebank import pii

from .models import Notification

logger = logging.getLogger(__name__)

Channel, Status = Notification.Channel, Notification.Status
# A worker that dies while sending leaves its claim; the message is due again after this.
CLAIM = datetime.timedelta(minutes=10)
BACKOFF_CAP = datetime.timedelta(hours=2)
BATCH = 200
WECOM_MAX_BYTES = 4000  # a robot's Markdown message holds 4,096 bytes


class ChannelDown(Exception):
    """The channel could not be reached (the SMTP server refused, the webhook timed out)."""


def _due(channel: str, now: datetime.datetime):
    return (
        Notification.objects.filter(
            channel=channel,
            status__in=[Status.PENDING, Status.RETRYING, Status.SENDING],
            next_attempt_at__lte=now,
        )
        .select_related("recipient", "robot")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )


def _claim(row: Notification, now: datetime.datetime) -> bool:
    """Take the message for this worker, unless another one took it first."""
    taken = Notification.objects.filter(
        pk=row.pk, status=row.status, next_attempt_at=row.next_attempt_at
    ).update(status=Status.SENDING, next_attempt_at=now + CLAIM)
    return taken == 1


def _sent(rows, now):
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Status.SENT, sent_at=now, next_attempt_at=None, error="", attempts=F("attempts") + 1
    )


def _failed(rows, now, error: str):
    """Record a failed attempt: retried later, each time twice as late, or failed for good."""
    error = pii.text_mask_numbers(error)[0][:300]
    for row in rows:
        attempts = row.attempts + 1
        if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            status, later = Status.FAILED, None
        else:
            wait = datetime.timedelta(minutes=settings.NOTIFY_RETRY_MINUTES) * 2 ** (attempts - 1)
            status, later = Status.RETRYING, now + min(wait, BACKOFF_CAP)
        Notification.objects.filter(pk=row.pk).update(
            status=status, attempts=attempts, next_attempt_at=later, error=error
        )
        logger.warning("notification %s (%s) not sent, attempt %s: %s", row.pk, row.channel, attempts, error)


def link(row: Notification) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{row.url}" if row.url else ""


def _attachments(row: Notification) -> list[tuple[str, bytes, str]]:
    """The files a rule attaches to its e-mails (NOTIFY_ATTACHMENTS: the published result's PDF
    and XLSX, of the recipient's own lines)."""
    maker = settings.NOTIFY_ATTACHMENTS.get(row.rule)
    return import_string(maker)(row) if maker else []


def _email(row: Notification, connection) -> EmailMessage:
    text = "\n\n".join(part for part in (row.body, link(row)) if part)
    message = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{row.subject}",
        body=text,
        to=[row.recipient.email],
        connection=connection,
    )
    for name, content, mimetype in _attachments(row):
        message.attach(name, content, mimetype)
    return message


def _quiet(row: Notification, now: datetime.datetime, choices: dict) -> bool:
    """Whether the recipient's quiet hours hold the message now (a retry or a resend too, and by
    their settings of today); if so it waits for their end."""
    from .services import quiet_until, settings_for

    if row.recipient_id not in choices:
        choices[row.recipient_id] = settings_for(row.recipient)
    later = quiet_until(choices[row.recipient_id], now)
    if later is None:
        return False
    Notification.objects.filter(pk=row.pk, status=row.status, next_attempt_at=row.next_attempt_at).update(
        next_attempt_at=later
    )
    return True


def _due_now(channel: str, now: datetime.datetime) -> tuple[list[Notification], dict]:
    """The messages due and not held by quiet hours, and their recipients' settings (by id)."""
    choices: dict = {}
    return [row for row in _due(channel, now) if not _quiet(row, now, choices)], choices


def deliver_email(*, now: datetime.datetime | None = None) -> int:
    """Send the e-mails that are due, through one connection, each claimed just before it is sent;
    return how many went. A message that cannot be made or sent is retried later, and never
    stops the others; the server gone, the rest wait for the next round."""
    now = now or timezone.now()
    if not settings.NOTIFY_EMAIL:  # EMAIL_URL removed since: the e-mails wait, nothing fails
        logger.info("e-mail is not configured (EMAIL_URL): no e-mail is sent")
        return 0
    rows, _choices = _due_now(Channel.EMAIL, now)
    if not rows:
        return 0
    sent, down = 0, None
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        down = _("SMTP server unreachable: %(error)s") % {"error": error}
    try:
        for row in rows:
            if not _claim(row, now):
                continue  # another worker has it
            if down is not None:
                _failed([row], now, down)
            elif not row.recipient.email or not row.recipient.is_active:
                _failed([row], now, _("The recipient has no e-mail address."))
            else:
                try:
                    _email(row, connection).send()
                except (smtplib.SMTPServerDisconnected, OSError) as error:
                    down = _("SMTP server unreachable: %(error)s") % {"error": error}
                    _failed([row], now, down)
                except smtplib.SMTPException as error:
                    _failed([row], now, _("SMTP server refused: %(error)s") % {"error": error})
                except Exception as error:  # an attachment that cannot be made, a time limit
                    logger.exception("notification %s could not be sent", row.pk)
                    _failed([row], now, f"{type(error).__name__}: {error}")
                else:
                    _sent([row], now)
                    sent += 1
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            pass
    return sent


def wecom_markdown(rows: list[Notification], choices: dict) -> str:
    """One Markdown message for a group: the subject, the text, the link, and the people it is for
    (mentioned by their WeCom account where they gave one; `choices`: their settings by id)."""
    first = rows[0]
    parts = [f"**{first.subject}**"]
    if first.body:
        parts.append(first.body)
    if first.url:
        label = _("Open in ebank")
        parts.append(f"[{label}]({link(first)})")
    names = []
    for row in rows:
        account, person = choices[row.recipient_id].wecom_userid, row.recipient
        names.append(f"<@{account}>" if account else (person.get_full_name() or person.username))
    parts.append(_("For: %(names)s") % {"names": "、".join(names)})
    text = "\n".join(parts)
    while len(text.encode()) > WECOM_MAX_BYTES:
        text = text[: len(text) - 100]
    return text


def wecom_post(url: str, content: str) -> None:
    """Post one Markdown message to a robot's webhook; raise ChannelDown when it does not take it.
    The address holds the robot's key: no error names it."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"msgtype": "markdown", "markdown": {"content": content}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WECOM_TIMEOUT) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise ChannelDown(f"HTTP {error.code}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelDown(_("webhook unreachable: %(error)s") % {"error": reason}) from None
    except (ValueError, http.client.HTTPException):
        raise ChannelDown(_("the webhook did not answer in JSON")) from None
    if not isinstance(answer, dict):
        raise ChannelDown(_("the webhook did not answer in JSON"))
    if answer.get("errcode", 0) != 0:
        raise ChannelDown(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def deliver_wecom(*, now: datetime.datetime | None = None) -> int:
    """Post the WeCom messages that are due: one post per group robot and event, mentioning every
    person it is for; a robot that does not answer is not tried again in this round. A message
    that fails is retried later and never stops the others. Return how many messages went."""
    now = now or timezone.now()
    groups: dict[tuple, list[Notification]] = defaultdict(list)
    rows_due, choices = _due_now(Channel.WECOM, now)
    for row in rows_due:
        groups[(row.robot_id, row.rule, row.key, row.subject, row.body, row.url)].append(row)
    down: dict[int, str] = {}
    sent = 0
    for (robot_id, *_event), members in groups.items():
        rows = [row for row in members if _claim(row, now)]
        if not rows:
            continue
        robot = rows[0].robot
        if robot is None or not robot.is_active:
            _failed(rows, now, _("The WeCom robot is no longer in use."))
            continue
        if robot_id in down:
            _failed(rows, now, down[robot_id])
            continue
        try:
            wecom_post(robot.webhook_url, wecom_markdown(rows, choices))
        except ChannelDown as error:
            down[robot_id] = str(error)
            _failed(rows, now, str(error))
        except Exception as error:  # a time limit, anything unforeseen: this group only
            logger.exception("WeCom message to robot %s could not be sent", robot_id)
            _failed(rows, now, type(error).__name__)
        else:
            _sent(rows, now)
            sent += len(rows)
    return sent


DELIVER = {Channel.EMAIL: deliver_email, Channel.WECOM: deliver_wecom}
