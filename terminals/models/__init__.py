"""The terminals area: the fleet (merchants, terminals, transactions, dormant-POS reviews), the
rural cash-withdrawal service points, and the registers (登记簿) that branches keep of them."""

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
from .points import ServicePoint, ServicePointEvent, ServicePointTxn, ServicePointVisit

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
    "ServicePoint",
    "ServicePointEvent",
    "ServicePointTxn",
    "ServicePointVisit",
    "Terminal",
    "TerminalStatusPeriod",
    "TerminalTxn",
]
