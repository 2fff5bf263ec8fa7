"""Reminders (提醒) of the registers kit: an entry of two-person work (双人) waiting for its second
person's confirmation (复核) goes to that person, once per entry."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.notify.services import notify

from .declarations import registers
from .selectors import confirmations_waiting


def confirmation_waiting(now: datetime.datetime) -> int:
    told = 0
    for declaration in registers():
        field = declaration.second_person
        if not field:
            continue
        model = declaration.model
        info = model._meta.app_label, model._meta.model_name
        for entry in confirmations_waiting(queryset=model.objects.all(), second_person=field).select_related(
            "branch", "entered_by", field
        ):
            second = getattr(entry, field)
            if not second.is_active:
                continue
            maker = entry.entered_by.get_full_name() or entry.entered_by.username if entry.entered_by else ""
            told += notify(
                recipients=[second],
                rule="confirmation_waiting",
                key=f"{model._meta.label_lower}:{entry.pk}",
                subject=_("To confirm: %(register)s, %(branch)s, %(when)s")
                % {
                    "register": model._meta.verbose_name,
                    "branch": entry.branch.name,
                    "when": f"{timezone.localtime(entry.occurred_at):%Y-%m-%d %H:%M}",
                },
                body=_("Entered by %(maker)s; you are named as the second person.") % {"maker": maker},
                url=reverse("admin:%s_%s_change" % info, args=[entry.pk]),
            )
    return told


RULES = [confirmation_waiting]
LABELS = {"confirmation_waiting": gettext_lazy("Two-person entry awaiting confirmation")}
