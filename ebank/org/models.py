from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from .roles import Role


class Branch(models.Model):
    """A branch of the union (信用社, 分社, 营业部); the head office is the root of the tree."""

    code = models.CharField(_("branch code"), max_length=12, unique=True)
    name = models.CharField(_("branch name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty only for the union's head office."),
    )
    history = HistoricalRecords(verbose_name=_("branch history"), verbose_name_plural=_("branch history"))

    # The scoping layer's path from this model to its branch (see ebank/org/scoping.py).
    branch_lookup = "id"

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="branch_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class User(AbstractUser):
    """A person who logs in, with one role; a branch manager is bound to one branch."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for a branch manager: they see this branch and those below it."),
    )
    # is_staff follows the role; the password hash and the last login are not history.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "is_staff"],
        verbose_name=_("user history"),
        verbose_name_plural=_("user history"),
    )

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.BRANCH_MANAGER) | Q(branch__isnull=False),
                name="branch_manager_has_branch",
            ),
        ]

    def __str__(self):
        full_name = self.get_full_name()
        return f"{self.username} ({full_name})" if full_name else self.username


class Authenticator(TOTPDevice):
    """A user's authenticator app for two-factor login (django-otp's TOTP device), under the name
    the department's staff know it by."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator (two-factor login)")
        verbose_name_plural = _("authenticators (two-factor login)")


class ApiToken(models.Model):
    """A token a phone app or another system sends as `Authorization: Token …`.

    Only a hash of the key is kept; the key is shown once, to whoever logged in for it. A token
    ends when it expires, when staff revoke it, and when its user's password, role or branch
    changes or they set up two-factor login (the credentials it was issued under are stamped).
    """

    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token"), max_length=8, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens", editable=False
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    with_second_factor = models.BooleanField(_("issued with a two-factor code"), default=False)
    credentials_stamp = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
