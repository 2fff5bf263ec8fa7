"""The demo county's branch tree and its logins."""

from django.contrib.auth.hashers import make_password

from ebank.org.models import Branch, User
from ebank.org.roles import Role
from ebank.org.services import branch_create, user_assign_role

from .common import Demo, person_name

ROOT_CODE = "000"
UNION_NAME = "青山县农村信用合作联社"

# code, name, parent code, size (its share of cards, customers and payments).
BRANCHES = (
    ("001", "联社营业部", ROOT_CODE, 1.7),
    ("101", "城关信用社", ROOT_CODE, 1.6),
    ("10101", "东街分社", "101", 0.8),
    ("10102", "西街分社", "101", 0.6),
    ("102", "双桥信用社", ROOT_CODE, 1.2),
    ("10201", "三岔分社", "102", 0.4),
    ("103", "石门信用社", ROOT_CODE, 1.0),
    ("104", "柳林信用社", ROOT_CODE, 0.9),
    ("105", "杨店信用社", ROOT_CODE, 0.8),
    ("106", "河口信用社", ROOT_CODE, 1.1),
    ("10601", "渡口分社", "106", 0.4),
    ("107", "白塔信用社", ROOT_CODE, 0.7),
    ("108", "龙泉信用社", ROOT_CODE, 1.0),
    ("10801", "温泉分社", "108", 0.3),
    ("109", "马坊信用社", ROOT_CODE, 0.6),
    ("110", "新集信用社", ROOT_CODE, 0.9),
    ("111", "桃园信用社", ROOT_CODE, 0.7),
    ("112", "黄岗信用社", ROOT_CODE, 0.5),
    ("113", "丰乐信用社", ROOT_CODE, 0.8),
    ("114", "清水信用社", ROOT_CODE, 0.6),
)
SIZE = {code: size for code, _name, _parent, size in BRANCHES}
STAFF_NAMES = ("周文涛", "李明", "赵海峰")  # the department's people, who handle the IT log


def branches_load(demo: Demo) -> None:
    """Create the union (the root) and its 信用社, 营业部 and 分社, each on record."""
    demo.root = branch_create(code=ROOT_CODE, name=UNION_NAME, parent=None, by=None)
    demo.branches[ROOT_CODE] = demo.root
    for code, name, parent, _size in BRANCHES:
        demo.branches[code] = branch_create(code=code, name=name, parent=demo.branches[parent], by=None)
    demo.branch_by_id = {branch.id: branch for branch in demo.branches.values()}
    demo.level1 = [b for b in demo.branches.values() if b.parent_id == demo.root.id]
    demo.count("branches", len(demo.branches))


def logins_load(demo: Demo, *, password: str) -> int:
    """One login per role: `staff`, `leader` and `mgr-<code>` for every branch below the union
    (the union itself is the department's and the leaders'). Return how many logins existed
    already: they keep their password and get their demo role."""
    # One hash for all: hashing is deliberately slow (about a second each), and these are demo logins.
    hashed = make_password(password)
    kept = 0

    def login(username: str, name: str, role: str, branch=None) -> User:
        nonlocal kept
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=name, password=hashed)
        else:
            kept += 1
        return user_assign_role(user=user, role=role, branch=branch, by=None)

    demo.staff = login("staff", STAFF_NAMES[0], Role.STAFF)
    demo.leader = login("leader", "孙建华", Role.LEADER)
    for code, branch in demo.branches.items():
        if branch is not demo.root:
            demo.managers[branch.id] = login(
                f"mgr-{code}", person_name(demo.rng), Role.BRANCH_MANAGER, branch
            )
    # The union's own entries (the IT log) are the department's.
    demo.managers[demo.root.id] = demo.staff
    demo.count("logins", 2 + len(demo.branches) - 1)
    return kept


def demo_state() -> str:
    """ "empty" (no branch), "loaded" (the demo county's root is there) or "other"."""
    if not Branch.objects.exists():
        return "empty"
    if Branch.objects.filter(code=ROOT_CODE, name=UNION_NAME, parent__isnull=True).exists():
        return "loaded"
    return "other"
