from rest_framework import serializers

from ebank.api.serializers import CharField, ModelSerializer

from .models import DormantPosReview, Merchant, ServicePoint, ServicePointTxn, Terminal, TerminalTxn


class MerchantSerializer(ModelSerializer):
    branch_code = CharField(source="branch.code", read_only=True)

    class Meta:
        model = Merchant
        fields = ["id", "merchant_no", "name", "branch_code", "mcc", "signed_on", "status", "terminated_on"]
        read_only_fields = fields


class TerminalSerializer(ModelSerializer):
    branch_code = CharField(source="branch.code", read_only=True)
    merchant_no = CharField(source="merchant.merchant_no", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Terminal
        fields = [
            "id",
            "terminal_no",
            "kind",
            "serial_no",
            "model",
            "branch_code",
            "merchant_no",
            "location",
            "installed_on",
            "status",
            "removed_on",
        ]
        read_only_fields = fields


class StatusChangeSerializer(serializers.Serializer):
    """A lifecycle change with its date and reason."""

    status = CharField()
    on = serializers.DateField()
    reason = CharField(max_length=100)


class TerminalTxnSerializer(ModelSerializer):
    terminal_no = CharField(source="terminal.terminal_no", read_only=True)
    branch_code = CharField(source="terminal.branch.code", read_only=True)

    class Meta:
        model = TerminalTxn
        fields = [
            "id",
            "reference",
            "terminal_no",
            "branch_code",
            "txn_at",
            "txn_type",
            "amount",
            "fee",
            "card_masked",
        ]
        read_only_fields = fields


class DormantPosReviewSerializer(ModelSerializer):
    terminal_no = CharField(source="terminal.terminal_no", read_only=True)
    merchant_name = CharField(source="terminal.merchant.name", read_only=True, default=None, allow_null=True)
    branch_code = CharField(source="terminal.branch.code", read_only=True)

    class Meta:
        model = DormantPosReview
        fields = [
            "id",
            "terminal_no",
            "merchant_name",
            "branch_code",
            "as_of",
            "window_start",
            "outcome",
            "visited_on",
            "visit_notes",
        ]
        read_only_fields = ["as_of", "window_start"]


class ServicePointSerializer(ModelSerializer):
    """A service point as its register shows it: its last visit, last transaction, last 30 days
    (transactions other than inquiries, and withdrawals in yuan) and whether it is dormant."""

    branch_code = CharField(source="branch.code", read_only=True)
    last_visit = serializers.DateTimeField(read_only=True, allow_null=True)
    last_txn = serializers.DateTimeField(read_only=True, allow_null=True)
    txns_30_days = serializers.IntegerField(read_only=True)
    withdrawn_30_days = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)
    dormant = serializers.BooleanField(read_only=True)

    class Meta:
        model = ServicePoint
        fields = [
            "id",
            "point_no",
            "name",
            "branch_code",
            "village",
            "device",
            "opened_on",
            "status",
            "closed_on",
            "last_visit",
            "last_txn",
            "txns_30_days",
            "withdrawn_30_days",
            "dormant",
        ]
        read_only_fields = fields


class ServicePointTxnSerializer(ModelSerializer):
    point_no = CharField(source="point.point_no", read_only=True)
    branch_code = CharField(source="point.branch.code", read_only=True)

    class Meta:
        model = ServicePointTxn
        fields = ["id", "reference", "point_no", "branch_code", "txn_at", "txn_type", "amount", "card_masked"]
        read_only_fields = fields
