from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ebank import pii
from ebank.exports import ExportMixin
from ebank.org.admin_base import (
    ChangedByActionsOnlyMixin,
    FromExtractMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedBranchFilter,
    form_page,
)

from . import selectors, services
from .exports import CardExport, DisbursementExport
from .forms import StatusChangeForm
from .models import BalanceRevision, Card, CardBalance, Disbursement


@admin.register(Card)
class CardAdmin(ChangedByActionsOnlyMixin, FromExtractMixin, ExportMixin, ScopedAdmin):
    resource_classes = [CardExport]
    # Our list template (the POST search) under django-import-export's export button.
    change_list_template = "admin/cards/card/change_list.html"
    list_display = [
        "number_masked",
        "holder_name",
        "holder_id_masked",
        "branch",
        "issued_on",
        "status",
        "sms_alert",
    ]
    list_filter = ["status", "sms_alert", ("branch", ScopedBranchFilter), "issued_on"]
    list_select_related = ["branch"]
    search_fields = ["holder_name"]  # the real search is cards_matching (get_search_results)
    search_help_text = gettext_lazy(
        "Full card number, its last four digits, the holder's ID number or full name."
    )
    ordering = ["-id"]
    actions = ["change_status"]
    fields = [
        "number_masked",
        "holder_name",
        "holder_id_masked",
        "branch",
        "issued_on",
        "status",
        "status_changed_on",
        "closed_on",
        "sms_alert",
        "sms_since",
    ]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # The find view redirects to ?number_hash=… / ?holder_id_hash=…: hashes, never numbers.
        return lookup in ("number_hash", "holder_id_hash") or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip() or search_term.startswith(pii.HASHED_TERM):
            return super().get_search_results(request, queryset, search_term)
        return selectors.cards_matching(queryset=queryset, term=search_term), False

    def get_urls(self):
        return [
            path("find/", self.admin_site.admin_view(self.find_view), name="cards_card_find"),
            *super().get_urls(),
        ]

    @method_decorator(sensitive_post_parameters("q"))
    @method_decorator(require_POST)
    def find_view(self, request):
        """Look a full card or ID number up by its hash; the number travels only in a POST body."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._found(request, request.POST.get("q", ""))

    def _found(self, request, term):
        """Redirect to the one card found, or to the list filtered by the number's hash."""
        term = term.strip().replace(" ", "")
        changelist = reverse("admin:cards_card_changelist")
        if term.isdigit() and 16 <= len(term) <= 19:
            key, value = "number_hash", pii.keyed_hash(term)
        elif pii.looks_like_card_or_id(term):
            key, value = "holder_id_hash", pii.resident_id_hash(term)
        else:
            return HttpResponseRedirect(f"{changelist}?{urlencode({'q': term})}")
        matches = list(self.get_queryset(request).filter(**{key: value}).values_list("pk", flat=True)[:2])
        if len(matches) == 1:
            return HttpResponseRedirect(reverse("admin:cards_card_change", args=matches))
        return HttpResponseRedirect(f"{changelist}?{key}={value}")

    @admin.action(
        description=gettext_lazy("Change status (report lost, freeze, close, reactivate)"),
        permissions=["change"],
    )
    def change_status(self, request, queryset):
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = 0, []
            for card in queryset:
                try:
                    services.card_status_change(card=card, by=request.user, **form.cleaned_data)
                    done += 1
                except ValidationError as error:
                    refused.append(f"{card.number_masked}: {' '.join(error.messages)}")
            if done:
                self.message_user(request, _("%(n)d card(s) changed.") % {"n": done}, messages.SUCCESS)
            for line in refused:
                self.message_user(request, line, messages.ERROR)
            return None
        return form_page(
            self,
            request,
            title=_("Change the status of cards"),
            form=form,
            submit=_("Change status"),
            objects=queryset,
            action="change_status",
        )


@admin.register(CardBalance)
class CardBalanceAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["card", "as_of", "balance"]
    list_filter = ["as_of"]
    list_select_related = ["card"]
    ordering = ["-id"]
    readonly_fields = ["card", "as_of", "balance"]


@admin.register(BalanceRevision)
class BalanceRevisionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["balance", "old_balance", "new_balance", "changed_at", "changed_by", "reason"]
    list_select_related = ["balance__card", "changed_by"]
    readonly_fields = list_display


@admin.register(Disbursement)
class DisbursementAdmin(ExportMixin, ScopedAdmin):
    resource_classes = [DisbursementExport]
    list_display = ["program", "paid_on", "branch", "households", "amount"]
    list_filter = ["program", ("branch", ScopedBranchFilter), "paid_on"]
    list_select_related = ["branch"]
    autocomplete_fields = ["branch"]
    ordering = ["-paid_on", "program"]
