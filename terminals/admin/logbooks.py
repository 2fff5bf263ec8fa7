"""The logbooks in the admin: enter, read, correct (a new entry), void (staff) — never edit or
delete; print a month as the paper register is filed."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.dates import year_problem
from ebank.org.admin_base import AppendOnlyMixin, ScopedAdminMixin, ScopedBranchFilter, warn_if_masked
from ebank.org.scoping import scope_queryset, scoped_branches

from .. import selectors, services
from ..models import InspectionCampaign, Terminal
from ..models.logbooks import REGISTERS, AtmInspection, RetainedCard, TerminalEntry
from ..printing import logbook_month_pdf


class CorrectionForm(forms.Form):
    correction_reason = forms.CharField(label=gettext_lazy("reason for the correction"), max_length=200)


class VoidForm(forms.Form):
    correction_reason = forms.CharField(label=gettext_lazy("reason for voiding"), max_length=200)


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes back what was typed: a card number sent with a form that had
    an error does not come back in the page."""

    def format_value(self, value):
        return None


class RetainedCardAddForm(forms.ModelForm):
    """The retained-card entry: the card number is typed in full, kept hashed and masked."""

    card_no = forms.CharField(
        label=_("card number (in full)"),
        max_length=19,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_card_no(self):
        return services.logbook_card_number(self.cleaned_data["card_no"])


class LogbookAdmin(AppendOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """One admin for every register: the list shows originals, corrections and voids alike."""

    list_select_related = ["branch", "entered_by"]
    date_hierarchy = None
    ordering = ["-occurred_at", "-id"]

    def _has_field(self, name: str) -> bool:
        return any(field.name == name for field in self.model._meta.concrete_fields)

    def get_list_display(self, request):
        place = ["terminal"] if issubclass(self.model, TerminalEntry) else ["branch"]
        own = [name for name in self.model.entry_fields if name not in ("terminal", "branch", "occurred_at")][
            :4
        ]
        if self._has_field("card_masked"):
            own.insert(0, "card_masked")
        # Whether an entry was corrected comes early: on a phone the later columns are off-screen.
        return ["occurred_at", "standing", *place, *own, "entered_by", "entered_at"]

    def get_search_fields(self, request):
        # A register of cards is searched by a card's last digits, or its full number (by hash).
        return ["card_masked"] if self._has_field("card_masked") else []

    def get_list_filter(self, request):
        return [("branch", ScopedBranchFilter), "occurred_at", "is_void"]

    def get_list_select_related(self, request):
        related = ["branch", "entered_by"]
        return [*related, "terminal"] if issubclass(self.model, TerminalEntry) else related

    @admin.display(description=gettext_lazy("standing"))
    def standing(self, entry):
        later = [amendment.pk for amendment in entry.amendments.all()]
        if entry.is_void:
            text = format_html("{} #{}", _("voids"), entry.amends_id)
        elif entry.amends_id:
            text = format_html("{} #{}", _("corrects"), entry.amends_id)
        else:
            text = ""
        if later:
            text = format_html("{} {} #{}", text, _("superseded by"), later[0])
        return text

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("amendments")

    def get_actions(self, request):
        return {}

    def get_fields(self, request, obj=None):
        fields = list(self.model.entry_fields)
        if self.model is RetainedCard and obj is None:
            fields.insert(2, "card_no")
        if obj is not None:
            system = ["branch", "entered_by", "entered_at", "amends", "correction_reason", "is_void"]
            extra = ["card_masked"] if self.model is RetainedCard else []
            return [*fields, *extra, *[f for f in system if f not in fields]]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.model is RetainedCard and obj is None:
            kwargs["form"] = RetainedCardAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "terminal":
            field.queryset = field.queryset.filter(kind=self.model.terminal_kind).exclude(
                status=Terminal.Status.REMOVED
            )
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        now = timezone.localtime()
        initial.setdefault("occurred_at", now.replace(second=0, microsecond=0))
        if self.model is AtmInspection:
            initial.setdefault("shift", "morning" if now.hour < 15 else "evening")
        if "branch" in self.model.entry_fields and request.user.branch_id:
            initial.setdefault("branch", request.user.branch_id)
        if "campaign" in self.model.entry_fields:
            running = InspectionCampaign.objects.filter(
                kind=self.model.terminal_kind, starts_on__lte=now.date(), ends_on__gte=now.date()
            ).first()
            if running:
                initial.setdefault("campaign", running.pk)
        return initial

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in self.model.entry_fields if name in form.cleaned_data
        }
        if self.model is RetainedCard:
            fields["card_no"] = form.cleaned_data["card_no"]
        # The form has run the model's checks; the service adds who, when, and the scope.
        entry = services.logbook_enter(model=self.model, by=request.user, **fields)
        obj.pk = entry.pk
        warn_if_masked(self, request, entry)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:entry_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="%s_%s_correct" % info,
            ),
            path(
                "<int:entry_id>/void/", self.admin_site.admin_view(self.void_view), name="%s_%s_void" % info
            ),
            path("print/", self.admin_site.admin_view(self.print_view), name="%s_%s_print" % info),
            *super().get_urls(),
        ]

    def _entry(self, request, entry_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=entry_id)

    def correct_view(self, request, entry_id):
        """Correct an entry: the same form, filled in from it, and the reason."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        entry = self._entry(request, entry_id)
        fields = list(self.model.entry_fields)
        EntryForm = self.get_form(request, None, fields=fields)
        data = request.POST if request.method == "POST" else None
        form, reason = (
            EntryForm(data, instance=None, initial=forms.model_to_dict(entry, fields)),
            CorrectionForm(data),
        )
        if data is not None and form.is_valid() and reason.is_valid():
            try:
                new = services.logbook_amend(
                    entry=entry,
                    by=request.user,
                    reason=reason.cleaned_data["correction_reason"],
                    **{name: form.cleaned_data[name] for name in fields},
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Corrected: entry #%(new)d corrects #%(old)d.") % {"new": new.pk, "old": entry.pk},
                )
                warn_if_masked(self, request, new)
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change",
                        args=[new.pk],
                    )
                )
        return TemplateResponse(
            request,
            "admin/terminals/logbook_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "entry": entry,
                "title": _("Correct entry #%(id)d") % {"id": entry.pk},
                "forms": [form, reason],
                "media": self.media + form.media,
            },
        )

    def void_view(self, request, entry_id):
        """Void an entry (department staff), with the reason."""
        if not services.logbook_may_void(user=request.user):
            raise PermissionDenied
        entry = self._entry(request, entry_id)
        form = VoidForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                services.logbook_void(
                    entry=entry, by=request.user, reason=form.cleaned_data["correction_reason"]
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Entry #%(id)d voided.") % {"id": entry.pk})
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
            )
        return TemplateResponse(
            request,
            "admin/terminals/logbook_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "entry": entry,
                "title": _("Void entry #%(id)d") % {"id": entry.pk},
                "forms": [form],
                "media": self.media,
            },
        )

    def changelist_view(self, request, extra_context=None):
        if issubclass(self.model, TerminalEntry):
            terminals = scope_queryset(
                user=request.user, queryset=Terminal.objects.filter(kind=self.model.terminal_kind)
            ).select_related("branch")
            choices = {
                "param": "terminal",
                "label": _("terminal"),
                "choices": [(t.pk, str(t)) for t in terminals],
            }
        else:
            choices = {
                "param": "branch",
                "label": _("branch"),
                "choices": [(b.pk, str(b)) for b in scoped_branches(user=request.user)],
            }
        context = {**(extra_context or {}), "logbook_print": choices}
        if self.model is AtmInspection:
            context["compliance"] = self._compliance(request)
        return super().changelist_view(request, context)

    def _compliance(self, request):
        """The last 30 days' inspection rate of each branch with ATMs (the user's branches)."""
        today = timezone.localdate()
        start = today - datetime.timedelta(days=29)
        atms = scope_queryset(user=request.user, queryset=Terminal.objects.filter(kind=Terminal.Kind.ATM))
        rows = []
        for branch in scoped_branches(user=request.user).filter(terminals__kind=Terminal.Kind.ATM).distinct():
            figures = selectors.inspection_compliance(atms=atms.filter(branch=branch), start=start, end=today)
            if figures["due"]:
                rows.append({"branch": branch, **figures})
        return {"start": start, "end": today, "rows": rows}

    def print_view(self, request):
        """A month of the register as an A4 PDF: ?month=YYYY-MM and ?terminal=ID or ?branch=ID."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        year, month = today.year, today.month
        if request.GET.get("month"):
            try:
                year, month = (int(part) for part in request.GET["month"].split("-"))
                datetime.date(year, month, 1)
                problem = year_problem(year)
            except ValueError:
                problem = _("Give the month as YYYY-MM, such as 2011-06.")
            if problem:
                self.message_user(request, problem, messages.ERROR)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
                )
        entries = self.get_queryset(request)
        if issubclass(self.model, TerminalEntry):
            terminal = get_object_or_404(
                scope_queryset(user=request.user, queryset=Terminal.objects.all()),
                pk=request.GET.get("terminal") or 0,
            )
            entries, place = entries.filter(terminal=terminal), f"{terminal.branch}　{terminal}"
        else:
            branch = get_object_or_404(scoped_branches(user=request.user), pk=request.GET.get("branch") or 0)
            entries, place = entries.filter(branch=branch), str(branch)
        pdf = logbook_month_pdf(queryset=entries, year=year, month=month, place=place)
        name = f"{self.model._meta.model_name}-{year}-{month:02d}.pdf"
        return HttpResponse(
            pdf,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        current = entry is not None and not entry.is_void and not entry.amendments.exists()
        extra_context = {
            **(extra_context or {}),
            "logbook": True,
            "may_correct": current and self.has_add_permission(request),
            "may_void": current and services.logbook_may_void(user=request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)


for register in REGISTERS:
    admin.site.register(register, LogbookAdmin)


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
