"""Inspection campaigns in the admin (the terminals' registers themselves are the registers kit's)."""

from django.contrib import admin

from ebank.org.admin_base import ScopedAdminMixin

from .. import selectors
from ..models import InspectionCampaign


@admin.register(InspectionCampaign)
class InspectionCampaignAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Full ATM or POS inspections scheduled by the department, with each branch's progress."""

    list_display = ["name", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    fields = ["name", "kind", "starts_on", "ends_on", "notes"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        progress = selectors.campaign_progress(campaign=campaign, user=request.user) if campaign else []
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "progress": progress}
        )
