"""The terminals area's admin: the fleet, the service points and the inspection campaigns (its
registers' admin comes from the registers kit)."""

from . import campaigns, fleet, points  # noqa: F401  (each module registers its admin classes)
