"""What each role may do with the online-banking area's models (ebank/org/roles.py collects it)."""

from ebank.org.roles import READ_WRITE, VIEW, Access, Role

ACCESS = {
    # Customers and transfers come from extracts; staff replace media; branch managers open and
    # handle their branches' tickets; the department keeps the calendar and does the spot checks.
    "netbanking.customer": Access(staff=VIEW, branch_manager=VIEW, leader=VIEW),
    # A branch manager reads media, transfers and the calendar from a customer or a ticket.
    "netbanking.securitymedium": Access(
        staff=("view", "add"), branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    "netbanking.transfer": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER,)
    ),
    "netbanking.calendarday": Access(
        staff=READ_WRITE,
        branch_manager=VIEW,
        leader=VIEW,
        branch_owned=False,
        off_menu_for=(Role.BRANCH_MANAGER,),
    ),
    "netbanking.ticket": Access(
        staff=("view", "add", "change"), branch_manager=("view", "add", "change"), leader=VIEW
    ),
    "netbanking.spotcheck": Access(staff=("view", "add", "change"), branch_manager=VIEW, leader=VIEW),
}
