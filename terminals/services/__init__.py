"""Writes with business meaning in the terminals area: the fleet's lifecycle, a fault's chain
(reported, cleared), and the service points' closures and reopenings. (Other entries of its
registers are written by the registers kit's services.)"""

from .faults import atm_fault_clear, atm_fault_reported
from .fleet import (
    dormant_pos_decide,
    dormant_pos_refresh,
    merchant_terminate,
    terminal_remove,
    terminal_report_faulty,
    terminal_restore,
)
from .points import service_point_close, service_point_reopen

__all__ = [
    "atm_fault_clear",
    "atm_fault_reported",
    "dormant_pos_decide",
    "dormant_pos_refresh",
    "merchant_terminate",
    "service_point_close",
    "service_point_reopen",
    "terminal_remove",
    "terminal_report_faulty",
    "terminal_restore",
]
