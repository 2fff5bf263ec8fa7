from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.org.admin_base import (
    ChangedByActionsOnlyMixin,
    FromExtractMixin,
    NoAddMixin,
    NoDeleteMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedBranchFilter,
    form_page,
)

from .. import services, stickers
from ..forms import DatedReasonForm, DormantPosDecisionForm
from ..models import DormantPosReview, Merchant, Terminal, TerminalStatusPeriod, TerminalTxn


def _dated_action(model_admin, request, queryset, *, action, title, service, submit):
    """An admin action that asks for a date and a reason, then calls `service` on each object."""
    form = DatedReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        for obj in queryset:
            try:
                service(obj, by=request.user, **form.cleaned_data)
                model_admin.message_user(request, _("%(object)s: done.") % {"object": obj})
            except ValidationError as error:
                model_admin.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        return None
    return form_page(
        model_admin, request, title=title, form=form, submit=submit, objects=queryset, action=action
    )


@admin.register(Merchant)
class MerchantAdmin(ChangedByActionsOnlyMixin, FromExtractMixin, ScopedAdmin):
    list_display = ["merchant_no", "name", "branch", "mcc", "signed_on", "status", "terminated_on"]
    list_filter = ["status", ("branch", ScopedBranchFilter), "signed_on"]
    list_select_related = ["branch"]
    search_fields = ["merchant_no", "name"]
    readonly_fields = list_display
    actions = ["terminate"]

    @admin.action(description=gettext_lazy("End the merchant's contract"), permissions=["change"])
    def terminate(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="terminate",
            title=_("End merchant contracts"),
            submit=_("End"),
            service=lambda m, **kw: services.merchant_terminate(merchant=m, **kw),
        )


class StatusPeriodInline(admin.TabularInline):
    """The terminal's status over time, read only (terminals/status.py keeps it)."""

    model = TerminalStatusPeriod
    fields = readonly_fields = ["status", "starts_at", "ends_at", "reason", "fault"]
    extra = 0
    can_delete = False
    ordering = ["-starts_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Terminal)
class TerminalAdmin(ChangedByActionsOnlyMixin, FromExtractMixin, ScopedAdmin):
    list_display = [
        "terminal_no",
        "kind",
        "location",
        "branch",
        "merchant",
        "installed_on",
        "status",
        "removed_on",
    ]
    list_filter = ["kind", "status", ("branch", ScopedBranchFilter), "installed_on"]
    list_select_related = ["branch", "merchant"]
    search_fields = ["terminal_no", "serial_no", "location", "merchant__name"]
    readonly_fields = [
        "terminal_no",
        "kind",
        "serial_no",
        "model",
        "branch",
        "merchant",
        "location",
        "installed_on",
        "status",
        "removed_on",
    ]
    actions = ["report_faulty", "restore", "remove", "print_stickers"]
    inlines = [StatusPeriodInline]

    @admin.action(
        description=gettext_lazy("Print QR stickers (revokes the old ones)"), permissions=["change"]
    )
    def print_stickers(self, request, queryset):
        """An A4 sheet of QR stickers, one per ATM chosen; each new sticker revokes the ATM's last."""
        atms = list(
            queryset.filter(kind=Terminal.Kind.ATM)
            .exclude(status=Terminal.Status.REMOVED)
            .select_related("branch")
        )
        if not atms:
            self.message_user(request, _("Choose ATMs in service."), messages.WARNING)
            return None
        sheet = stickers.stickers_pdf(
            [
                (atm, stickers.scan_url(request, atm, stickers.sticker_issue(terminal=atm, by=request.user)))
                for atm in atms
            ]
        )
        return HttpResponse(
            sheet,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="atm-stickers-{len(atms)}.pdf"'},
        )

    @admin.action(description=gettext_lazy("Report faulty"), permissions=["change"])
    def report_faulty(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="report_faulty",
            title=_("Report terminals faulty"),
            submit=_("Report faulty"),
            service=lambda t, **kw: services.terminal_report_faulty(terminal=t, **kw),
        )

    @admin.action(description=gettext_lazy("Back in service after repair"), permissions=["change"])
    def restore(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="restore",
            title=_("Put terminals back in service"),
            submit=_("Back in service"),
            service=lambda t, **kw: services.terminal_restore(terminal=t, **kw),
        )

    @admin.action(description=gettext_lazy("Remove (撤机)"), permissions=["change"])
    def remove(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="remove",
            title=_("Remove terminals"),
            submit=_("Remove"),
            service=lambda t, **kw: services.terminal_remove(terminal=t, **kw),
        )


@admin.register(TerminalTxn)
class TerminalTxnAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "terminal", "txn_at", "txn_type", "amount", "fee", "card_masked"]
    list_filter = ["txn_type", "txn_at"]
    list_select_related = ["terminal"]
    search_fields = ["reference__exact"]  # the unique index (=reference: UPPER(), a full scan)
    ordering = ["-id"]
    readonly_fields = list_display


@admin.register(DormantPosReview)
class DormantPosReviewAdmin(NoAddMixin, NoDeleteMixin, ScopedAdmin):
    """The POS proposed for reclaim (by the monthly check, never added by hand): the branch visits
    the merchant and keeps or reclaims it, once."""

    list_display = ["terminal", "merchant", "branch", "as_of", "window_start", "outcome", "visited_on"]
    list_filter = ["outcome", "as_of", ("terminal__branch", ScopedBranchFilter)]
    list_select_related = ["terminal__merchant", "terminal__branch"]
    form = DormantPosDecisionForm

    @admin.display(description=gettext_lazy("merchant"))
    def merchant(self, review):
        return review.terminal.merchant

    @admin.display(description=gettext_lazy("branch"))
    def branch(self, review):
        return review.terminal.branch

    def has_change_permission(self, request, obj=None):
        decided = obj is not None and obj.outcome != DormantPosReview.Outcome.PENDING
        return not decided and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        return ["terminal", "as_of", "window_start", "visited_on", "visit_notes", "outcome", "decided_by"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["terminal", "as_of", "window_start", "decided_by"]
        if obj and obj.outcome != DormantPosReview.Outcome.PENDING:
            return [*fixed, "visited_on", "visit_notes", "outcome"]
        return fixed

    def save_model(self, request, obj, form, change):
        current = DormantPosReview.objects.get(pk=obj.pk)
        services.dormant_pos_decide(
            review=current,
            by=request.user,
            **{
                "outcome": form.cleaned_data["outcome"],
                "visited_on": form.cleaned_data["visited_on"],
                "notes": form.cleaned_data["visit_notes"],
            },
        )
