"""The department's IT log (计算机及网络维护登记簿), declared to the registers kit."""

from django.utils.translation import gettext_lazy as _

from ebank.registers.declarations import HANDLED_BY, Register, register

from .models import ItMaintenance

register(
    Register(
        model=ItMaintenance,
        route="it-maintenance",
        position=9,
        moved_from="terminals",
        signers=(HANDLED_BY, _("department head")),
    )
)
