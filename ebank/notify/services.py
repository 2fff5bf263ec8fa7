"""Telling people: each event once per recipient and channel (the unique key makes a rerun, or a
second worker, tell nobody twice), and marking what a person has read."""

from django.db import transaction
from django.utils import timezone

from ebank import pii

from .models import Notification


@transaction.atomic
def notify(*, recipients, rule: str, key: str, subject: str, body: str = "", url: str = "") -> int:
    """Tell each of `recipients` of an event in their inbox, unless told already; return how many
    were told now. Card and ID numbers never reach a message: any in the text are masked."""
    subject, body = pii.text_mask_numbers(subject)[0], pii.text_mask_numbers(body)[0]
    already = set(
        Notification.objects.filter(rule=rule, key=key, channel=Notification.Channel.INAPP).values_list(
            "recipient_id", flat=True
        )
    )
    new = [
        Notification(recipient=user, rule=rule, key=key, subject=subject[:200], body=body, url=url)
        for user in {user.pk: user for user in recipients}.values()
        if user.pk not in already
    ]
    # Two workers at once: the unique key keeps one row per person, the other is ignored.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def notification_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read (the first time only)."""
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
