"""The inbox: a person's own notifications, newest first, and how many are unread."""

from django.db.models import QuerySet

from .models import Notification


def inbox(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP)


def unread_count(*, user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()
