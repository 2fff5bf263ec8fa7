"""Writes with business meaning in the terminals area: the fleet's lifecycle, and a fault's chain
(reported, cleared). (Other entries of its registers are written by the registers kit's services.)"""

from .faults import atm_fault_clear, atm_fault_reported
from .fleet import (
    dormant_pos_decide,
    dormant_pos_refresh,
    merchant_terminate,
    terminal_remove,
    terminal_report_faulty,
    terminal_restore,
)

__all__ = [
    "atm_fault_clear",
    "atm_fault_reported",
    "dormant_pos_decide",
    "dormant_pos_refresh",
    "merchant_terminate",
    "terminal_remove",
    "terminal_report_faulty",
    "terminal_restore",
]
