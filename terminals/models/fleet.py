from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ebank.constraints import fact_reference, present_iff, unique_code
from ebank.org.models import Branch


class Merchant(models.Model):
    """A contracted merchant (特约商户) where the union's POS terminals stand."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("signed")
        TERMINATED = "terminated", _("terminated")

    merchant_no = models.CharField(_("merchant number"), max_length=15, unique=True)
    name = models.CharField(_("merchant name"), max_length=100)
    branch = models.ForeignKey(
        Branch, verbose_name=_("signing branch"), on_delete=models.PROTECT, related_name="merchants"
    )
    mcc = models.CharField(_("merchant category code"), max_length=4)
    signed_on = models.DateField(_("signed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("merchant history"), verbose_name_plural=_("merchant history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        indexes = [models.Index(fields=["branch", "signed_on"], name="merchant_branch_signed")]
        constraints = [
            present_iff("terminated_on", status="terminated", name="merchant_terminated_iff_date"),
        ]

    def __str__(self):
        return f"{self.merchant_no} {self.name}"


class Terminal(models.Model):
    """An ATM or a POS terminal; a POS stands at a merchant."""

    class Kind(models.TextChoices):
        ATM = "atm", _("ATM")
        POS = "pos", _("POS")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("in service")
        FAULTY = "faulty", _("faulty")
        REMOVED = "removed", _("removed")

    terminal_no = models.CharField(_("terminal number"), max_length=8, unique=True)
    kind = models.CharField(_("type"), max_length=3, choices=Kind.choices)
    serial_no = models.CharField(_("serial number"), max_length=40)
    model = models.CharField(_("model"), max_length=60)
    branch = models.ForeignKey(
        Branch, verbose_name=_("managing branch"), on_delete=models.PROTECT, related_name="terminals"
    )
    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terminals",
    )
    location = models.CharField(_("location"), max_length=200)
    installed_on = models.DateField(_("installed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("terminal history"), verbose_name_plural=_("terminal history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        indexes = [models.Index(fields=["kind", "branch", "installed_on"], name="terminal_kind_branch")]
        constraints = [
            present_iff("merchant", kind="pos", name="terminal_merchant_iff_pos"),
            present_iff("removed_on", status="removed", name="terminal_removed_iff_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.terminal_no} {self.location}"


class TerminalTxn(models.Model):
    """A transaction at a terminal: tens of millions of rows; the ImportRun is their record."""

    class Type(models.TextChoices):
        PURCHASE = "purchase", _("purchase")
        REFUND = "refund", _("refund")
        WITHDRAWAL = "withdrawal", _("withdrawal")
        DEPOSIT = "deposit", _("deposit")
        TRANSFER = "transfer", _("transfer")
        INQUIRY = "inquiry", _("balance inquiry")

    reference = models.CharField(_("reference"), max_length=40)  # unique in Meta: unique_code()
    terminal = fact_reference(
        Terminal,
        verbose_name=_("terminal"),
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    txn_at = models.DateTimeField(_("time"))
    txn_type = models.CharField(_("transaction type"), max_length=10, choices=Type.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    fee = models.DecimalField(_("fee income (yuan)"), max_digits=18, decimal_places=2)
    card_hash = models.CharField(_("card number (keyed hash)"), max_length=64, blank=True)
    card_masked = models.CharField(_("card number"), max_length=19, blank=True)

    branch_lookup = "terminal__branch"

    class Meta:
        verbose_name = _("terminal transaction")
        verbose_name_plural = _("terminal transactions")
        indexes = [
            models.Index(fields=["terminal", "txn_type", "txn_at"], name="txn_terminal_type_time"),
            models.Index(fields=["txn_at"], name="txn_time"),
        ]
        constraints = [
            unique_code("reference", name="txn_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="txn_amount_not_negative"),
        ]

    def __str__(self):
        return self.reference


class DormantPosReview(models.Model):
    """A POS proposed for reclaim (连续三个月无交易) as of a month end, and what the branch decided
    after visiting the merchant."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting the branch's visit")
        KEPT = "kept", _("kept")
        RECLAIMED = "reclaimed", _("reclaimed")

    terminal = models.ForeignKey(
        Terminal, verbose_name=_("POS"), on_delete=models.PROTECT, related_name="dormancy_reviews"
    )
    as_of = models.DateField(_("as of"))
    window_start = models.DateField(_("no purchase since"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    visited_on = models.DateField(_("merchant visited on"), null=True, blank=True)
    visit_notes = models.TextField(_("visit notes"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(
        verbose_name=_("dormant POS review history"), verbose_name_plural=_("dormant POS review history")
    )

    branch_lookup = "terminal__branch"

    class Meta:
        verbose_name = _("dormant POS")
        verbose_name_plural = _("dormant POS proposed for reclaim")
        ordering = ["-as_of", "terminal__terminal_no"]
        constraints = [
            models.UniqueConstraint(fields=["terminal", "as_of"], name="dormant_pos_terminal_as_of"),
        ]

    def __str__(self):
        return f"{self.terminal} · {self.as_of}"


class TerminalStatusPeriod(models.Model):
    """A terminal's status over time: in service, faulty or removed from `starts_at` until
    `ends_at` (None: to this day). A past inspection window is judged by the status it had then,
    never by today's (terminals/status.py keeps the periods; a fault entry opens and its clearance
    closes a faulty one, linked to it)."""

    terminal = models.ForeignKey(
        Terminal, verbose_name=_("terminal"), on_delete=models.CASCADE, related_name="status_periods"
    )
    status = models.CharField(_("status"), max_length=10, choices=Terminal.Status.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # When the change was put on record: a period dated back excuses no window that had closed by
    # then (an action cannot rewrite a past rate).
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    fault = models.ForeignKey(
        "AtmFault",
        verbose_name=pgettext_lazy("the fault that opened a faulty period", "fault"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        ordering = ["terminal", "starts_at", "id"]
        indexes = [models.Index(fields=["terminal", "starts_at"], name="terminal_status_from")]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal"], condition=Q(ends_at__isnull=True), name="terminal_one_open_status"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")), name="status_period_order"
            ),
        ]

    def __str__(self):
        return f"{self.terminal.terminal_no} {self.get_status_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class InspectionSticker(models.Model):
    """The QR sticker on an ATM: its link holds a secret of that ATM, kept here only as a keyed
    hash. Scanning it (logged in) opens the ATM's inspection for the current window, marked on
    site (扫码). Issuing a new sticker revokes the one before."""

    terminal = models.ForeignKey(
        Terminal, verbose_name=_("terminal"), on_delete=models.CASCADE, related_name="stickers"
    )
    secret_hash = models.CharField(_("keyed hash of the secret"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection sticker")
        verbose_name_plural = _("inspection stickers")
        constraints = [
            models.UniqueConstraint(
                fields=["terminal"], condition=Q(revoked_at__isnull=True), name="one_live_sticker_per_atm"
            )
        ]

    def __str__(self):
        return f"{self.terminal.terminal_no} {self.issued_at:%Y-%m-%d}"
