"""The registers in the admin: enter, read, correct (a new entry), void (staff) — never edit or
delete; print a month as the paper register is filed. One admin class serves every declared
register; what differs between registers comes from its declaration (declarations.py)."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.dates import year_problem
from ebank.org.admin_base import AppendOnlyMixin, ScopedAdminMixin, ScopedBranchFilter, warn_if_masked
from ebank.org.scoping import scoped_branches

from . import services
from .declarations import declaration_for, registers
from .printing import completed_values, logbook_month_pdf
from .selectors import confirmations_waiting, with_confirmation


def _late_text(entry) -> str:
    hours = entry.lateness.total_seconds() / 3600
    return _("Late entry: entered %(hours)s hours after the event.") % {"hours": f"{hours:.1f}"}


class AwaitingConfirmationFilter(admin.SimpleListFilter):
    title = gettext_lazy("confirmation")
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [("1", _("awaiting confirmation")), ("0", _("confirmed"))]

    def queryset(self, request, queryset):
        field = declaration_for(queryset.model).second_person
        if self.value() == "1":
            return confirmations_waiting(queryset=queryset, second_person=field)
        if self.value() == "0":
            return queryset.filter(confirmed_at__isnull=False)
        return queryset


class CorrectionForm(forms.Form):
    correction_reason = forms.CharField(label=gettext_lazy("reason for the correction"), max_length=200)


class VoidForm(forms.Form):
    correction_reason = forms.CharField(label=gettext_lazy("reason for voiding"), max_length=200)


class PhotoInput(forms.ClearableFileInput):
    """Photos from the phone's camera (or its gallery), several at once."""

    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos; each is checked as an image by the form (photos_check), not here."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}),
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(PhotoField, self).clean(one, initial) for one in files]


def _with_photos(form_class, model):
    """The entry form with its photos: checked with the rest of the form, so that a refused photo
    saves nothing; `form.photos_checked` holds them for the save."""

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        already = 0  # a new entry, or a correction: a new entry too
        try:
            self.photos_checked = services.photos_check(model=model, uploads=uploads, already=already)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return uploads

    return type(
        f"{form_class.__name__}WithPhotos",
        (form_class,),
        {
            "photos": PhotoField(
                label=gettext_lazy("photos"),
                help_text=gettext_lazy(
                    "Take or choose up to %(n)s photos (JPEG, PNG or WebP, %(mb)s MB each)."
                )
                % {"n": settings.PHOTO_MAX_PER_ENTRY, "mb": settings.PHOTO_MAX_MB},
            ),
            "clean_photos": clean_photos,
        },
    )


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes back what was typed: a card number sent with a form that had
    an error does not come back in the page."""

    def format_value(self, value):
        return None


def _write_only_form(declaration):
    """The add form of a register with write-only values: each typed in a box that never writes
    it back, checked by the declaration without repeating it."""
    fields = {
        name: forms.CharField(
            label=spec.label,
            max_length=spec.max_length,
            widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": spec.input_mode}),
        )
        for name, spec in declaration.write_only.items()
    }

    def make_clean(name, spec):
        def clean(form):
            try:
                return spec.check(form.cleaned_data[name])
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None

        return clean

    cleans = {f"clean_{name}": make_clean(name, spec) for name, spec in declaration.write_only.items()}
    return type(f"{declaration.model.__name__}AddForm", (forms.ModelForm,), {**fields, **cleans})


class LogbookAdmin(AppendOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """One admin for every register: the list shows originals, corrections and voids alike."""

    list_select_related = ["branch", "entered_by"]
    date_hierarchy = None
    ordering = ["-occurred_at", "-id"]
    change_list_template = "admin/registers/change_list.html"
    change_form_template = "admin/registers/change_form.html"

    @property
    def declaration(self):
        return declaration_for(self.model)

    def _shown(self) -> list[str]:
        """The stored forms of the write-only values (a card number's masked form)."""
        return [spec.shown for spec in self.declaration.write_only.values()]

    def get_list_display(self, request):
        place = self.declaration.place.field
        skipped = (place, "branch", "occurred_at")
        own = [*self._shown(), *(name for name in self.model.entry_fields if name not in skipped)][:4]
        own = [self._column(name) for name in own]
        # Whether an entry was corrected comes early: on a phone the later columns are off-screen.
        confirmed = ["confirmation"] if self.declaration.second_person else []
        return ["occurred_at", "standing", *confirmed, place, *own, "entered_by", "entered_at"]

    @admin.display(description=gettext_lazy("confirmation"))
    def confirmation(self, entry):
        """复核: who confirmed and when, or 待复核 while the second person has not."""
        if entry.is_void or getattr(entry, self.declaration.second_person + "_id") is None:
            return self.get_empty_value_display()
        if entry.confirmed_at is None:
            return format_html('<span class="awaiting">{}</span>', _("awaiting confirmation"))
        who = entry.confirmed_by_name or entry.confirmed_by_username
        return f"✓ {who} {timezone.localtime(entry.confirmed_at):%m-%d %H:%M}"

    def _column(self, name: str):
        """A list column: the field, or — when a later record may fill it in (a fault's
        clearance) — the value from that record where the entry's own is empty."""
        if self.declaration.completed_by is None:
            return name
        field = self.model._meta.get_field(name)

        @admin.display(description=field.verbose_name, ordering=name)
        def column(entry):
            value = completed_values(self.declaration, entry).get(name) or getattr(entry, name)
            if isinstance(value, datetime.datetime):
                return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
            if field.choices:
                return dict(field.flatchoices).get(value, value)
            return value if value not in (None, "") else self.get_empty_value_display()

        column.__name__ = name
        return column

    def get_search_fields(self, request):
        # A register of cards is searched by a card's last four digits, or its full number (by hash).
        return self._shown()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if self._shown() and term.isdigit() and len(term) == 4:
            # The last four digits of a card: the end of its masked number, not any four digits.
            matches = Q()
            for field in self._shown():
                matches |= Q(**{f"{field}__endswith": term})
            return queryset.filter(matches), False
        return super().get_search_results(request, queryset, search_term)

    @property
    def search_help_text(self):
        if self.declaration.write_only:
            return _("Type a card's last four digits, or its full number.")
        return None

    def get_list_filter(self, request):
        confirmation = [AwaitingConfirmationFilter] if self.declaration.second_person else []
        return [("branch", ScopedBranchFilter), "occurred_at", *confirmation, "is_late", "is_void"]

    def get_list_select_related(self, request):
        place = self.declaration.place
        return ["branch", "entered_by"] if place.is_branch else ["branch", "entered_by", place.field]

    @admin.display(description=gettext_lazy("standing"))
    def standing(self, entry):
        later = [amendment.pk for amendment in entry.amendments.all()]
        if entry.is_void:
            text = format_html("{} #{}", _("voids"), entry.amends_id)
        elif entry.amends_id:
            text = format_html("{} #{}", _("corrects"), entry.amends_id)
        else:
            text = ""
        if entry.is_late:
            text = format_html('<span class="late-entry">{}</span> {}', _("late entry"), text)
        if getattr(entry, "on_site", False):
            text = format_html('<span class="on-site">{}</span> {}', _("scanned on site"), text)
        if later:
            text = format_html("{} {} #{}", text, _("superseded by"), later[0])
        return text

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("amendments", *self.declaration.prefetch)
        if self.declaration.second_person:
            queryset = with_confirmation(queryset=queryset)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        """The entry as its page shows it (read only: entries are never edited): the columns a later
        record fills in (a fault's clearance) show that record's values where its own are empty,
        as the list and the printed register do."""
        entry = super().get_object(request, object_id, from_field)
        if entry is not None and self.declaration.completed_by is not None:
            for name, value in completed_values(self.declaration, entry).items():
                if getattr(entry, name) in (None, ""):
                    setattr(entry, name, value)
        return entry

    def get_actions(self, request):
        return {}

    def get_fields(self, request, obj=None):
        fields = list(self.model.entry_fields)
        if obj is None:
            for name in self.declaration.write_only:  # typed right after the place and the time
                fields.insert(2, name)
            return [*fields, "photos"] if self.declaration.photos else fields
        system = ["branch", "entered_by", "entered_at", "is_late", "amends", "correction_reason", "is_void"]
        confirmed = ["confirmation"] if self.declaration.second_person else []
        photos = ["photos_shown"] if self.declaration.photos else []
        return [*fields, *self._shown(), *photos, *confirmed, *[f for f in system if f not in fields]]

    @admin.display(description=gettext_lazy("photos"))
    def photos_shown(self, entry):
        """The entry's photos (and those of the entries it corrects), each a thumbnail that opens
        the picture, through the scoped view."""
        photos = list(services.photos_of(entry))
        if not photos:
            return self.get_empty_value_display()
        return format_html_join(
            " ",
            '<a href="{}" class="entry-photo" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" loading="lazy"></a>',
            (
                (
                    reverse("register-photo", args=[photo.pk]),
                    reverse("register-photo-thumbnail", args=[photo.pk]),
                    _("photo #%(id)d, SHA-256 %(sha)s") % {"id": photo.pk, "sha": photo.sha256[:12]},
                )
                for photo in photos
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.declaration.write_only and obj is None:
            kwargs["form"] = _write_only_form(self.declaration)
        if self.declaration.photos and obj is None:
            kwargs["form"] = _with_photos(kwargs.get("form", self.form), self.model)
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.declaration.second_person:
            # Someone else who works at the user's branches, by name.
            kwargs["queryset"] = (
                db_field.related_model.objects.filter(
                    is_active=True, branch__in=scoped_branches(user=request.user)
                )
                .exclude(pk=request.user.pk)
                .order_by("branch__code", "username")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.required = True
            field.label_from_instance = lambda user: (
                f"{user.get_full_name() or user.username}（{user.username}）"
            )
            return field
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        place = self.declaration.place
        if db_field.name == place.field and place.choices is not None:
            field.queryset = place.open(place.choices(request.user))
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop(self.declaration.second_person, None)  # never named by a link
        now = timezone.localtime()
        # A link may name the day (a missed inspection): the entry is then for that day.
        initial.pop("occurred_at", None)
        day = parse_date(request.GET.get("occurred_at", "") or "")
        if day is not None and day < now.date():
            initial["occurred_at"] = self._on_day(day, request, now)
        initial.setdefault("occurred_at", now.replace(second=0, microsecond=0))
        if "branch" in self.model.entry_fields and request.user.branch_id:
            initial.setdefault("branch", request.user.branch_id)
        if self.declaration.initial is not None:
            for name, value in self.declaration.initial(request, now).items():
                initial.setdefault(name, value)
        return initial

    def _on_day(self, day, request, now):
        """A time on a past day for a new entry: the opening of the window the link names, if the
        register has windows (declaration.window_of), else the current time of day."""
        window = self.declaration.window_of
        start = window(request.GET.get("shift", "")) if window is not None else None
        moment = datetime.datetime.combine(day, start or now.time().replace(second=0, microsecond=0))
        return timezone.make_aware(moment)

    def save_model(self, request, obj, form, change):
        names = [*self.model.entry_fields, *self.declaration.write_only]
        fields = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        if self.declaration.from_request is not None:
            fields.update(self.declaration.from_request(request, fields))
        # The form has run the model's checks; the service adds who, when, and the scope.
        entry = services.logbook_enter(model=self.model, by=request.user, **fields)
        obj.pk, obj.is_late, obj.entered_at = entry.pk, entry.is_late, entry.entered_at
        services.photos_attach(entry=entry, processed=getattr(form, "photos_checked", []), by=request.user)
        warn_if_masked(self, request, entry)

    def construct_change_message(self, request, form, formsets, add=False):
        """The history of an entry says when it was entered late (补录), and how late."""
        entry = form.instance
        if add and entry.is_late:
            return f"{_('Added.')} {_late_text(entry)}"
        return super().construct_change_message(request, form, formsets, add)

    def response_add(self, request, obj, post_url_continue=None):
        """Saved: back where the entry was started from when that page said so (今日 links here
        with ?next=/today/), else to the register as Django does."""
        response = super().response_add(request, obj, post_url_continue)
        back = request.GET.get("next", "")
        staying = any(key in request.POST for key in ("_continue", "_addanother", "_popup"))
        if (
            back
            and not staying
            and url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return HttpResponseRedirect(back)
        return response

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
            path(
                "<int:entry_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="%s_%s_confirm" % info,
            ),
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
        files = request.FILES if request.method == "POST" else None
        form, reason = (
            EntryForm(data, files, instance=None, initial=forms.model_to_dict(entry, fields)),
            CorrectionForm(data),
        )
        # The form's model checks see the entry as the correction it is (a correction of an
        # inspection is not a second inspection of its window).
        form.instance.amends = entry
        if data is not None and form.is_valid() and reason.is_valid():
            try:
                with transaction.atomic():
                    new = services.logbook_amend(
                        entry=entry,
                        by=request.user,
                        reason=reason.cleaned_data["correction_reason"],
                        **{name: form.cleaned_data[name] for name in fields},
                    )
                    services.photos_attach(
                        entry=new, processed=getattr(form, "photos_checked", []), by=request.user
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
            "admin/registers/entry_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "entry": entry,
                "title": _("Correct entry #%(id)d") % {"id": entry.pk},
                "forms": [form, reason],
                "media": self.media + form.media,
            },
        )

    def confirm_view(self, request, entry_id):
        """复核: the second person confirms the entry with their own login (a POST from its page)."""
        entry = self._entry(request, entry_id)
        if request.method == "POST":
            try:
                services.logbook_confirm(entry=entry, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Entry #%(id)d confirmed.") % {"id": entry.pk})
        info = self.model._meta.app_label, self.model._meta.model_name
        return HttpResponseRedirect(reverse("admin:%s_%s_change" % info, args=[entry.pk]))

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
            "admin/registers/entry_form.html",
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
        place = self.declaration.place
        if place.is_branch:
            choices = scoped_branches(user=request.user)
        else:
            choices = place.choices(request.user).select_related("branch")
        context = {
            **(extra_context or {}),
            "logbook_print": {
                "month": f"{timezone.localdate():%Y-%m}",
                "param": place.field,
                "label": self.model._meta.get_field(place.field).verbose_name,
                "choices": [(choice.pk, str(choice)) for choice in choices],
            },
        }
        if self.declaration.summary is not None:
            context["register_summary"] = self.declaration.summary(request)
            context["register_summary_template"] = self.declaration.summary_template
        return super().changelist_view(request, context)

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
            if not problem and (year, month) > (today.year, today.month):
                problem = _("%(month)s has not begun: nothing to print yet.") % {
                    "month": f"{year}-{month:02d}"
                }
            if problem:
                self.message_user(request, problem, messages.ERROR)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
                )
        entries = self.get_queryset(request)
        place = self.declaration.place
        if place.is_branch:
            chosen = get_object_or_404(scoped_branches(user=request.user), pk=request.GET.get("branch") or 0)
            entries, named = entries.filter(branch=chosen), str(chosen)
        else:
            chosen = get_object_or_404(place.choices(request.user), pk=request.GET.get(place.field) or 0)
            entries, named = entries.filter(**{place.field: chosen}), f"{chosen.branch}　{chosen}"
        pdf = logbook_month_pdf(queryset=entries, year=year, month=month, place=named)
        name = f"{self.model._meta.model_name}-{year}-{month:02d}.pdf"
        return HttpResponse(
            pdf,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _may_confirm(self, entry, user) -> bool:
        field = self.declaration.second_person
        return bool(field) and getattr(entry, f"{field}_id") == user.pk and entry.confirmed_at is None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        entry = self.get_object(request, object_id)
        current = entry is not None and not entry.is_void and not entry.amendments.exists()
        extra_context = {
            **(extra_context or {}),
            "logbook": True,
            "may_correct": current and self.has_add_permission(request),
            "may_void": current and services.logbook_may_void(user=request.user),
            "entry_links": (
                self.declaration.links(entry, request.user)
                if entry is not None and self.declaration.links
                else []
            ),
            "may_confirm": current and self._may_confirm(entry, request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)


for declaration in registers():
    admin.site.register(declaration.model, LogbookAdmin)
