from rest_framework import serializers

from ebank.api.scoping import BranchCodeField, UserBranchDefault
from ebank.api.serializers import CharField, ModelSerializer

from .models import Card, CardBalance, Disbursement


class CardSerializer(ModelSerializer):
    branch_code = CharField(source="branch.code", read_only=True)

    class Meta:
        model = Card
        fields = [
            "id",
            "number_masked",
            "holder_name",
            "holder_id_masked",
            "branch_code",
            "issued_on",
            "status",
            "status_changed_on",
            "closed_on",
            "sms_alert",
            "sms_since",
        ]
        read_only_fields = fields


class CardStatusSerializer(serializers.Serializer):
    """A status change: report lost, freeze, close or reactivate, from a date, with a reason."""

    status = serializers.ChoiceField(choices=Card.Status.choices)
    on = serializers.DateField()
    reason = CharField(max_length=100)


class CardBalanceSerializer(ModelSerializer):
    card_number_masked = CharField(source="card.number_masked", read_only=True)
    branch_code = CharField(source="card.branch.code", read_only=True)

    class Meta:
        model = CardBalance
        fields = ["id", "card", "card_number_masked", "branch_code", "as_of", "balance"]
        read_only_fields = fields


class DisbursementSerializer(ModelSerializer):
    branch_code = BranchCodeField(source="branch", default=UserBranchDefault())

    class Meta:
        model = Disbursement
        fields = ["id", "program", "paid_on", "branch_code", "households", "amount"]
        extra_kwargs = {"amount": {"min_value": 0}}
