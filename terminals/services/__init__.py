"""Writes with business meaning in the terminals area: the fleet's lifecycle and the logbooks."""

from .fleet import (
    dormant_pos_decide,
    dormant_pos_refresh,
    merchant_terminate,
    terminal_remove,
    terminal_report_faulty,
    terminal_restore,
)
from .logbooks import logbook_amend, logbook_card_number, logbook_enter, logbook_may_void, logbook_void

__all__ = [
    "dormant_pos_decide",
    "dormant_pos_refresh",
    "logbook_amend",
    "logbook_card_number",
    "logbook_enter",
    "logbook_may_void",
    "logbook_void",
    "merchant_terminate",
    "terminal_remove",
    "terminal_report_faulty",
    "terminal_restore",
]
