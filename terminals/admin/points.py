"""The service points' admin: the register of points (each with its last visit, last transaction,
last 30 days and dormancy), closing and reopening one with a day and a reason, and their
transactions."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank import formatting
from ebank.org.admin_base import (
    ChangedByActionsOnlyMixin,
    FromExtractMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedBranchFilter,
)

from .. import selectors, services
from ..models import ServicePoint, ServicePointEvent, ServicePointTxn
from .fleet import _dated_action


class DormantFilter(admin.SimpleListFilter):
    title = gettext_lazy("no transaction for three months")
    parameter_name = "dormant"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(dormant=self.value() == "1")
        return queryset


class EventInline(admin.TabularInline):
    """The point's closures and reopenings, read only (the actions add them)."""

    model = ServicePointEvent
    fields = readonly_fields = ["kind", "on", "reason", "recorded_by", "recorded_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServicePoint)
class ServicePointAdmin(ChangedByActionsOnlyMixin, FromExtractMixin, ScopedAdmin):
    list_display = [
        "point_no",
        "name",
        "village",
        "device",
        "branch",
        "status",
        "last_visit",
        "last_txn",
        "volume_30_days",
        "is_dormant",
    ]
    list_filter = ["status", DormantFilter, "device", ("branch", ScopedBranchFilter)]
    list_select_related = ["branch"]
    search_fields = ["point_no", "name", "village"]
    readonly_fields = [
        "point_no",
        "name",
        "branch",
        "village",
        "device",
        "opened_on",
        "status",
        "closed_on",
        "last_visit",
        "last_txn",
        "volume_30_days",
        "is_dormant",
    ]
    actions = ["close", "reopen"]
    inlines = [EventInline]

    def get_queryset(self, request):
        return selectors.service_point_register(
            queryset=super().get_queryset(request), today=timezone.localdate()
        )

    @admin.display(description=gettext_lazy("last visit"), ordering="last_visit")
    def last_visit(self, point):
        return f"{timezone.localtime(point.last_visit):%Y-%m-%d}" if point.last_visit else "—"

    @admin.display(description=gettext_lazy("last transaction"), ordering="last_txn")
    def last_txn(self, point):
        return f"{timezone.localtime(point.last_txn):%Y-%m-%d}" if point.last_txn else "—"

    @admin.display(description=gettext_lazy("last 30 days"), ordering="txns_30_days")
    def volume_30_days(self, point):
        return _("%(count)s, withdrawals %(amount)s yuan") % {
            "count": formatting.count(point.txns_30_days, "笔"),
            "amount": formatting.amount(point.withdrawn_30_days),
        }

    @admin.display(description=gettext_lazy("dormant"), boolean=True, ordering="dormant")
    def is_dormant(self, point):
        return point.dormant

    @admin.action(description=gettext_lazy("Close the service point"), permissions=["change"])
    def close(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="close",
            title=_("Close service points"),
            submit=_("Close"),
            service=lambda p, **kw: services.service_point_close(point=p, **kw),
        )

    @admin.action(description=gettext_lazy("Reopen the service point"), permissions=["change"])
    def reopen(self, request, queryset):
        return _dated_action(
            self,
            request,
            queryset,
            action="reopen",
            title=_("Reopen service points"),
            submit=_("Reopen"),
            service=lambda p, **kw: services.service_point_reopen(point=p, **kw),
        )


@admin.register(ServicePointTxn)
class ServicePointTxnAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "point", "txn_at", "txn_type", "amount", "card_masked"]
    list_filter = ["txn_type", "txn_at"]
    list_select_related = ["point"]
    search_fields = ["reference__exact"]  # the unique index (=reference: UPPER(), a full scan)
    ordering = ["-id"]
    readonly_fields = list_display


@admin.register(ServicePointEvent)
class ServicePointEventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["point", "kind", "on", "reason", "recorded_by", "recorded_at"]
    list_filter = ["kind", "on"]
    list_select_related = ["point", "recorded_by"]
    readonly_fields = list_display
