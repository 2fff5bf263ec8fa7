"""What each role may do with the cards area's models (ebank/org/roles.py collects it; the
register's access is in its declaration, registers.py)."""

from ebank.org.roles import READ_WRITE, VIEW, Access, Role

ACCESS = {
    # Cards come from the core banking extract; staff change a card's status.
    "cards.card": Access(staff=("view", "change"), branch_manager=VIEW, leader=VIEW),
    # A branch manager reads these from a card or a figure, not from the menu.
    "cards.cardbalance": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    "cards.balancerevision": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    "cards.disbursement": Access(
        staff=READ_WRITE, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
}
