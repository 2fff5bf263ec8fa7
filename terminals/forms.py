from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DormantPosReview


class DatedReasonForm(forms.Form):
    on = forms.DateField(
        label=_("effective on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("reason"), max_length=100)


class DormantPosDecisionForm(forms.ModelForm):
    class Meta:
        model = DormantPosReview
        fields = ["visited_on", "visit_notes", "outcome"]
        widgets = {"visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == DormantPosReview.Outcome.PENDING:
            self.add_error("outcome", _("Decide to keep or to reclaim the POS."))
        visited_on = cleaned.get("visited_on")
        if not visited_on:
            self.add_error("visited_on", _("Give the day of the visit."))
        elif visited_on < self.instance.window_start or visited_on > timezone.localdate():
            self.add_error(
                "visited_on", _("The visit must lie between the start of the quiet months and today.")
            )
        if not (cleaned.get("visit_notes") or "").strip():
            self.add_error("visit_notes", _("Note what the visit found."))
        return cleaned


class FaultClearForm(forms.Form):
    """登记排除: when and how the fault was cleared, and the repair it needed, if any."""

    resolved_at = forms.DateTimeField(
        label=_("cleared at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    handled_by = forms.CharField(label=_("handled by"), max_length=30)
    repaired = forms.BooleanField(label=_("a repair was needed"), required=False)
    vendor = forms.CharField(label=_("repaired by (vendor)"), max_length=60, required=False)
    parts = forms.CharField(label=_("parts replaced"), max_length=200, required=False)
    cost = forms.DecimalField(
        label=_("cost (yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    downtime_hours = forms.DecimalField(
        label=_("downtime (hours)"),
        max_digits=7,
        decimal_places=1,
        min_value=0,
        required=False,
        help_text=_("Left empty: the hours from the report to the clearance."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("repaired") and not (cleaned.get("vendor") or "").strip():
            self.add_error("vendor", _("Name who repaired the ATM."))
        return cleaned

    def repair(self) -> dict | None:
        if not self.cleaned_data.get("repaired"):
            return None
        return {name: self.cleaned_data.get(name) for name in ("vendor", "parts", "cost", "downtime_hours")}
