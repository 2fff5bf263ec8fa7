from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank.org.admin_base import AppendOnlyMixin, ScopedAdminMixin

from . import jobs, services
from .forms import UploadForm
from .models import ImportRun


def _needs_approval(run: ImportRun) -> bool:
    from .spec import extract_for

    try:
        return extract_for(run.kind).approval
    except LookupError:
        return False


class AwaitingApprovalFilter(admin.SimpleListFilter):
    title = gettext_lazy("four eyes")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("awaiting", _("awaiting approval")), ("decided", _("approved or rejected"))]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(status=ImportRun.Status.AWAITING_APPROVAL)
        if self.value() == "decided":
            return queryset.filter(decided_by__isnull=False)
        return queryset


@admin.register(ImportRun)
class ImportRunAdmin(AppendOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The record of every import; "add" uploads a file, the run's page checks and confirms it."""

    list_display = [
        "created_at",
        "kind_title",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "started_by",
        "source",
        "reason",
        "decided_by",
    ]
    list_filter = [AwaitingApprovalFilter, "kind", "status", "source"]
    list_select_related = ["started_by", "decided_by"]
    search_fields = ["file_name", "sha256"]

    @admin.display(description=gettext_lazy("extract"), ordering="kind")
    def kind_title(self, run):
        return run.kind_title

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:run_id>/progress/", wrap(self.progress_view), name="imports_importrun_progress"),
            path("<int:run_id>/confirm/", wrap(self.confirm_view), name="imports_importrun_confirm"),
            path("<int:run_id>/approve/", wrap(self.approve_view), name="imports_importrun_approve"),
            path("<int:run_id>/reject/", wrap(self.reject_view), name="imports_importrun_reject"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(
            request.POST or None, request.FILES or None, refused=getattr(request, "upload_refused", "")
        )
        if request.method == "POST" and form.is_valid():
            run = jobs.import_upload(
                kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"], by=request.user
            )
            return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[run.pk]))
        return TemplateResponse(
            request,
            "admin/imports/importrun/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Import an extract"),
                "form": form,
                "opts": self.model._meta,
            },
        )

    def _run(self, request, run_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=run_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        run = self._run(request, object_id)
        return TemplateResponse(
            request,
            "admin/imports/importrun/run.html",
            {
                **self.admin_site.each_context(request),
                "title": str(run),
                "run": run,
                "errors": services.import_run_errors_labelled(run=run),
                "preview": services.import_run_preview_labelled(run=run),
                "same_file_imported": self.get_queryset(request)
                .filter(sha256=run.sha256, kind=run.kind, status=ImportRun.Status.DONE)
                .exclude(pk=run.pk)
                .first(),
                "opts": self.model._meta,
                "can_confirm": self.has_add_permission(request)
                and run.status == ImportRun.Status.VALID
                and not run.dry_run,
                "progress": services.import_run_progress(run_id=run.pk),
                "needs_approval": _needs_approval(run),
                "can_decide": run.status == ImportRun.Status.AWAITING_APPROVAL
                and request.user.has_perm("imports.approve_importrun")
                and run.started_by_id != request.user.pk,
            },
        )

    def progress_view(self, request, run_id):
        run = self._run(request, run_id)
        return JsonResponse(
            {"status": run.status, "finished": run.finished, **services.import_run_progress(run_id=run.pk)}
        )

    def confirm_view(self, request, run_id):
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        run = self._run(request, run_id)
        try:
            run = jobs.import_confirm(run=run, by=request.user, reason=request.POST.get("reason", ""))
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            if run.status == ImportRun.Status.AWAITING_APPROVAL:
                self.message_user(
                    request, _("Submitted: a union manager approves the change before it applies.")
                )
        return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[run.pk]))

    def _decision(self, request, run_id, decide, done: str):
        if request.method != "POST" or not request.user.has_perm("imports.approve_importrun"):
            raise PermissionDenied
        run = self._run(request, run_id)
        try:
            decide(run)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done)
        return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[run.pk]))

    def approve_view(self, request, run_id):
        """A union manager approves a change of the targets or the plan: it is applied now."""
        return self._decision(
            request,
            run_id,
            lambda run: jobs.import_approve(run=run, by=request.user),
            _("Approved: the change applies."),
        )

    def reject_view(self, request, run_id):
        """A union manager rejects it, with the reason: nothing changes."""
        return self._decision(
            request,
            run_id,
            lambda run: services.import_run_reject(
                run=run, by=request.user, reason=request.POST.get("rejection", "")
            ),
            _("Rejected: nothing changes."),
        )
