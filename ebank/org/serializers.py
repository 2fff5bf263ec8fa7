from rest_framework import serializers

from ebank.api.scoping import BranchCodeField

from .models import Branch, User


class BranchSerializer(serializers.ModelSerializer):
    parent_code = BranchCodeField(source="parent", allow_null=True, required=False)

    class Meta:
        model = Branch
        fields = ["code", "name", "parent_code"]


class MeSerializer(serializers.ModelSerializer):
    branch_code = serializers.CharField(source="branch.code", default=None, read_only=True)
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "role", "branch_code"]
        read_only_fields = fields
