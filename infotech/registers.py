"""The department's IT log (计算机及网络维护登记簿), declared to the registers kit."""

from ebank.registers.declarations import Register, register

from .models import ItMaintenance

register(Register(model=ItMaintenance, route="it-maintenance", moved_from="terminals"))
