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
    ]
    list_filter = ["kind", "status", "source"]
    list_select_related = ["started_by"]
    search_fields = ["file_name", "sha256"]

    @admin.display(description=gettext_lazy("extract"), ordering="kind")
    def kind_title(self, run):
        return run.kind_title

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:run_id>/progress/", wrap(self.progress_view), name="imports_importrun_progress"),
            path("<int:run_id>/confirm/", wrap(self.confirm_view), name="imports_importrun_confirm"),
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
            jobs.import_confirm(run=run, by=request.user)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[run.pk]))
