from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ebank.constraints import fact_reference, present_iff
from ebank.org.models import Branch
from ebank.registers.models import Entry, second_person_field


class Card(models.Model):
    """A Jinnong debit card (金农卡). Its number and its holder's ID number are kept only as a keyed
    hash (to join on) and a masked form (to show)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("card status", "active")
        LOST = "lost", pgettext_lazy("card status", "reported lost")
        FROZEN = "frozen", pgettext_lazy("card status", "frozen")
        CLOSED = "closed", pgettext_lazy("card status", "closed")

    # Indexed in Meta, not with unique=/db_index=: those add, on PostgreSQL, a second index of
    # each column for LIKE 'x%' (varchar_pattern_ops) that no lookup here uses (all are exact), and
    # copy an index of each onto the history table; every index costs each imported card.
    number_hash = models.CharField(_("card number (keyed hash)"), max_length=64)
    number_masked = models.CharField(_("card number"), max_length=19)
    last4 = models.CharField(_("last four digits"), max_length=4)
    holder_name = models.CharField(_("card holder"), max_length=60)
    holder_id_hash = models.CharField(_("ID number (keyed hash)"), max_length=64)
    holder_id_masked = models.CharField(_("ID number"), max_length=18)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("issuing branch"),
        on_delete=models.PROTECT,
        related_name="cards",
        db_index=False,  # (branch, issued_on) leads with it
    )
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    sms_alert = models.BooleanField(_("SMS alerts"))
    sms_since = models.DateField(_("SMS alerts since"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("card history"), verbose_name_plural=_("card history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        indexes = [
            # Figures read cards in force by branch and date; the admin lists newest first.
            models.Index(fields=["branch", "issued_on"], name="card_branch_issued"),
            models.Index(fields=["issued_on"], name="card_issued"),
            # The find box's exact lookups (cards/selectors.py).
            models.Index(fields=["last4"], name="card_last4"),
            models.Index(fields=["holder_name"], name="card_holder_name"),
            models.Index(fields=["holder_id_hash"], name="card_holder_id_hash"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number_hash"], name="card_number_hash_unique"),
            present_iff("closed_on", status="closed", name="card_closed_iff_closed_on"),
            models.CheckConstraint(
                condition=Q(sms_alert=False) | Q(sms_since__isnull=False),
                name="card_sms_since_when_alert",
            ),
        ]

    def __str__(self):
        return f"{self.number_masked} {self.holder_name}"


class CardBalance(models.Model):
    """A card's balance on a day (month-end snapshots): tens of millions of rows.

    No per-row history: the ImportRun that wrote a snapshot is its record, and a corrected
    balance keeps its old value in BalanceRevision.
    """

    # Indexed by the unique (card, as_of) constraint, whose leading column it is.
    card = fact_reference(
        Card,
        verbose_name=_("card"),
        on_delete=models.CASCADE,
        related_name="balances",
    )
    as_of = models.DateField(_("balance date"))
    balance = models.DecimalField(_("balance (yuan)"), max_digits=18, decimal_places=2)

    branch_lookup = "card__branch"

    class Meta:
        verbose_name = _("card balance")
        verbose_name_plural = _("card balances")
        constraints = [
            models.UniqueConstraint(fields=["card", "as_of"], name="card_balance_card_as_of"),
        ]
        indexes = [
            # The figures sum every balance of one date (the latest ≤ E), joined to the cards.
            models.Index(fields=["as_of", "card"], name="card_balance_as_of_card"),
        ]

    def __str__(self):
        return f"{self.as_of} {self.balance}"


class BalanceRevision(models.Model):
    """The old value of a balance snapshot that a later import corrected."""

    balance = models.ForeignKey(
        CardBalance, verbose_name=_("card balance"), on_delete=models.CASCADE, related_name="revisions"
    )
    old_balance = models.DecimalField(_("old balance"), max_digits=18, decimal_places=2)
    new_balance = models.DecimalField(_("new balance"), max_digits=18, decimal_places=2)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200)

    branch_lookup = "balance__card__branch"

    class Meta:
        verbose_name = _("balance correction")
        verbose_name_plural = _("balance corrections")


class Disbursement(models.Model):
    """A batch of payments onto cards: social pension, agricultural subsidies, salaries."""

    class Program(models.TextChoices):
        PENSION = "pension", _("rural and urban residents' social pension")
        AGRI_SUBSIDY = "agri_subsidy", _("agricultural subsidies")
        SALARY = "salary", _("salary payments")
        OTHER = "other", _("other")

    program = models.CharField(_("program"), max_length=20, choices=Program.choices)
    paid_on = models.DateField(_("paid on"))
    branch = models.ForeignKey(
        Branch, verbose_name=_("paying branch"), on_delete=models.PROTECT, related_name="disbursements"
    )
    households = models.PositiveIntegerField(_("households"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=18, decimal_places=2)
    history = HistoricalRecords(
        verbose_name=_("disbursement history"), verbose_name_plural=_("disbursement history")
    )

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "paid_on", "branch"], name="disbursement_program_day_branch"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="disbursement_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["paid_on", "program"], name="disbursement_paid_program")]

    def __str__(self):
        return f"{self.get_program_display()} {self.paid_on}"


class CardRiskCheck(Entry):
    """金农卡风险安全检查登记簿: custody of blank cards and PIN mailers at a branch."""

    blank_cards_on_book = models.PositiveIntegerField(_("blank cards on the books"))
    blank_cards_counted = models.PositiveIntegerField(_("blank cards counted"))
    pin_mailers_separate = models.BooleanField(_("PIN mailers kept apart from the cards"), default=True)
    two_person_custody = models.BooleanField(_("two-person custody observed"), default=True)
    register_up_to_date = models.BooleanField(_("custody register up to date"), default=True)
    findings = models.TextField(_("findings"), blank=True)
    rectify_by = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    entry_fields = (
        "branch",
        "occurred_at",
        "blank_cards_on_book",
        "blank_cards_counted",
        "pin_mailers_separate",
        "two_person_custody",
        "register_up_to_date",
        "findings",
        "rectify_by",
        "rectified_on",
    )

    class Meta(Entry.Meta):
        db_table = "terminals_cardriskcheck"  # its table since it was a terminals register
        verbose_name = _("card risk inspection")
        verbose_name_plural = _("card risk inspection register")


class BlankVoucherLog(Entry):
    """重要空白凭证交接登记簿: a branch's blank cards, PIN mailers and security media (U盾 and
    others) received, issued and given back, with the stock counted after each movement, and the
    second person's counter-signature (their own login). The stock reconciles month by month
    (selectors.voucher_stock): opening + received − issued + returned = closing."""

    class Item(models.TextChoices):
        BLANK_CARDS = "blank_cards", _("blank cards")
        PIN_MAILERS = "pin_mailers", _("PIN mailers")
        SECURITY_MEDIA = "security_media", _("U盾 and other security media")

    item = models.CharField(_("voucher"), max_length=16, choices=Item.choices)
    received = models.PositiveIntegerField(_("received"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    returned = models.PositiveIntegerField(
        _("returned"), default=0, help_text=_("Issued earlier and given back unused: back in stock.")
    )
    balance = models.PositiveIntegerField(_("stock counted after"), help_text=_("What is on hand, counted."))
    countersigned_by = second_person_field(_("counter-signed by"))
    remarks = models.TextField(_("remarks"), blank=True)

    entry_fields = (
        "branch",
        "occurred_at",
        "item",
        "received",
        "issued",
        "returned",
        "balance",
        "countersigned_by",
        "remarks",
    )

    class Meta(Entry.Meta):
        verbose_name = _("blank voucher movement")
        verbose_name_plural = _("important blank voucher register")
        indexes = [models.Index(fields=["branch", "item", "occurred_at"], name="voucher_branch_item_time")]

    def clean(self):
        super().clean()
        if not (self.received or self.issued or self.returned):
            raise ValidationError({"received": _("Enter what was received, issued or given back.")})
