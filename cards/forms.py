from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Card


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=Card.Status.choices)
    on = forms.DateField(
        label=_("effective on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("reason"), max_length=100)
