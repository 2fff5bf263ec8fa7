"""What each role may do with the online-banking area's models (ebank/org/roles.py collects it)."""

from ebank.org.roles import READ_WRITE, VIEW, Access

ACCESS = {
    # Customers and transfers come from extracts; staff replace media; branch managers open and
    # handle their branches' tickets; the department keeps the calendar and does the spot checks.
    "netbanking.customer": Access(staff=VIEW, branch_manager=VIEW, leader=VIEW),
    "netbanking.securitymedium": Access(staff=("view", "add"), branch_manager=VIEW, leader=VIEW),
    "netbanking.transfer": Access(staff=VIEW, branch_manager=VIEW, leader=VIEW),
    "netbanking.calendarday": Access(staff=READ_WRITE, branch_manager=VIEW, leader=VIEW, branch_owned=False),
    "netbanking.ticket": Access(
        staff=("view", "add", "change"), branch_manager=("view", "add", "change"), leader=VIEW
    ),
    "netbanking.spotcheck": Access(staff=("view", "add", "change"), branch_manager=VIEW, leader=VIEW),
}
