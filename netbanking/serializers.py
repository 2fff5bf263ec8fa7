from django.utils import timezone
from rest_framework import serializers

from ebank.api.scoping import BranchCodeField, UserBranchDefault
from ebank.api.serializers import BooleanField, CharField, IntegerField, ModelSerializer, SlugRelatedField
from ebank.org.scoping import scope_queryset

from .models import CalendarDay, Customer, SecurityMedium, SpotCheck, Ticket, Transfer


class CustomerSerializer(ModelSerializer):
    branch_code = CharField(source="branch.code", read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "customer_no",
            "kind",
            "name",
            "branch_code",
            "signed_on",
            "status",
            "closed_on",
            "security_media",
        ]
        read_only_fields = fields


class SecurityMediumSerializer(ModelSerializer):
    customer_no = CharField(source="customer.customer_no", read_only=True)
    branch_code = CharField(source="customer.branch.code", read_only=True)

    class Meta:
        model = SecurityMedium
        fields = [
            "id",
            "customer_no",
            "branch_code",
            "kind",
            "serial_no",
            "issued_on",
            "status",
            "replaced_on",
            "replaces",
            "reason",
        ]
        read_only_fields = fields


class MediumReplaceSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = CharField(max_length=100)
    serial_no = CharField(max_length=40, required=False, default="")


class TransferSerializer(ModelSerializer):
    customer_no = CharField(source="customer.customer_no", read_only=True)
    branch_code = CharField(source="customer.branch.code", read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "reference", "customer_no", "branch_code", "txn_at", "channel", "amount"]
        read_only_fields = fields


class CalendarDaySerializer(ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "day", "kind", "name"]


class TicketSerializer(ModelSerializer):
    branch_code = BranchCodeField(source="branch", default=UserBranchDefault())
    customer_no = SlugRelatedField(
        source="customer",
        slug_field="customer_no",
        required=False,
        allow_null=True,
        queryset=Customer.objects.all(),
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "kind",
            "branch_code",
            "customer_no",
            "subject",
            "description",
            "opened_at",
            "deadline",
            "status",
            "assigned_to",
            "closed_at",
            "resolution",
            "overdue",
        ]
        read_only_fields = ["opened_at", "deadline", "status", "assigned_to", "closed_at", "resolution"]

    def get_overdue(self, ticket) -> bool:
        return ticket.status != Ticket.Status.CLOSED and ticket.deadline < timezone.localdate()

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["customer_no"].queryset = scope_queryset(
                user=request.user, queryset=Customer.objects.all()
            )
        return fields


class TicketAssignSerializer(serializers.Serializer):
    assigned_to = CharField(help_text="username")


class TicketCloseSerializer(serializers.Serializer):
    resolution = CharField()


class TicketSummarySerializer(serializers.Serializer):
    year = IntegerField()
    month = IntegerField()
    opened = IntegerField()
    closed = IntegerField()
    overdue = IntegerField()
    average_handling_hours = serializers.FloatField(allow_null=True)


class SpotCheckSerializer(ModelSerializer):
    branch_code = BranchCodeField(source="branch", default=UserBranchDefault())
    deadline_met = BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "branch_code",
            "checked_on",
            "scope",
            "documents_checked",
            "findings",
            "rectify_by",
            "rectified_on",
            "rectification",
            "deadline_met",
        ]
        read_only_fields = ["rectified_on", "rectification"]


class SpotCheckRectifySerializer(serializers.Serializer):
    on = serializers.DateField()
    rectification = CharField()
