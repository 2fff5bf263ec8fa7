"""Writes with business meaning for branches and users; each one on record (simple-history)."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from ebank.audit import on_record

from .models import ApiToken, Branch, User
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
    on_record(branch, by=by)
    branch.save()
    return branch


@transaction.atomic
def branch_update(*, branch: Branch, by: User | None, **fields) -> Branch:
    """Rename, recode or move a branch; refuse a move that would make the tree a cycle."""
    for field, value in fields.items():
        setattr(branch, field, value)
    branch_parent_check(branch=branch, parent=branch.parent)
    branch.full_clean()
    on_record(branch, by=by)
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
    if by is not None and not by.is_superuser:
        # A union manager approves the department's changes and publishes its results: only a
        # superuser gives or takes that role (the department cannot make its own approver), and
        # nobody changes their own role.
        was = User.objects.filter(pk=user.pk).values_list("role", flat=True).first() if user.pk else None
        if Role.LEADER in (role, was):
            raise ValidationError({"role": _("Only a superuser gives or changes the union manager role.")})
        if user.pk == by.pk and was != role:
            raise ValidationError({"role": _("Nobody changes their own role.")})
    if user.pk and (user.role, user.branch_id) != (role, branch.pk if branch else None):
        api_tokens_revoke(user=user)
    user.role = role
    user.branch = branch
    user.is_staff = bool(role) or user.is_superuser
    user.full_clean(exclude=["password"])
    on_record(user, by=by)
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
    # Tokens issued before were issued without the second factor.
    api_tokens_revoke(user=device.user)
    return True


@transaction.atomic
def authenticators_reset(*, devices) -> int:
    """Delete authenticators (a lost phone): their users set up new ones at the next login, and
    the API tokens they hold end too (the phone that carried the app may carry the token)."""
    users = {device.user_id for device in devices}
    deleted = 0
    for device in devices:
        device.delete()
        deleted += 1
    api_tokens_revoke(tokens=ApiToken.objects.filter(user_id__in=users))
    return deleted


def two_factor_required(*, user) -> bool:
    """Whether this user gives a second factor at login (when TWO_FACTOR_REQUIRED is on):
    department staff, union managers, and a superuser (the IT staff's own login)."""
    return (
        settings.TWO_FACTOR_REQUIRED
        and user.is_authenticated
        and (user.role in (Role.STAFF, Role.LEADER) or user.is_superuser)
    )


def credentials_stamp(user: User) -> str:
    """A digest of what a token was issued under: the password, the role, the branch and whether
    the login is active. Any change of them makes the user's earlier tokens fail."""
    state = f"{user.password}|{user.role}|{user.branch_id}|{user.is_active}|{user.is_superuser}"
    return salted_hmac("ebank.api-token", state, algorithm="sha256").hexdigest()


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User, with_second_factor: bool) -> tuple[ApiToken, str]:
    """Issue a new API token to a user who just logged in; return it and its key (shown once)."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        key_hash=_key_hash(key),
        prefix=key[:8],
        user=user,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.API_TOKEN_HOURS),
        with_second_factor=with_second_factor,
        credentials_stamp=credentials_stamp(user),
    )
    return token, key


def api_token_problem(*, token: ApiToken) -> str | None:
    """Why a token no longer admits its user, or None while it does."""
    if token.expires_at <= timezone.now():
        return _("The token has expired; log in again.")
    if not token.user.is_active or token.credentials_stamp != credentials_stamp(token.user):
        return _(
            "The password, role or branch of this login changed since the token was issued; log in again."
        )
    if two_factor_required(user=token.user) and not token.with_second_factor:
        return _("Two-factor login is required: log in again with your authenticator's code.")
    return None


def api_token_authenticate(*, key: str) -> tuple[ApiToken | None, str | None]:
    """Return the token a key admits, noting its use (at most once a minute), or None and why."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_key_hash(key)).first()
    if token is None:
        return None, _("Invalid token.")
    problem = api_token_problem(token=token)
    if problem:
        return None, problem
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, None


def api_tokens_revoke(*, user: User | None = None, tokens=None) -> int:
    """Revoke (delete) a user's tokens, or the given ones; return how many."""
    queryset = tokens if tokens is not None else ApiToken.objects.filter(user=user)
    deleted, _per_model = queryset.delete()
    return deleted


def api_tokens_purge() -> int:
    """Delete the tokens that no longer admit anyone (expired); return how many."""
    deleted, _per_model = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
