"""What each role may do with the terminals area's models (ebank/org/roles.py collects it; the
registers' access is in their declarations, registers.py)."""

from ebank.org.roles import READ_WRITE, VIEW, Access, Role

ACCESS = {
    # From extracts; staff record lifecycle changes; a branch manager records the visit and decision
    # on their branch's dormant POS.
    "terminals.merchant": Access(staff=("view", "change"), branch_manager=VIEW, leader=VIEW),
    "terminals.terminal": Access(staff=("view", "change"), branch_manager=VIEW, leader=VIEW),
    # Millions of rows: a branch manager reads a terminal's from the figures, not from the menu.
    "terminals.terminaltxn": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    "terminals.dormantposreview": Access(
        staff=("view", "change"), branch_manager=("view", "change"), leader=VIEW
    ),
    # Service points: from extracts; staff close and reopen them; the supervising branch reads its own.
    "terminals.servicepoint": Access(staff=("view", "change"), branch_manager=VIEW, leader=VIEW),
    "terminals.servicepointevent": Access(
        staff=VIEW,
        branch_manager=VIEW,
        leader=VIEW,
        off_menu_for=(Role.STAFF, Role.BRANCH_MANAGER, Role.LEADER),
    ),
    "terminals.servicepointtxn": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    # Inspection campaigns: the department schedules them; everyone sees their progress.
    "terminals.inspectioncampaign": Access(
        staff=READ_WRITE, branch_manager=VIEW, leader=VIEW, branch_owned=False
    ),
}
