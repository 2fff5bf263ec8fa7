"""The admin class every area's admin builds on: scoped, on record, light on big tables."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from ebank import pii
from ebank.paginator import EstimatedCountPaginator

from .scoping import branch_lookup, scope_queryset


class ScopedAdminMixin:
    """Scope a ModelAdmin's rows and foreign-key choices to what its user may see.

    Changelists, change and delete views, actions, exports and autocomplete read `get_queryset`;
    foreign-key choices read `formfield_for_foreignkey`.

    A full card or ID number typed into the search box never stands in a URL: the page posts it
    to /search/ (templates/admin/base_site.html), which comes back with `?q=hash:<its keyed hash>`
    (as ebank/middleware.py answers a number typed into the URL itself), looked up in
    `hash_search_fields` (by default the model's own `…_hash` fields).
    """

    hash_search_fields: tuple[str, ...] | None = None
    # Lists page without a COUNT(*) over millions of rows (an estimate past 10,000 rows).
    show_full_result_count = False
    list_per_page = 50
    paginator = EstimatedCountPaginator

    def get_queryset(self, request):
        return scope_queryset(user=request.user, queryset=super().get_queryset(request))

    def _hash_search_fields(self) -> tuple[str, ...]:
        if self.hash_search_fields is not None:
            return self.hash_search_fields
        return tuple(f.name for f in self.model._meta.concrete_fields if f.name.endswith("_hash"))

    def get_search_results(self, request, queryset, search_term):
        if search_term.startswith(pii.HASHED_TERM):
            digest, matches = search_term[len(pii.HASHED_TERM) :], models.Q()
            for field in self._hash_search_fields():
                matches |= models.Q(**{field: digest})
            return (queryset.filter(matches) if matches else queryset.none()), False
        return super().get_search_results(request, queryset, search_term)

    def _scope_choices(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs and branch_lookup(related) is not None:
            kwargs["queryset"] = scope_queryset(user=request.user, queryset=related._default_manager.all())
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HistoryValues(HistoricalRecordContextHelper):
    """Show a history's before/after as people read them: 是/否, choice labels, a dash for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"  # simple-history stands an empty foreign key in as a "deleted" object
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, datetime.date):
            return formats.localize(value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The admin of a model with a history: scoped, history pages scoped too, light on big tables."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(self.model, historical_record)

    def _object_in_scope_or_404(self, request, object_id):
        pk_name = self.model._meta.pk.attname
        if self.get_queryset(request).filter(**{pk_name: object_id}).exists():
            return
        # A deleted object's history is shown to whoever may see its last recorded state.
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        records = scope_queryset(user=request.user, queryset=history.all())
        latest = records.filter(**{pk_name: object_id}).order_by("-history_date").first()
        if latest is None or latest.history_type != "-":
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._object_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is shown, never saved back: simple-history's page would save a POST
        # (a revert) even with reverting disabled, bypassing the services and their reasons.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._object_in_scope_or_404(request, object_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoAddMixin:
    """Rows that come from an extract or that the system makes: never added in the admin."""

    def has_add_permission(self, request, obj=None):
        return False


class NoChangeMixin:
    """Rows never changed in place (a register corrects by a new entry, a run by a new run)."""

    def has_change_permission(self, request, obj=None):
        return False


class NoDeleteMixin:
    """Rows never deleted: the history and the rows that refer to them keep them."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(NoAddMixin, NoChangeMixin, NoDeleteMixin):
    """Rows written only by imports or by the system: read in the admin, never added, changed or
    deleted there."""


class FromExtractMixin(NoAddMixin, NoDeleteMixin):
    """Rows that come from the core banking extracts; what the department changes on them are
    services (actions with a date and a reason)."""


class AppendOnlyMixin(NoChangeMixin, NoDeleteMixin):
    """Rows added, then only read: an entry, a run, an import."""


class ChangedByActionsOnlyMixin:
    """For records whose changes are services (actions with a date and a reason): the change
    permission lets a user run the actions, but a record's own page is read-only."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)


class ScopedBranchFilter(admin.RelatedFieldListFilter):
    """A branch filter that offers only the branches the user may see (and no COUNT per branch)."""

    def field_choices(self, field, request, model_admin):
        from .scoping import scoped_branches

        return [(branch.pk, str(branch)) for branch in scoped_branches(user=request.user)]


def form_page(model_admin, request, *, title, form, submit, objects=(), action: str = ""):
    """The admin page that asks for a form before acting: an action's date and reason (`action`
    names the action, `objects` the rows it acts on), a year to assess, a confirmation."""
    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": objects,
            "action": action,
            "opts": model_admin.model._meta,
            "submit": submit,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME if action else "",
        },
    )


def warn_if_masked(model_admin, request, obj) -> None:
    """Tell the user that a card or ID number they typed into free text was kept masked."""
    fields = getattr(obj, "masked_fields", None)
    if fields:
        model_admin.message_user(
            request,
            _("A card or ID number typed into %(fields)s was kept masked: registers never keep one in clear.")
            % {"fields": "、".join(f"“{field}”" for field in fields)},
            messages.WARNING,
        )
