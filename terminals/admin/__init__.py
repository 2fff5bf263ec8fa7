"""The terminals area's admin: the fleet and the inspection campaigns (its registers' admin comes
from the registers kit)."""

from . import campaigns, fleet  # noqa: F401  (each module registers its admin classes)
