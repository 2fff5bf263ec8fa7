"""The one scoping layer: which rows of a branch-owned model a user may see.

The admin, the API, the command line's `--branch`, exports and reports all call `scope_queryset`.
A branch-owned model names its path to `Branch` in `branch_lookup` ("branch", "card__branch", …).
"""

from django.db.models import Model, QuerySet

from .models import Branch
from .roles import Role


def branch_subtree_ids(*, branch: Branch) -> list[int]:
    """Return the ids of `branch` and of every branch below it, at any depth."""
    children: dict[int | None, list[int]] = {}
    for branch_id, parent_id in Branch.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(branch_id)
    ids, stack = [], [branch.id]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, ()))
    return ids


def user_branch_ids(*, user) -> list[int] | None:
    """Return the ids of the branches `user` may see, or None for the whole union.

    Memoised on the user object, so one request computes it once.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser or user.role in (Role.STAFF, Role.LEADER):
        return None
    if user.role == Role.BRANCH_MANAGER and user.branch_id:
        cached = getattr(user, "_scope_branch_ids", None)
        if cached is None:
            cached = branch_subtree_ids(branch=user.branch)
            user._scope_branch_ids = cached
        return cached
    return []


def branch_lookup(model: type[Model]) -> str | None:
    """Return the ORM path from `model` (or its history model) to its branch, or None."""
    lookup = getattr(model, "branch_lookup", None)
    if lookup is None and hasattr(model, "instance_type"):  # a simple-history model
        lookup = getattr(model.instance_type, "branch_lookup", None)
    return lookup


def scope_queryset(*, user, queryset: QuerySet) -> QuerySet:
    """Return the rows of `queryset` that `user` may see."""
    ids = user_branch_ids(user=user)
    if ids is None:
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.role:
        return queryset.none()
    lookup = branch_lookup(queryset.model)
    if lookup is None:
        # Not owned by a branch (a calendar, a plan): what a role may do with it is a permission.
        return queryset
    return queryset.filter(**{f"{lookup}__in": ids})


def user_may_use_branch(*, user, branch: Branch | None) -> bool:
    """Tell whether `user` may see, and write objects for, `branch`."""
    if branch is None:
        return False
    ids = user_branch_ids(user=user)
    return ids is None or branch.id in ids


def scoped_branches(*, user) -> QuerySet:
    """Return the branches `user` may see."""
    return scope_queryset(user=user, queryset=Branch.objects.all())
