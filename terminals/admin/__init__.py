"""The terminals area's admin: the fleet, and the logbooks."""

from . import fleet, logbooks  # noqa: F401  (each module registers its admin classes)
