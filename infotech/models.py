"""The department's IT log, on the registers kit."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ebank.registers.models import Entry


class ItMaintenance(Entry):
    """计算机及网络维护登记簿: the department's log of network faults, repairs and software faults."""

    class Category(models.TextChoices):
        NETWORK_FAULT = "network_fault", _("network fault")
        EQUIPMENT_REPAIR = "equipment_repair", _("equipment repair")
        SOFTWARE_FAULT = "software_fault", _("software fault")

    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    handled_by = models.CharField(_("handled by"), max_length=30)
    resolved = models.BooleanField(_("resolved"), default=True)

    entry_fields = ("branch", "occurred_at", "category", "description", "handled_by", "resolved")

    class Meta(Entry.Meta):
        db_table = "terminals_itmaintenance"  # its table since it was kept among the terminals
        verbose_name = _("IT maintenance entry")
        verbose_name_plural = _("IT maintenance register")
        indexes = [models.Index(fields=["category", "occurred_at"], name="it_log_category_time")]
