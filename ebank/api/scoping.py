"""The API's side of the scoping layer: viewsets and a branch field that go through it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ebank.api.serializers import SlugRelatedField
from ebank.org.models import Branch
from ebank.org.roles import Role
from ebank.org.scoping import scope_queryset, scoped_branches


class ScopedQuerysetMixin:
    """A viewset that lists, reads and writes only the rows its user may see (others: 404)."""

    def get_queryset(self):
        return scope_queryset(user=self.request.user, queryset=super().get_queryset())


class BranchCodeField(SlugRelatedField):
    """A branch given by its code, chosen among the branches the requesting user may see.

    A code outside them is refused as if it did not exist, so nothing is disclosed.
    """

    default_error_messages = {
        "does_not_exist": _("No branch with code {value} within your branches."),
        "invalid": _("Give a branch code."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Branch.objects.none()
        return scoped_branches(user=request.user)


class UserBranchDefault:
    """Default a new object's branch to a branch manager's own branch."""

    requires_context = True

    def __call__(self, serializer_field):
        user = serializer_field.context["request"].user
        if user.role == Role.BRANCH_MANAGER:
            return user.branch
        raise serializers.ValidationError(_("Give the branch code."))
