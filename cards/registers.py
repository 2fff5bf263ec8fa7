"""The cards area's register, declared to the registers kit: the card risk inspections
(金农卡风险安全检查登记簿) a branch records of its blank cards and PIN mailers."""

from ebank.registers.declarations import BRANCH_HEAD, CHECKED_BY, Register, register

from .models import CardRiskCheck

register(
    Register(
        model=CardRiskCheck,
        route="card-risk-checks",
        position=8,
        moved_from="terminals",
        signers=(CHECKED_BY, BRANCH_HEAD),
    )
)
