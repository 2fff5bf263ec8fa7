from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SpotCheck, Ticket


class TicketOpenForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = ["kind", "branch", "customer", "subject", "description"]


class TicketHandleForm(forms.ModelForm):
    """Assign a ticket, or close it with its resolution."""

    close = forms.BooleanField(label=_("close the ticket now"), required=False)

    class Meta:
        model = Ticket
        fields = ["assigned_to", "resolution"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("close") and not (cleaned.get("resolution") or "").strip():
            self.add_error("resolution", _("Say how the ticket was resolved."))
        return cleaned


class SpotCheckForm(forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ["branch", "checked_on", "scope", "documents_checked", "findings", "rectify_by"]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("findings") or "").strip() and not cleaned.get("rectify_by"):
            self.add_error("rectify_by", _("Findings need a rectification deadline."))
        return cleaned


class SpotCheckRectifyForm(forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ["rectified_on", "rectification"]

    def clean_rectified_on(self):
        on = self.cleaned_data.get("rectified_on")
        if on and not self.instance.findings:
            raise forms.ValidationError(_("This check found nothing to rectify."))
        if on and on < self.instance.checked_on:
            raise forms.ValidationError(_("Rectification cannot come before the check."))
        return on


class MediumReplaceForm(forms.Form):
    on = forms.DateField(
        label=_("replaced on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    serial_no = forms.CharField(label=_("serial number of the new medium"), max_length=40, required=False)
    reason = forms.CharField(label=_("reason"), max_length=100)
