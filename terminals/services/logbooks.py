"""Writes on the logbooks: enter, amend, void — never change or delete in place."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank import pii
from ebank.org.roles import Role
from ebank.org.scoping import user_may_use_branch

from ..models.logbooks import Entry, TerminalEntry


def _save(entry: Entry, *, by) -> Entry:
    """Check the entry (the model's clean(): its terminal, its time) and that it is within the
    user's branches, then record who entered it and the server's time."""
    if isinstance(entry, TerminalEntry) and entry.terminal_id:
        entry.branch = entry.terminal.branch
    if not user_may_use_branch(user=by, branch=entry.branch if entry.branch_id else None):
        raise ValidationError({"branch": _("This branch is not within your branches.")})
    entry.entered_by, entry.entered_at = by, timezone.now()
    pii.free_text_mask(entry)  # a register never keeps a card or ID number in clear
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def logbook_enter(*, model: type[Entry], by, card_no: str | None = None, **fields) -> Entry:
    """Enter a new entry in a register; the server records who and when.

    A retained card's number (`card_no`) is entered in full and kept only hashed and masked.
    """
    entry = model(**fields)
    if card_no is not None:
        _set_card(entry, card_no)
    return _save(entry, by=by)


def logbook_card_number(card_no: str) -> str:
    """Return a typed card number without its spaces, or refuse it (without repeating it)."""
    number = card_no.strip().replace(" ", "")
    if not pii.card_number_valid(number):
        raise ValidationError(_("Not a valid card number (16 to 19 digits, Luhn check)."))
    return number


def _set_card(entry, card_no: str) -> None:
    try:
        number = logbook_card_number(card_no)
    except ValidationError as error:
        raise ValidationError({"card_no": error.messages}) from None
    entry.card_hash, entry.card_masked = pii.keyed_hash(number), pii.card_mask(number)


def _current_or_refuse(entry: Entry) -> Entry:
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    if entry.is_void:
        raise ValidationError({"amends": _("A voiding entry cannot itself be corrected.")})
    if entry.amendments.exists():
        raise ValidationError({"amends": _("This entry was already corrected; correct the latest entry.")})
    return entry


def _copy(entry: Entry) -> Entry:
    copy = type(entry).objects.get(pk=entry.pk)
    copy.pk = copy.id = None
    copy.amends = entry
    return copy


@transaction.atomic
def logbook_amend(*, entry: Entry, reason: str, by, card_no: str | None = None, **changes) -> Entry:
    """Correct an entry: a new entry that amends it, with the reason; the original stays."""
    entry = _current_or_refuse(entry)
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Give the reason for the correction.")})
    amendment = _copy(entry)
    for field, value in changes.items():
        setattr(amendment, field, value)
    if card_no:
        _set_card(amendment, card_no)
    amendment.correction_reason, amendment.is_void = reason.strip(), False
    return _save(amendment, by=by)


def logbook_may_void(*, user) -> bool:
    """Only department staff void entries (the interfaces ask before offering it)."""
    return user.is_superuser or user.role == Role.STAFF


@transaction.atomic
def logbook_void(*, entry: Entry, reason: str, by) -> Entry:
    """Void an entry (department staff only): a new entry that cancels it, with the reason."""
    if not logbook_may_void(user=by):
        raise ValidationError({"is_void": _("Only department staff may void an entry.")})
    entry = _current_or_refuse(entry)
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Give the reason for voiding the entry.")})
    void = _copy(entry)
    void.correction_reason, void.is_void = reason.strip(), True
    return _save(void, by=by)
