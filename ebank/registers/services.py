"""Writes on the registers: enter, amend, void — never change or delete in place."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank import pii
from ebank.org.roles import Role
from ebank.org.scoping import user_may_use_branch

from .declarations import Place, declaration_for
from .lateness import late
from .models import Confirmation, Entry, Photo
from .photos import photo_process


def _save(entry: Entry, *, by) -> Entry:
    """Check the entry (the model's clean(): its place, its time) and that it is within the
    user's branches, then record who entered it and the server's time. An entry of a model that
    is no register of its own (a fault's clearance) is saved alike; its branch is given."""
    declaration = declaration_for(type(entry))
    place = declaration.place if declaration else Place()
    if not place.is_branch and getattr(entry, f"{place.field}_id", None):
        entry.branch = getattr(entry, place.field).branch
    if not user_may_use_branch(user=by, branch=entry.branch if entry.branch_id else None):
        raise ValidationError({"branch": _("This branch is not within your branches.")})
    entry.entered_by, entry.entered_at = by, timezone.now()
    if declaration is not None and declaration.second_person and not entry.is_void:
        _check_second_person(entry, declaration.second_person, by=by)
    _judge_lateness(entry, place)
    pii.free_text_mask(entry)  # a register never keeps a card or ID number in clear
    entry.full_clean()
    entry.save()
    return entry


def _judge_lateness(entry: Entry, place: Place) -> None:
    """补录: a new entry by its own time of entry; a correction that leaves the event as it was
    (its time, its place, its window) keeps the standing of the entry it corrects, and one that
    changes the event is judged as a new entry (and loses what the server had set: 扫码)."""
    before = entry.amends if entry.amends_id else None
    event = ["occurred_at", f"{place.field}_id" if not place.is_branch else "branch_id"]
    if hasattr(entry, "shift"):
        event.append("shift")
    if before is not None and all(getattr(entry, name) == getattr(before, name) for name in event):
        entry.is_late = before.is_late
        return
    entry.is_late = late(entry.lateness)
    if before is not None:
        for name in entry.server_fields:
            setattr(entry, name, entry._meta.get_field(name).get_default())


def _check_second_person(entry: Entry, field: str, *, by) -> None:
    """Two-person work needs two people: the second is someone else, who works at the entry's
    branch (so that they can confirm it)."""
    second = getattr(entry, field, None)
    label = entry._meta.get_field(field).verbose_name
    if second is None and entry.amends_id and getattr(entry.amends, f"{field}_id") is None:
        return  # a correction of an entry from before the rule, which named no one
    if second is None:
        raise ValidationError({field: _("Name the %(person)s.") % {"person": label}})
    if second.pk == by.pk:
        raise ValidationError(
            {
                field: _("You cannot also be the %(person)s: two-person work needs two people.")
                % {"person": label}
            }
        )
    if not second.is_active or not user_may_use_branch(user=second, branch=entry.branch):
        raise ValidationError({field: _("The %(person)s must work at this branch.") % {"person": label}})


def _write_only(model) -> dict:
    declaration = declaration_for(model)
    return declaration.write_only if declaration else {}


def _keep_write_only(entry: Entry, values: dict) -> None:
    """Store the write-only values (a card number) as their declaration keeps them."""
    declared = _write_only(type(entry))
    for name, value in values.items():
        if value is not None:
            declared[name].keep(entry, value)


def _split(model, fields: dict) -> tuple[dict, dict]:
    declared = _write_only(model)
    own = {name: value for name, value in fields.items() if name not in declared}
    return own, {name: value for name, value in fields.items() if name in declared}


@transaction.atomic
def logbook_enter(*, model: type[Entry], by, **fields) -> Entry:
    """Enter a new entry in a register; the server records who and when."""
    own, write_only = _split(model, fields)
    entry = model(**own)
    _keep_write_only(entry, write_only)
    entry = _save(entry, by=by)
    declaration = declaration_for(model)
    if declaration is not None and declaration.after_enter is not None:
        declaration.after_enter(entry, by)
    return entry


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
def logbook_amend(*, entry: Entry, reason: str, by, **changes) -> Entry:
    """Correct an entry: a new entry that amends it, with the reason; the original stays."""
    entry = _current_or_refuse(entry)
    if not reason.strip():
        raise ValidationError({"correction_reason": _("Give the reason for the correction.")})
    amendment = _copy(entry)
    own, write_only = _split(type(entry), changes)
    for name, value in own.items():
        setattr(amendment, name, value)
    _keep_write_only(amendment, {name: value for name, value in write_only.items() if value})
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


@transaction.atomic
def logbook_confirm(*, entry: Entry, by) -> Confirmation:
    """The second person confirms an entry of two-person work (复核) with their own login: only
    them, only a standing entry, once."""
    declaration = declaration_for(type(entry))
    field = declaration.second_person if declaration else ""
    if not field:
        raise ValidationError({"entry": _("This register needs no confirmation.")})
    entry = _current_or_refuse(entry)
    second_id = getattr(entry, f"{field}_id")
    label = entry._meta.get_field(field).verbose_name
    if second_id is None:
        raise ValidationError(
            {"entry": _("This entry names no %(person)s to confirm it.") % {"person": label}}
        )
    if by.pk == entry.entered_by_id or by.pk != second_id:
        raise ValidationError(
            {"confirmed_by": _("Only the %(person)s named in the entry confirms it.") % {"person": label}}
        )
    kind = ContentType.objects.get_for_model(type(entry))
    if Confirmation.objects.filter(content_type=kind, object_id=entry.pk).exists():
        raise ValidationError({"entry": _("This entry is already confirmed.")})
    return Confirmation.objects.create(
        content_type=kind, object_id=entry.pk, confirmed_by=by, confirmed_at=timezone.now()
    )


def photos_check(*, model, uploads: list, already: int = 0) -> list:
    """Check the photos for an entry before anything is saved: that the register takes photos,
    how many, and each as an image (photos.photo_process). Returns the processed photos."""
    declaration = declaration_for(model)
    if uploads and not (declaration and declaration.photos):
        raise ValidationError({"photos": _("This register takes no photos.")})
    if already + len(uploads) > settings.PHOTO_MAX_PER_ENTRY:
        raise ValidationError(
            {"photos": _("An entry takes at most %(n)d photos.") % {"n": settings.PHOTO_MAX_PER_ENTRY}}
        )
    processed = []
    for upload in uploads:
        try:
            processed.append(photo_process(upload))
        except ValidationError as error:
            raise ValidationError({"photos": error.messages}) from None
    return processed


@transaction.atomic
def photos_attach(*, entry: Entry, processed: list, by) -> list[Photo]:
    """Keep checked photos (photos_check) with an entry: the picture and its thumbnail in the
    photos storage, the upload's SHA-256 and capture time beside them."""
    kind = ContentType.objects.get_for_model(type(entry))
    kept = []
    now = timezone.now()
    for photo in processed:
        record = Photo(
            content_type=kind,
            object_id=entry.pk,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            taken_at=photo.taken_at,
            uploaded_by=by,
            uploaded_at=now,
        )
        record.image.save(f"{photo.sha256[:16]}.jpg", ContentFile(photo.image), save=False)
        record.thumbnail.save(f"{photo.sha256[:16]}-thumb.jpg", ContentFile(photo.thumbnail), save=False)
        record.save()
        kept.append(record)
    return kept


def photos_of(entry: Entry):
    """The photos of an entry and of the entries it corrects (a correction adds, never removes)."""
    ids, current = [entry.pk], entry
    while current.amends_id is not None:
        ids.append(current.amends_id)
        current = current.amends
    return Photo.objects.filter(
        content_type=ContentType.objects.get_for_model(type(entry)), object_id__in=ids
    )
