"""The append-only entry every register is made of.

An entry is never changed or deleted in place. A mistake is corrected by an amendment — a new
entry of the same register that `amends` the one it corrects and gives a reason; department staff
may void an entry, which is also a new entry (`is_void`). The register shows every row: the
current one is the entry that no later entry amends.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ebank.org.models import Branch


class Entry(models.Model):
    """What every register entry records besides its own fields: where, when, who, and corrections."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("time of the event"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))
    amends = models.ForeignKey(
        "self",
        verbose_name=_("corrects entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    is_void = models.BooleanField(_("voids the entry it corrects"), default=False)
    # 补录: entered more than LATE_ENTRY_HOURS after the event — by the first entry of its chain,
    # so that correcting an entry on time keeps it on time. Fixed when the entry is saved.
    is_late = models.BooleanField(
        _("late entry"),
        default=False,
        db_default=False,
        help_text=_("Entered more than the allowed hours after the event (补录)."),
    )

    branch_lookup = "branch"
    # The fields the person entering fills in (the rest is set by the service).
    entry_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        ordering = ["-occurred_at", "-id"]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    # No register of the department goes back further (a typo like 0211 for 2011 is refused).
    EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)

    # Fields the server sets on an entry (never the form), which a correction that changes the
    # event itself (its time, its place, its window) does not carry over: an inspection's 扫码.
    server_fields: tuple[str, ...] = ()

    @property
    def lateness(self) -> datetime.timedelta | None:
        """How long after the event the entry was entered."""
        if self.entered_at is None or self.occurred_at is None:
            return None
        return self.entered_at - self.occurred_at

    def clean(self):
        if self.occurred_at and self.occurred_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"occurred_at": _("The time of the event must not be in the future.")})
        if self.occurred_at and self.occurred_at < self.EARLIEST:
            raise ValidationError({"occurred_at": _("The time of the event must not be before 2000.")})


def second_person_field(verbose_name) -> models.ForeignKey:
    """The user who confirms an entry of two-person work (a register's `second_person`): empty on
    entries from before the rule; the services require it on a new one."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Confirmation(models.Model):
    """The second person's confirmation of an entry of two-person work (复核): a cash loading
    confirmed by the second custodian, a key handed over confirmed by who received it — each with
    their own login. Kept beside the entry, which never changes; a correction needs its own."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_confirmation_per_entry")
        ]

    def __str__(self):
        return f"{self.content_type_id}#{self.object_id} ✓ {self.confirmed_by}"


def _photo_storage():
    from django.core.files.storage import storages

    return storages["photos"]


class Photo(models.Model):
    """A photo taken as evidence of an entry (an inspection, a fault, a repair …), re-encoded when
    uploaded (photos.py) and stored through the "photos" storage — never at a public address: it
    is served by a view that checks the entry is within the user's branches. Part of the
    append-only entry: a correction may add photos, nothing removes one."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    image = models.FileField(_("photo"), storage=_photo_storage, upload_to="photos/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), storage=_photo_storage, upload_to="photos/%Y/%m/")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64)
    taken_at = models.DateTimeField(_("taken at (camera)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="photo_of_entry")]

    def __str__(self):
        return f"{_('photo')} #{self.pk}"
