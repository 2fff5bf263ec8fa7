from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from ebank.api.scoping import BranchCodeField
from ebank.api.serializers import CharField, ModelSerializer

from .models import Branch, User


class BranchSerializer(ModelSerializer):
    parent_code = BranchCodeField(source="parent", allow_null=True, default=None)

    class Meta:
        model = Branch
        fields = ["code", "name", "parent_code"]


class MeSerializer(ModelSerializer):
    branch_code = CharField(source="branch.code", default=None, read_only=True, allow_null=True)
    full_name = CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "branch_code"]
        read_only_fields = fields


class TokenLoginSerializer(AuthTokenSerializer):
    otp_token = CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The authenticator's current code, when two-factor login is required for the role.",
    )


class TokenSerializer(serializers.Serializer):
    token = CharField(help_text="Send it as `Authorization: Token <token>`.")
    expires_at = serializers.DateTimeField(help_text="After this, log in again for a new token.")
