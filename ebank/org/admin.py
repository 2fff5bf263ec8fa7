from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy

from . import services
from .admin_base import NoAddMixin, NoChangeMixin, NoDeleteMixin, ScopedAdmin, ScopedAdminMixin
from .models import ApiToken, Authenticator, Branch, TOTPDevice, User
from .roles import Role

# Roles are given on the user's page; the role groups are kept by data migrations, not by hand.
admin.site.unregister(Group)
# DRF's own tokens are not used: ebank's API tokens (below) are hashed, expire and end with the
# credentials they were issued under.
admin.site.unregister(TokenProxy)
# django-otp's own page shows each secret as a QR code; ours (below) never shows a secret.
admin.site.unregister(TOTPDevice)


@admin.register(Authenticator)
class AuthenticatorAdmin(NoAddMixin, NoChangeMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Who has set up an authenticator for two-factor login, and when it was last used. Deleting
    one resets it (a lost phone): its user sets up a new one at the next login."""

    list_display = ["user", "set_up", "last_used", "created"]
    fields = list_display
    readonly_fields = list_display
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    list_select_related = ["user"]

    @admin.display(description=_("set up"), boolean=True)
    def set_up(self, device):
        return device.confirmed

    @admin.display(description=_("last used at"))
    def last_used(self, device):
        return device.last_used_at

    @admin.display(description=_("created at"))
    def created(self, device):
        return device.created_at

    def has_delete_permission(self, request, obj=None):
        # Resetting a union manager's second factor is a superuser's (it would hand over the login).
        if obj is not None and obj.user.role == Role.LEADER and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.authenticators_reset(devices=[obj])

    def delete_queryset(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.exclude(user__role=Role.LEADER)
        services.authenticators_reset(devices=list(queryset))


@admin.register(ApiToken)
class ApiTokenAdmin(NoAddMixin, NoChangeMixin, ScopedAdminMixin, admin.ModelAdmin):
    """API tokens: who holds one, since when, until when, last used. A user gets their own by
    logging in at /api/v1/auth/token/; staff see them and revoke them, never read or issue one."""

    list_display = [
        "masked_key",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "with_second_factor",
        "state",
    ]
    fields = list_display
    readonly_fields = list_display
    list_filter = ["with_second_factor"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]

    @admin.display(description=_("token"))
    def masked_key(self, token):
        return f"{token.prefix}…"

    @admin.display(description=_("state"))
    def state(self, token):
        return services.api_token_problem(token=token) or _("valid")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user__is_superuser=False)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "revoke" says what deleting a token does
        return actions

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = services.api_tokens_revoke(tokens=queryset)
        self.message_user(
            request, ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", count) % {"n": count}
        )


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["code", "name", "parent"]

    def clean(self):
        cleaned = super().clean()
        try:
            services.branch_parent_check(branch=self.instance, parent=cleaned.get("parent"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(Branch)
class BranchAdmin(NoDeleteMixin, ScopedAdmin):
    """Branches are added, renamed and moved, never deleted: cards, terminals and targets keep
    referring to them."""

    form = BranchForm
    list_display = ["code", "name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("code", "name", "parent")}
        if change:
            services.branch_update(branch=obj, by=request.user, **fields)
        else:
            obj.pk = services.branch_create(by=request.user, **fields).pk


class RoleCheckMixin:
    """One name field, as a Chinese form has (姓名), and a branch for every branch manager."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "first_name" in self.fields:
            self.fields["first_name"].label = _("full name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.BRANCH_MANAGER and not cleaned.get("branch"):
            self.add_error("branch", _("A branch manager must be bound to a branch."))
        return cleaned


class UserCreateForm(RoleCheckMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)


class UserEditForm(RoleCheckMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(NoDeleteMixin, ScopedAdmin, DjangoUserAdmin):
    """People leave: they are deactivated, never deleted, so what they entered keeps its author."""

    form = UserEditForm
    add_form = UserCreateForm
    list_display = ["username", "full_name", "role", "branch", "is_active", "last_login"]
    list_filter = ["role", "is_active", "branch"]
    list_select_related = ["branch"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["branch"]
    ordering = ["username"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "password1", "password2")}),
        (_("Role"), {"fields": ("role", "branch")}),
    )

    @admin.display(description=_("full name"), ordering="first_name")
    def full_name(self, user):
        return user.get_full_name()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Only a superuser sees (and so may reset the password of) another superuser.
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        fieldsets = [
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "email")}),
            (_("Role"), {"fields": ("role", "branch", "is_active")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        ]
        if request.user.is_superuser:
            fieldsets.append((_("Superuser"), {"fields": ("is_superuser",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return ("last_login", "date_joined", "role", "branch")  # nobody changes their own role
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        # A union manager's account (its role, its password) is a superuser's to change: the
        # department's staff must not make or take over the person who approves their changes.
        if obj is not None and obj.role == Role.LEADER and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "role" in form.base_fields:
            field = form.base_fields["role"]
            field.choices = [(code, label) for code, label in field.choices if code != Role.LEADER]
        return form

    def save_model(self, request, obj, form, change):
        # The form has set the fields (and the password) on obj; the service saves it, once.
        services.user_assign_role(user=obj, role=obj.role, branch=obj.branch, by=request.user)
