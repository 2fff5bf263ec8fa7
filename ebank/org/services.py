"""Writes with business meaning for branches and users; each one on record (simple-history)."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Branch, User
from .roles import GROUP_NAMES, Role
from .scoping import branch_subtree_ids


def branch_parent_check(*, branch: Branch, parent: Branch | None) -> None:
    """Refuse a second root, and a parent that would make the branch tree a cycle."""
    if parent is None:
        others = Branch.objects.filter(parent__isnull=True).exclude(pk=branch.pk)
        if others.exists():
            raise ValidationError(
                {"parent": _("Only the head office has no parent branch; choose a parent.")}
            )
        return
    if branch.pk and parent.pk in branch_subtree_ids(branch=branch):
        raise ValidationError(
            {"parent": _("A branch cannot be placed below itself or below one of its own branches.")}
        )


@transaction.atomic
def branch_create(*, code: str, name: str, parent: Branch | None, by: User | None) -> Branch:
    """Create a branch below `parent` (None only for the head office)."""
    branch = Branch(code=code, name=name, parent=parent)
    branch_parent_check(branch=branch, parent=parent)
    branch.full_clean()
    branch._history_user = by
    branch.save()
    return branch


@transaction.atomic
def branch_update(*, branch: Branch, by: User | None, **fields) -> Branch:
    """Rename, recode or move a branch; refuse a move that would make the tree a cycle."""
    for field, value in fields.items():
        setattr(branch, field, value)
    branch_parent_check(branch=branch, parent=branch.parent)
    branch.full_clean()
    branch._history_user = by
    branch.save()
    return branch


@transaction.atomic
def user_assign_role(*, user: User, role: str, branch: Branch | None, by: User | None) -> User:
    """Give `user` one role (and the branch a branch manager is bound to).

    The role decides the user's group (and so their permissions) and whether they may enter the
    admin; a user without a role can log in nowhere.
    """
    if role == Role.BRANCH_MANAGER and branch is None:
        raise ValidationError({"branch": _("A branch manager must be bound to a branch.")})
    user.role = role
    user.branch = branch
    user.is_staff = bool(role) or user.is_superuser
    user.full_clean(exclude=["password"])
    user._history_user = by
    user.save()
    role_groups = Group.objects.filter(name__in=GROUP_NAMES.values())
    user.groups.remove(*role_groups)
    if role:
        user.groups.add(Group.objects.get(name=GROUP_NAMES[Role(role)]))
    return user


def sessions_clear_expired() -> int:
    """Delete the sessions whose idle time ran out; return how many were deleted."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _per_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def totp_device_begin(*, user: User):
    """Return the user's authenticator being set up (a new secret the first time), unconfirmed
    until they type a code it shows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("authenticator app"), confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device, token: str) -> bool:
    """Confirm an authenticator when `token` is its current code; True when confirmed."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
