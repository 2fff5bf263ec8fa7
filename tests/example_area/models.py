from django.db import models

from ebank.registers.models import Entry


class KeyHandover(Entry):
    """钥匙密码交接登记簿 (the recipe's example): what was handed over, by whom, to whom."""

    item = models.CharField("handed over", max_length=60)
    handed_by = models.CharField("handed over by", max_length=30)
    received_by = models.CharField("received by", max_length=30)
    remarks = models.TextField("remarks", blank=True)

    entry_fields = ("branch", "occurred_at", "item", "handed_by", "received_by", "remarks")

    class Meta(Entry.Meta):
        verbose_name = "key handover"
        verbose_name_plural = "key handover register"
