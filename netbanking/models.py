from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ebank.constraints import fact_reference, present_iff, unique_code
from ebank.org.models import Branch


class Customer(models.Model):
    """A personal (个人网银) or corporate (企业网银) online-banking customer, or a mobile-banking
    customer (手机银行): a person signed for both has two customer numbers."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personal")
        CORPORATE = "corporate", _("corporate")
        MOBILE = "mobile", _("mobile banking")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("customer status", "active")
        CLOSED = "closed", pgettext_lazy("customer status", "closed")

    customer_no = models.CharField(_("customer number"), max_length=32, unique=True)
    kind = models.CharField(_("customer type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("customer name"), max_length=100)
    branch = models.ForeignKey(
        Branch, verbose_name=_("signing branch"), on_delete=models.PROTECT, related_name="netbank_customers"
    )
    signed_on = models.DateField(_("signed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # As the extract gives them: the kinds of security media the customer holds, "a|b" sorted.
    security_media = models.CharField(_("security media"), max_length=60)
    history = HistoricalRecords(
        verbose_name=_("online-banking customer history"),
        verbose_name_plural=_("online-banking customer history"),
    )

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("online-banking customer")
        verbose_name_plural = _("online-banking customers")
        indexes = [models.Index(fields=["branch", "kind", "signed_on"], name="nb_customer_branch_kind")]
        constraints = [
            present_iff("closed_on", status="closed", name="nb_customer_closed_iff_closed_on"),
        ]

    def __str__(self):
        return f"{self.customer_no} {self.name}"


class SecurityMedium(models.Model):
    """One security medium a customer holds: U盾, 电子密码器, 口令卡 or SMS codes."""

    class Kind(models.TextChoices):
        USB_KEY = "usb_key", _("USB key (U盾)")
        OTP_TOKEN = "otp_token", _("OTP token (电子密码器)")
        PASSWORD_CARD = "password_card", _("password card (口令卡)")
        SMS = "sms", _("SMS code")

    class Status(models.TextChoices):
        IN_USE = "in_use", _("in use")
        REPLACED = "replaced", _("replaced")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="media"
    )
    kind = models.CharField(_("medium"), max_length=16, choices=Kind.choices)
    serial_no = models.CharField(_("serial number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_USE)
    replaced_on = models.DateField(_("replaced on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    reason = models.CharField(_("reason for replacement"), max_length=100, blank=True)
    history = HistoricalRecords(
        verbose_name=_("security medium history"), verbose_name_plural=_("security medium history")
    )

    branch_lookup = "customer__branch"

    class Meta:
        verbose_name = _("security medium")
        verbose_name_plural = _("security media")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind"],
                condition=Q(status="in_use"),
                name="nb_one_medium_in_use_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial_no}".strip()


class Transfer(models.Model):
    """An online-banking transfer: millions of rows, the ImportRun that wrote it is its record."""

    class Channel(models.TextChoices):
        INTRA = "intra", _("intra-bank (行内)")
        INTER = "inter", _("inter-bank (跨行)")
        NXY = "nxy", _("rural credit network (农信银)")

    reference = models.CharField(_("reference"), max_length=40)  # unique in Meta: unique_code()
    customer = fact_reference(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    txn_at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)

    branch_lookup = "customer__branch"

    class Meta:
        verbose_name = _("online-banking transfer")
        verbose_name_plural = _("online-banking transfers")
        indexes = [
            models.Index(fields=["customer", "txn_at"], name="nb_transfer_customer_time"),
            models.Index(fields=["txn_at"], name="nb_transfer_time"),
        ]
        constraints = [
            unique_code("reference", name="nb_transfer_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="nb_transfer_amount_positive"),
        ]

    def __str__(self):
        return self.reference


class CalendarDay(models.Model):
    """A day that breaks the Monday-to-Friday rule: a holiday on a weekday, or a weekend day
    worked in exchange (调休). Staff keep the year's list from the State Council's notice."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        WORKDAY = "workday", _("working day")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    history = HistoricalRecords(verbose_name=_("calendar history"), verbose_name_plural=_("calendar history"))

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()} {self.name}".strip()


class Ticket(models.Model):
    """A fault (网银故障) or a complaint (客户投诉), to be handled within T+3 working days."""

    class Kind(models.TextChoices):
        FAULT = "fault", _("online-banking fault")
        COMPLAINT = "complaint", _("customer complaint")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("ticket status", "open")
        IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "being handled")
        CLOSED = "closed", pgettext_lazy("ticket status", "closed")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="tickets"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    subject = models.CharField(_("subject"), max_length=100)
    description = models.TextField(_("description"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline (T+3)"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    history = HistoricalRecords(verbose_name=_("ticket history"), verbose_name_plural=_("ticket history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("fault or complaint ticket")
        verbose_name_plural = _("fault and complaint tickets")
        indexes = [models.Index(fields=["status", "deadline"], name="nb_ticket_status_deadline")]
        constraints = [
            present_iff("closed_at", status="closed", name="nb_ticket_closed_iff_closed_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.subject}"


class SpotCheck(models.Model):
    """A monthly spot check (资料抽查) of a branch's online-banking sign-up documents."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    checked_on = models.DateField(_("checked on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.CharField(_("what was checked"), max_length=200)
    documents_checked = models.PositiveIntegerField(_("documents checked"))
    findings = models.TextField(_("findings"), blank=True)
    rectify_by = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    history = HistoricalRecords(
        verbose_name=_("spot check history"), verbose_name_plural=_("spot check history")
    )

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("document spot check")
        verbose_name_plural = _("document spot checks")
        ordering = ["-checked_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(findings="") | Q(rectify_by__isnull=False),
                name="nb_spot_check_findings_have_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.checked_on}"

    @property
    def deadline_met(self) -> bool | None:
        """None without findings or while not yet rectified; else whether it was in time."""
        if not self.findings or self.rectified_on is None:
            return None
        return self.rectified_on <= self.rectify_by
