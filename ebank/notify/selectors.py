"""The inbox: a person's own notifications, newest first, and how many are unread."""

from django.db.models import QuerySet

from .models import Notification


def inbox(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP)


def unread_count(*, user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()


def rule_labels() -> dict:
    """What each rule is called (the log's column and filter): each area's reminders.py names its
    own rules in LABELS."""
    from django.apps import apps
    from django.utils.module_loading import import_module, module_has_submodule

    labels = {}
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "reminders"):
            labels.update(getattr(import_module(f"{app_config.name}.reminders"), "LABELS", {}))
    return labels
