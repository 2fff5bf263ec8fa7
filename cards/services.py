"""Writes on cards with business meaning, each on record with its date and reason."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank.audit import on_record

from .models import Card

# Which status a card may move to from which.
_ALLOWED = {
    Card.Status.LOST: {Card.Status.ACTIVE, Card.Status.FROZEN},
    Card.Status.FROZEN: {Card.Status.ACTIVE, Card.Status.LOST},
    Card.Status.CLOSED: {Card.Status.ACTIVE, Card.Status.LOST, Card.Status.FROZEN},
    Card.Status.ACTIVE: {Card.Status.LOST, Card.Status.FROZEN},
}


@transaction.atomic
def card_status_change(*, card: Card, status: str, on: datetime.date, reason: str, by) -> Card:
    """Report a card lost, freeze, close or reactivate it on the given day, with a reason.

    A closed card stays closed; reactivating returns a lost or frozen card to active.
    """
    card = Card.objects.select_for_update().get(pk=card.pk)
    status = Card.Status(status)
    if card.status not in _ALLOWED[status]:
        raise ValidationError(
            {
                "status": _("A %(current)s card cannot become %(new)s.")
                % {"current": card.get_status_display(), "new": status.label}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if on < card.issued_on:
        raise ValidationError({"on": _("The date must not be before the card was issued.")})
    if card.status_changed_on and on < card.status_changed_on:
        raise ValidationError({"on": _("The date must not be before the card's last status change.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date must not be in the future.")})
    card.status = status
    card.status_changed_on = on
    card.closed_on = on if status == Card.Status.CLOSED else None
    on_record(card, by=by, reason=reason)
    card.save()
    return card
