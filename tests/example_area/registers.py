from ebank.registers.declarations import Register, register

from .models import KeyHandover

register(Register(model=KeyHandover, route="key-handovers"))
