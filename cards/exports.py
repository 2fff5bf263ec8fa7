"""What the admin's export (django-import-export) writes: masked numbers only, branch by code."""

from import_export import fields, resources

from .models import Card, Disbursement


class CardExport(resources.ModelResource):
    branch_code = fields.Field(attribute="branch__code", column_name="branch_code")

    class Meta:
        model = Card
        fields = (
            "number_masked",
            "holder_name",
            "holder_id_masked",
            "branch_code",
            "issued_on",
            "status",
            "closed_on",
            "sms_alert",
            "sms_since",
        )
        export_order = fields


class DisbursementExport(resources.ModelResource):
    branch_code = fields.Field(attribute="branch__code", column_name="branch_code")

    class Meta:
        model = Disbursement
        fields = ("program", "paid_on", "branch_code", "households", "amount")
        export_order = fields
