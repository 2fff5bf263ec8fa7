"""What each role may do with the assessment's and the reports' models (ebank/org/roles.py
collects it)."""

from ebank.org.roles import READ_WRITE, VIEW, Access, Role

ACCESS = {
    # The department keeps the plan and the targets and runs the assessment; the union's managers
    # read everything; a branch manager reads their branch's targets and results.
    "reports.planitem": Access(
        staff=READ_WRITE,
        branch_manager=VIEW,
        leader=VIEW,
        branch_owned=False,
        off_menu_for=(Role.BRANCH_MANAGER,),
    ),
    "reports.target": Access(staff=("view", "add", "change"), branch_manager=VIEW, leader=VIEW),
    # Staff run the assessment; a union manager publishes one run of a quarter (发布), which
    # branch managers then read (the drafts are not theirs).
    "reports.assessmentrun": Access(
        staff=("view", "add"), branch_manager=VIEW, leader=("view", "publish"), branch_owned=False
    ),
    "reports.assessmentpublication": Access(
        staff=VIEW,
        branch_manager=VIEW,
        leader=VIEW,
        branch_owned=False,
        off_menu_for=(Role.STAFF, Role.BRANCH_MANAGER, Role.LEADER),
    ),
    # Appeals: a branch manager appeals their branch's published result; the department answers.
    "reports.appeal": Access(staff=("view", "change"), branch_manager=("view", "add"), leader=VIEW),
    # The lines of the runs: read in a run's ranking.
    "reports.assessmentresult": Access(
        staff=VIEW, branch_manager=VIEW, leader=VIEW, off_menu_for=(Role.BRANCH_MANAGER, Role.LEADER)
    ),
    # The department's rules and registers: every branch follows them, the department keeps them.
    "reports.policy": Access(
        staff=READ_WRITE,
        branch_manager=VIEW,
        leader=VIEW,
        branch_owned=False,
        off_menu_for=(Role.BRANCH_MANAGER,),
    ),
    # The year-end summary states union-wide figures: the department writes it for the leadership.
    "reports.yearsummary": Access(staff=("view", "add", "change"), leader=VIEW, branch_owned=False),
}
