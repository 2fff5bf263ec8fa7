"""Who is told: the department's staff, the union managers, and the branch managers who see a
branch (its own, or a parent branch's over its sub-branches — the scoping layer's rule)."""

from ebank.org.models import User
from ebank.org.roles import Role
from ebank.org.scoping import user_branch_ids


def department() -> list:
    return list(User.objects.filter(role=Role.STAFF, is_active=True))


def leaders() -> list:
    return list(User.objects.filter(role=Role.LEADER, is_active=True))


def branch_managers() -> list:
    return list(
        User.objects.filter(role=Role.BRANCH_MANAGER, is_active=True, branch__isnull=False).select_related(
            "branch"
        )
    )


def seeing(managers: list, branch_id: int) -> list:
    """The managers among `managers` whose scope holds the branch."""
    return [manager for manager in managers if branch_id in user_branch_ids(user=manager)]
