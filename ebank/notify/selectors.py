"""The inbox: a person's own notifications, newest first, and how many are unread; who has been
told of an event; and the reminders every area declares in its reminders.py (RULES, LABELS)."""

import functools
from types import ModuleType

from django.db.models import QuerySet

from .models import Notification


def inbox(*, user) -> QuerySet:
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP)


def recipients_told(*, rule: str, key: str) -> set[int]:
    """The ids of the people told of an event (on any channel)."""
    return set(Notification.objects.filter(rule=rule, key=key).values_list("recipient_id", flat=True))


def unread_count(*, user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()


@functools.cache
def _reminder_modules() -> tuple[ModuleType, ...]:
    """Each installed app's reminders.py, in the order of INSTALLED_APPS."""
    from django.apps import apps
    from django.utils.module_loading import import_module, module_has_submodule

    return tuple(
        import_module(f"{app_config.name}.reminders")
        for app_config in apps.get_app_configs()
        if module_has_submodule(app_config.module, "reminders")
    )


def reminder_rules() -> list:
    """Every rule of every area (each reminders.py's RULES: functions of `now`)."""
    return [rule for module in _reminder_modules() for rule in getattr(module, "RULES", ())]


def rule_labels() -> dict:
    """What each rule is called (the log's column and filter): each area's reminders.py names its
    own rules in LABELS."""
    return {
        name: label for module in _reminder_modules() for name, label in getattr(module, "LABELS", {}).items()
    }
