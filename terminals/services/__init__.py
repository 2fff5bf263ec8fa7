"""Writes with business meaning in the terminals area: the fleet's lifecycle. (Entries of its
registers are written by the registers kit's services.)"""

from .fleet import (
    dormant_pos_decide,
    dormant_pos_refresh,
    merchant_terminate,
    terminal_remove,
    terminal_report_faulty,
    terminal_restore,
)

__all__ = [
    "dormant_pos_decide",
    "dormant_pos_refresh",
    "merchant_terminate",
    "terminal_remove",
    "terminal_report_faulty",
    "terminal_restore",
]
