"""The terminals area: the fleet (merchants, terminals, transactions, dormant-POS reviews) and the
logbooks (登记簿) that branches keep."""

from .fleet import DormantPosReview, Merchant, Terminal, TerminalTxn
from .logbooks import (
    AtmCashDifference,
    AtmCashLog,
    AtmFault,
    AtmInspection,
    AtmRepair,
    CardRiskCheck,
    InspectionCampaign,
    ItMaintenance,
    PosMaintenance,
    RetainedCard,
)

__all__ = [
    "AtmCashDifference",
    "AtmCashLog",
    "AtmFault",
    "AtmInspection",
    "AtmRepair",
    "CardRiskCheck",
    "DormantPosReview",
    "InspectionCampaign",
    "ItMaintenance",
    "Merchant",
    "PosMaintenance",
    "RetainedCard",
    "Terminal",
    "TerminalTxn",
]
