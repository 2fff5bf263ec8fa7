from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.org.admin_base import (
    NoDeleteMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedBranchFilter,
    form_page,
    warn_if_masked,
)

from . import selectors, services
from .forms import MediumReplaceForm, SpotCheckForm, SpotCheckRectifyForm, TicketHandleForm, TicketOpenForm
from .models import CalendarDay, Customer, SecurityMedium, SpotCheck, Ticket, Transfer


class MediumInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SecurityMedium
    fk_name = "customer"
    fields = ["kind", "serial_no", "issued_on", "status", "replaced_on", "reason"]
    readonly_fields = fields
    extra = 0


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["customer_no", "name", "kind", "branch", "signed_on", "status", "security_media"]
    list_filter = ["kind", "status", ("branch", ScopedBranchFilter), "signed_on"]
    list_select_related = ["branch"]
    search_fields = ["customer_no", "name"]
    ordering = ["-signed_on", "customer_no"]
    inlines = [MediumInline]


@admin.register(SecurityMedium)
class SecurityMediumAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ["customer", "kind", "serial_no", "issued_on", "status", "replaced_on", "reason"]
    list_filter = ["kind", "status"]
    list_select_related = ["customer"]
    search_fields = ["customer__customer_no", "customer__name", "serial_no"]
    readonly_fields = [
        "customer",
        "kind",
        "serial_no",
        "issued_on",
        "status",
        "replaced_on",
        "replaces",
        "reason",
    ]
    actions = ["replace"]

    def has_replace_permission(self, request):
        return request.user.has_perm("netbanking.add_securitymedium")

    @admin.action(description=gettext_lazy("Replace a lost or broken medium"), permissions=["replace"])
    def replace(self, request, queryset):
        form = MediumReplaceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for medium in queryset:
                try:
                    services.security_medium_replace(medium=medium, by=request.user, **form.cleaned_data)
                    self.message_user(
                        request,
                        _("%(medium)s of %(customer)s replaced.")
                        % {"medium": medium.get_kind_display(), "customer": medium.customer},
                    )
                except ValidationError as error:
                    self.message_user(
                        request, f"{medium.customer}: {' '.join(error.messages)}", messages.ERROR
                    )
            return None
        return form_page(
            self,
            request,
            title=_("Replace security media"),
            form=form,
            submit=_("Replace"),
            objects=queryset,
            action="replace",
        )


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "customer", "txn_at", "channel", "amount"]
    list_filter = ["channel", "txn_at"]
    list_select_related = ["customer"]
    search_fields = ["reference__exact"]  # the unique index (=reference: UPPER(), a full scan)
    ordering = ["-id"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("past the deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return model_admin_overdue(queryset)
        return queryset


def model_admin_overdue(queryset):
    if queryset.model is Ticket:
        return selectors.tickets_overdue(queryset=queryset)
    return selectors.spot_checks_overdue(queryset=queryset)


@admin.register(Ticket)
class TicketAdmin(NoDeleteMixin, ScopedAdmin):
    list_display = [
        "subject",
        "kind",
        "branch",
        "opened_at",
        "deadline",
        "status",
        "assigned_to",
        "is_overdue",
    ]
    list_filter = [OverdueFilter, "status", "kind", ("branch", ScopedBranchFilter), "opened_at"]
    list_select_related = ["branch", "assigned_to"]
    search_fields = ["subject", "customer__customer_no", "customer__name"]
    autocomplete_fields = ["customer"]
    ordering = ["-opened_at"]
    readonly_fields = [
        "kind",
        "branch",
        "customer",
        "subject",
        "description",
        "opened_at",
        "opened_by",
        "deadline",
        "status",
        "closed_at",
    ]

    @admin.display(description=gettext_lazy("overdue"))
    def is_overdue(self, ticket):
        late = ticket.status != Ticket.Status.CLOSED and ticket.deadline < timezone.localdate()
        return _("overdue") if late else ""

    def has_change_permission(self, request, obj=None):
        closed = obj is not None and obj.status == Ticket.Status.CLOSED
        return not closed and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = selectors.ticket_assignees(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = TicketHandleForm if obj else TicketOpenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(TicketOpenForm.Meta.fields)
        if obj.status == Ticket.Status.CLOSED:
            return [*self.readonly_fields, "assigned_to", "resolution"]
        return [*self.readonly_fields, "assigned_to", "resolution", "close"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("branch", request.user.branch_id)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data[name] for name in TicketOpenForm.Meta.fields}
            ticket = services.ticket_open(by=request.user, **fields)
            obj.pk = ticket.pk
            warn_if_masked(self, request, ticket)
            return
        current = Ticket.objects.get(pk=obj.pk)
        if form.cleaned_data.get("assigned_to") and form.cleaned_data["assigned_to"] != current.assigned_to:
            current = services.ticket_assign(
                ticket=current, to=form.cleaned_data["assigned_to"], by=request.user
            )
        if form.cleaned_data.get("close"):
            closed = services.ticket_close(
                ticket=current, resolution=form.cleaned_data["resolution"], by=request.user
            )
            warn_if_masked(self, request, closed)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        months = []
        year, month = today.year, today.month
        for _step in range(6):
            summary = selectors.tickets_month_summary(
                queryset=self.get_queryset(request), year=year, month=month
            )
            average = summary["average_handling"]
            summary["average_hours"] = round(average.total_seconds() / 3600, 1) if average else None
            months.append(summary)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return super().changelist_view(request, {**(extra_context or {}), "month_summaries": months})


@admin.register(SpotCheck)
class SpotCheckAdmin(NoDeleteMixin, ScopedAdmin):
    list_display = [
        "branch",
        "checked_on",
        "scope",
        "documents_checked",
        "has_findings",
        "rectify_by",
        "rectified_on",
        "deadline_met",
    ]
    list_filter = [OverdueFilter, ("branch", ScopedBranchFilter), "checked_on"]
    list_select_related = ["branch"]
    ordering = ["-checked_on"]

    @admin.display(description=gettext_lazy("findings"), boolean=True)
    def has_findings(self, check):
        return bool(check.findings)

    @admin.display(description=gettext_lazy("deadline met"), boolean=True)
    def deadline_met(self, check):
        return check.deadline_met

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = SpotCheckRectifyForm if obj else SpotCheckForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(SpotCheckForm.Meta.fields)
        return [*SpotCheckForm.Meta.fields, "checked_by", "rectified_on", "rectification"]

    def get_readonly_fields(self, request, obj=None):
        return [*SpotCheckForm.Meta.fields, "checked_by"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data[name] for name in SpotCheckForm.Meta.fields}
            check = services.spot_check_record(by=request.user, **fields)
            obj.pk = check.pk
            warn_if_masked(self, request, check)
        elif form.cleaned_data.get("rectified_on"):
            current = SpotCheck.objects.get(pk=obj.pk)
            check = services.spot_check_rectify(
                check=current,
                on=form.cleaned_data["rectified_on"],
                rectification=form.cleaned_data.get("rectification", ""),
                by=request.user,
            )
            warn_if_masked(self, request, check)
