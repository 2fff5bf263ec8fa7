"""The rural cash-withdrawal service points (助农取款服务点): a village shop or clinic where a card
holder withdraws small amounts, transfers money or pays bills on a device the union installed,
supervised by a branch; their transactions; their closures and reopenings; and the monthly
patrol register (助农取款服务点巡查登记簿) the supervising branch keeps."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ebank.constraints import fact_reference, present_iff, unique_code
from ebank.org.models import Branch
from ebank.registers.models import Entry


class ServicePoint(models.Model):
    """A service point, from the `service_points` extract; closed or reopened by staff with a
    date and a reason (ServicePointEvent)."""

    class Device(models.TextChoices):
        POS = "pos", _("service-point POS")
        PHONE = "phone", _("transfer phone")
        SMART = "smart", _("smart terminal")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("service point status", "open")
        CLOSED = "closed", pgettext_lazy("service point status", "closed")

    point_no = models.CharField(_("service point number"), max_length=20, unique=True)
    name = models.CharField(_("service point name"), max_length=100)
    branch = models.ForeignKey(
        Branch, verbose_name=_("supervising branch"), on_delete=models.PROTECT, related_name="service_points"
    )
    village = models.CharField(_("village"), max_length=60)
    device = models.CharField(_("device"), max_length=5, choices=Device.choices)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    closed_on = models.DateField(pgettext_lazy("service point", "closed on"), null=True, blank=True)
    history = HistoricalRecords(
        verbose_name=_("service point history"), verbose_name_plural=_("service point history")
    )

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["branch__code", "point_no"]
        indexes = [models.Index(fields=["branch", "opened_on"], name="service_point_branch_opened")]
        constraints = [
            present_iff("closed_on", status="closed", name="service_point_closed_iff_date"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="service_point_closed_after_opened",
            ),
        ]

    def __str__(self):
        return f"{self.point_no} {self.name}（{self.village}）"


class ServicePointEvent(models.Model):
    """A service point closed or reopened by the department, on a day, for a reason: the register
    of its openings and closures beside the point's history."""

    class Kind(models.TextChoices):
        CLOSED = "closed", pgettext_lazy("service point event", "closed")
        REOPENED = "reopened", _("reopened")

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("service point"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("on"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    branch_lookup = "point__branch"

    class Meta:
        verbose_name = _("service point closure or reopening")
        verbose_name_plural = _("service point closures and reopenings")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.point.point_no} {self.get_kind_display()} {self.on}"


class ServicePointTxn(models.Model):
    """A transaction at a service point: many rows; the ImportRun is their record."""

    class Type(models.TextChoices):
        WITHDRAWAL = "withdrawal", pgettext_lazy("service point", "small withdrawal")
        TRANSFER = "transfer", pgettext_lazy("service point", "transfer")
        PAYMENT = "payment", pgettext_lazy("service point", "bill payment")
        INQUIRY = "inquiry", pgettext_lazy("service point", "balance inquiry")

    reference = models.CharField(_("reference"), max_length=40)  # unique in Meta: unique_code()
    point = fact_reference(
        ServicePoint,
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    txn_at = models.DateTimeField(_("time"))
    txn_type = models.CharField(_("transaction type"), max_length=10, choices=Type.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    card_hash = models.CharField(_("card number (keyed hash)"), max_length=64, blank=True)
    card_masked = models.CharField(_("card number"), max_length=19, blank=True)

    branch_lookup = "point__branch"

    class Meta:
        verbose_name = _("service point transaction")
        verbose_name_plural = _("service point transactions")
        indexes = [
            models.Index(fields=["point", "txn_type", "txn_at"], name="sp_txn_point_type_time"),
            models.Index(fields=["txn_at"], name="sp_txn_time"),
        ]
        constraints = [
            unique_code("reference", name="sp_txn_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sp_txn_amount_not_negative"),
        ]

    def __str__(self):
        return self.reference


class ServicePointVisit(Entry):
    """助农取款服务点巡查登记簿: the supervising branch's monthly visit to a service point, its
    checklist, what was found and what was put right."""

    point = models.ForeignKey(
        ServicePoint, verbose_name=_("service point"), on_delete=models.PROTECT, related_name="+"
    )
    signage_posted = models.BooleanField(_("signage and service notice posted"), default=False)
    limit_shown = models.BooleanField(_("withdrawal limit shown"), default=False)
    operator_trained = models.BooleanField(_("operator trained"), default=False)
    device_working = models.BooleanField(_("device working"), default=False)
    cash_sufficient = models.BooleanField(_("cash sufficient"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)

    CHECKLIST = ("signage_posted", "limit_shown", "operator_trained", "device_working", "cash_sufficient")
    entry_fields = ("point", "occurred_at", *CHECKLIST, "findings", "rectification")

    class Meta(Entry.Meta):
        verbose_name = _("service point visit")
        verbose_name_plural = _("service point patrol register")
        indexes = [models.Index(fields=["point", "occurred_at"], name="sp_visit_point_time")]

    @property
    def checks_failed(self) -> list[str]:
        """The checklist's items not met, by their labels."""
        return [
            str(self._meta.get_field(name).verbose_name) for name in self.CHECKLIST if not getattr(self, name)
        ]

    def clean(self):
        super().clean()
        if self.point_id:
            self.branch = self.point.branch
            if self.occurred_at and timezone.localdate(self.occurred_at) < self.point.opened_on:
                raise ValidationError({"occurred_at": _("The service point had not opened yet.")})
        if self.checks_failed and not self.findings.strip():
            raise ValidationError({"findings": _("Say what was found: an item of the checklist is not met.")})
