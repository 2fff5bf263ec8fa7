"""The terminals area: the fleet (merchants, terminals, transactions, dormant-POS reviews) and the
terminals' registers (登记簿) that branches keep."""

from .fleet import DormantPosReview, InspectionSticker, Merchant, Terminal, TerminalStatusPeriod, TerminalTxn
from .logbooks import (
    AtmCashDifference,
    AtmCashLog,
    AtmFault,
    AtmFaultClearance,
    AtmInspection,
    AtmKeyHandover,
    AtmRepair,
    InspectionCampaign,
    PosMaintenance,
    RetainedCard,
)

__all__ = [
    "AtmCashDifference",
    "AtmCashLog",
    "AtmFault",
    "AtmFaultClearance",
    "AtmInspection",
    "AtmKeyHandover",
    "AtmRepair",
    "DormantPosReview",
    "InspectionCampaign",
    "InspectionSticker",
    "Merchant",
    "PosMaintenance",
    "RetainedCard",
    "Terminal",
    "TerminalStatusPeriod",
    "TerminalTxn",
]
