"""The terminals' registers (登记簿) of PRODUCT.md, on the registers kit (ebank/registers): the ATM
registers and the POS maintenance register, each entry about one terminal; and the inspection
campaigns the department schedules. They are declared in terminals/registers.py."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ebank.dates import local_days
from ebank.registers.models import Entry, second_person_field

from .fleet import Terminal


def inspection_window(shift: str) -> tuple[datetime.time, datetime.time]:
    """The local times between which a shift's inspection is done (settings.ATM_INSPECTION_WINDOWS)."""
    start, end = settings.ATM_INSPECTION_WINDOWS[shift].split("-")
    return datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)


class InspectionCampaign(models.Model):
    """A full inspection of every ATM or every POS in a period, scheduled by the department (the
    seed plans five between May and October); a terminal is done when an entry names the campaign."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("terminals"), max_length=3, choices=Terminal.Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    notes = models.TextField(_("what to check"), blank=True)

    class Meta:
        verbose_name = _("inspection campaign")
        verbose_name_plural = _("inspection campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.starts_on:%m-%d}–{self.ends_on:%m-%d}）"


class TerminalEntry(Entry):
    """An entry about one terminal; its branch is the terminal's."""

    terminal_kind = Terminal.Kind.ATM  # the kind of terminal the register is about
    terminal = models.ForeignKey(
        Terminal, verbose_name=_("terminal"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Entry.Meta):
        abstract = True

    def clean(self):
        super().clean()
        if self.terminal_id:
            if self.terminal.kind != self.terminal_kind:
                raise ValidationError({"terminal": _("This register is about another kind of terminal.")})
            self.branch = self.terminal.branch


class AtmCashLog(TerminalEntry):
    """ATM机日常管理登记簿: loading and clearing cash, with the two custodians."""

    class Operation(models.TextChoices):
        LOAD = "load", _("load cash")
        CLEAR = "clear", _("clear the machine")
        LOAD_AND_CLEAR = "load_clear", _("clear and load")

    operation = models.CharField(_("operation"), max_length=10, choices=Operation.choices)
    amount_loaded = models.DecimalField(
        _("amount loaded (yuan)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    amount_cleared = models.DecimalField(
        _("amount taken out (yuan)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    custodian_a = models.CharField(_("first custodian"), max_length=30)
    custodian_b = models.CharField(
        _("second custodian"),
        max_length=30,
        blank=True,
        help_text=_("Filled in from the custodian who confirms."),
    )
    # The second custodian's login, who confirms the entry (复核); empty on entries from before.
    second_custodian = second_person_field(_("confirmed by (second custodian)"))
    remarks = models.TextField(_("remarks"), blank=True)

    entry_fields = (
        "terminal",
        "occurred_at",
        "operation",
        "amount_loaded",
        "amount_cleared",
        "custodian_a",
        "second_custodian",
        "custodian_b",
        "remarks",
    )

    def clean(self):
        super().clean()
        if self.second_custodian_id:  # the register names who confirms, as their login says
            self.custodian_b = self.second_custodian.get_full_name() or self.second_custodian.username

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM daily management entry")
        verbose_name_plural = _("ATM daily management register")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_loaded__gte=0) & Q(amount_cleared__gte=0),
                name="atm_cash_log_amounts_not_negative",
            )
        ]


class AtmInspection(TerminalEntry):
    """ATM机安全检查登记簿: twice a day per ATM in service, morning and evening."""

    class Shift(models.TextChoices):
        MORNING = "morning", _("morning")
        EVENING = "evening", _("evening")

    shift = models.CharField(_("inspection"), max_length=8, choices=Shift.choices)
    no_skimmer = models.BooleanField(_("no skimmer on the card slot"), default=True)
    no_pinhole_camera = models.BooleanField(_("no pinhole camera"), default=True)
    camera_working = models.BooleanField(_("surveillance camera working"), default=True)
    alarm_working = models.BooleanField(_("alarm working"), default=True)
    notices_posted = models.BooleanField(_("notices posted"), default=True)
    surroundings_safe = models.BooleanField(_("surroundings safe"), default=True)
    test_withdrawal_ok = models.BooleanField(_("test withdrawal with a card works"), default=True)
    findings = models.TextField(_("findings"), blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    campaign = models.ForeignKey(
        InspectionCampaign,
        verbose_name=_("part of the campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 扫码: entered right after scanning the ATM's sticker (terminals/stickers.py), set by the server.
    on_site = models.BooleanField(
        _("on site (scanned)"),
        default=False,
        db_default=False,
        help_text=_("Entered after scanning the ATM's sticker on site."),
    )
    repeat = models.BooleanField(
        _("another inspection in the same window"),
        default=False,
        db_default=False,  # rows written in bulk (the demo county) need not name it
        help_text=_("Tick when the ATM was inspected again in a window it was already inspected in."),
    )

    CHECKS = (
        "no_skimmer",
        "no_pinhole_camera",
        "camera_working",
        "alarm_working",
        "notices_posted",
        "surroundings_safe",
        "test_withdrawal_ok",
    )
    entry_fields = (
        "terminal",
        "occurred_at",
        "shift",
        *CHECKS,
        "findings",
        "rectified_on",
        "campaign",
        "repeat",
    )

    server_fields = ("on_site",)

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM security inspection")
        verbose_name_plural = _("ATM security inspection register")
        indexes = [models.Index(fields=["terminal", "occurred_at"], name="atm_inspection_terminal_time")]

    @property
    def all_passed(self) -> bool:
        return all(getattr(self, check) for check in self.CHECKS)

    def clean(self):
        super().clean()
        if self.occurred_at and self.shift:
            start, end = inspection_window(self.shift)
            local = timezone.localtime(self.occurred_at).time()
            if not start <= local <= end:
                raise ValidationError(
                    {
                        "occurred_at": _("The %(shift)s inspection is done between %(start)s and %(end)s.")
                        % {
                            "shift": self.get_shift_display(),
                            "start": f"{start:%H:%M}",
                            "end": f"{end:%H:%M}",
                        }
                    }
                )
        if not self.all_passed and not self.findings.strip():
            raise ValidationError({"findings": _("A check that failed needs its finding.")})
        # A new entry (not a correction) for a window already inspected must say it is another one.
        if not self.repeat and not self.amends_id and self.terminal_id and self.occurred_at and self.shift:
            earlier = self.same_window().first()
            if earlier is not None:
                raise ValidationError(
                    {
                        "repeat": _(
                            "This ATM's %(shift)s inspection of %(day)s is already in the register "
                            "(#%(id)d, %(time)s, %(by)s). If it was inspected again, tick "
                            "“another inspection in the same window”."
                        )
                        % {
                            "shift": self.get_shift_display(),
                            "day": f"{timezone.localtime(self.occurred_at):%Y-%m-%d}",
                            "id": earlier.pk,
                            "time": f"{timezone.localtime(earlier.occurred_at):%H:%M}",
                            "by": earlier.entered_by.get_full_name() or earlier.entered_by.username,
                        }
                    }
                )

    def same_window(self):
        """The current inspections of the same ATM, day and shift (this entry left out)."""
        from ebank.registers.selectors import entries_current

        day = timezone.localtime(self.occurred_at).date()
        start, after = local_days(day, day)
        others = AtmInspection.objects.filter(
            terminal_id=self.terminal_id, shift=self.shift, occurred_at__gte=start, occurred_at__lt=after
        ).exclude(pk=self.pk)
        return entries_current(queryset=others).select_related("entered_by").order_by("occurred_at")


class AtmFault(TerminalEntry):
    """ATM机故障处理登记簿."""

    class Kind(models.TextChoices):
        CARD_RETAINED = "card_retained", _("card retained by mistake")
        CASH_JAM = "cash_jam", _("cash jam")
        NETWORK = "network", _("network or host")
        HARDWARE = "hardware", _("hardware (printer, reader, keypad)")
        POWER = "power", _("power")
        OTHER = "other", _("other")

    fault_kind = models.CharField(_("fault"), max_length=14, choices=Kind.choices)
    description = models.TextField(_("description"))
    handled_by = models.CharField(_("handled by"), max_length=30, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    entry_fields = (
        "terminal",
        "occurred_at",
        "fault_kind",
        "description",
        "handled_by",
        "resolved_at",
        "resolution",
    )

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM fault")
        verbose_name_plural = _("ATM fault register")


class AtmFaultClearance(Entry):
    """登记排除: a fault's closing line — when it was cleared, how, by whom, and the repair it
    needed (an entry of the repair register), if any. Not a register of its own: the fault
    register shows it in the fault's columns (terminals/registers.py)."""

    fault = models.ForeignKey(
        AtmFault,
        verbose_name=pgettext_lazy("the fault a clearance closes", "fault"),
        on_delete=models.PROTECT,
        related_name="clearances",
    )
    terminal = models.ForeignKey(
        Terminal, verbose_name=_("terminal"), on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(_("resolution"))
    handled_by = models.CharField(_("handled by"), max_length=30)
    repair = models.OneToOneField(
        "AtmRepair",
        verbose_name=_("repair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clearance",
    )

    entry_fields = ("occurred_at", "resolution", "handled_by")

    class Meta(Entry.Meta):
        verbose_name = _("fault cleared")
        verbose_name_plural = _("faults cleared")
        constraints = [
            models.UniqueConstraint(
                fields=["fault"], condition=Q(amends__isnull=True), name="atm_fault_cleared_once"
            )
        ]

    def clean(self):
        super().clean()
        if self.fault_id and self.occurred_at and self.occurred_at < self.fault.occurred_at:
            raise ValidationError({"occurred_at": _("A fault is cleared after it was reported.")})


class AtmRepair(TerminalEntry):
    """ATM机设备维修登记簿."""

    vendor = models.CharField(_("repaired by (vendor)"), max_length=60)
    parts = models.CharField(_("parts replaced"), max_length=200, blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0))
    downtime_hours = models.DecimalField(
        _("downtime (hours)"), max_digits=7, decimal_places=1, default=Decimal(0)
    )
    remarks = models.TextField(_("remarks"), blank=True)

    entry_fields = ("terminal", "occurred_at", "vendor", "parts", "cost", "downtime_hours", "remarks")

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM repair")
        verbose_name_plural = _("ATM repair register")


class AtmCashDifference(TerminalEntry):
    """ATM机长短款登记簿: what the machine should hold against what was counted."""

    expected = models.DecimalField(_("expected (yuan)"), max_digits=14, decimal_places=2)
    counted = models.DecimalField(_("counted (yuan)"), max_digits=14, decimal_places=2)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement = models.TextField(_("how it was settled"), blank=True)

    entry_fields = ("terminal", "occurred_at", "expected", "counted", "settled_on", "settlement")

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM cash over or short")
        verbose_name_plural = _("ATM cash over/short register")

    @property
    def difference(self) -> Decimal:
        """Over (positive) or short (negative)."""
        return self.counted - self.expected


class RetainedCard(TerminalEntry):
    """ATM机废卡回收登记簿: the card number is entered in full and kept hashed and masked."""

    class Outcome(models.TextChoices):
        HELD = "held", _("held at the branch")
        RETURNED = "returned", _("returned to the holder (ID checked)")
        DESTROYED = "destroyed", _("destroyed")

    card_hash = models.CharField(_("card number (keyed hash)"), max_length=64)
    card_masked = models.CharField(_("card number"), max_length=19)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.HELD)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)

    entry_fields = ("terminal", "occurred_at", "outcome", "outcome_on", "remarks")

    class Meta(TerminalEntry.Meta):
        verbose_name = _("retained card")
        verbose_name_plural = _("ATM retained card register")


class PosMaintenance(TerminalEntry):
    """POS机维护登记簿: a visit to the merchant, the issue and what was done."""

    issue = models.TextField(_("issue"))
    action_taken = models.TextField(_("action taken"))
    campaign = models.ForeignKey(
        InspectionCampaign,
        verbose_name=_("part of the campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    terminal_kind = Terminal.Kind.POS
    entry_fields = ("terminal", "occurred_at", "issue", "action_taken", "campaign")

    class Meta(TerminalEntry.Meta):
        verbose_name = _("POS maintenance visit")
        verbose_name_plural = _("POS maintenance register")


class AtmKeyHandover(TerminalEntry):
    """ATM钥匙密码交接登记簿: an ATM's keys or passwords handed from one custodian to another,
    entered by who hands them over and confirmed by who receives them (their own login)."""

    class Item(models.TextChoices):
        KEY = "key", _("key")
        PASSWORD = "password", _("password")
        BOTH = "both", _("key and password")

    item = models.CharField(_("handed over"), max_length=10, choices=Item.choices)
    handed_by = models.CharField(_("handed over by"), max_length=30)
    received_by = second_person_field(_("received by"))
    remarks = models.TextField(_("remarks"), blank=True)

    entry_fields = ("terminal", "occurred_at", "item", "handed_by", "received_by", "remarks")

    class Meta(TerminalEntry.Meta):
        verbose_name = _("ATM key and password handover")
        verbose_name_plural = _("ATM key and password handover register")
