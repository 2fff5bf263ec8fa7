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
