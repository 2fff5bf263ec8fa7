from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ebank import formatting
from ebank.dates import year_problem
from ebank.exports import csv_download
from ebank.imports.models import ImportRun
from ebank.org.admin_base import (
    AppendOnlyMixin,
    NoDeleteMixin,
    ReadOnlyAdminMixin,
    ScopedAdmin,
    ScopedAdminMixin,
    ScopedBranchFilter,
    form_page,
)
from ebank.org.roles import Role
from ebank.org.scoping import scope_queryset, scoped_branches

from . import exports, jobs, selectors, services
from .metrics import BY_CODE
from .models import (
    Appeal,
    AssessmentPublication,
    AssessmentResult,
    AssessmentRun,
    PlanItem,
    Policy,
    Target,
    YearSummary,
)
from .summary import render as summary_render
from .summary import services as summary_services
from .summary.selectors import year_summary_document


class ProposedChangeForm(forms.ModelForm):
    """A change typed on the page is checked as a row of its extract and submitted for approval
    (four eyes) once the form is otherwise valid (its unique key included): the form shows the
    extract's refusal; nothing is saved here."""

    user = None  # set by the admin's get_form
    proposed = None  # the change awaiting approval (an ImportRun), once submitted

    def propose(self, cleaned) -> object:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()  # the model's own checks and its unique key, before anything is submitted
        if self.errors:
            return
        try:
            self.proposed = self.propose(self.cleaned_data)
        except ValueError as error:
            self.add_error(None, str(error))


class ProposedChangeAdminMixin:
    """Four eyes on a page's change: submitted, not saved; the page goes on to the change awaiting
    approval (ebank/imports), which a union manager approves or rejects."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        pass  # applied on approval, through the extract

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        pass  # the change is on record as the import awaiting approval

    def log_change(self, request, obj, message):
        pass

    def _to_the_change(self, request, form):
        run = form.proposed
        if run is None:
            self.message_user(request, _("Nothing changed."), messages.INFO)
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        self.message_user(
            request,
            _("Submitted for approval (#%(id)d): nothing changes until a union manager approves it.")
            % {"id": run.pk},
        )
        return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[run.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_the_change(request, request.proposed_form)

    def response_change(self, request, obj):
        return self._to_the_change(request, request.proposed_form)

    def construct_change_message(self, request, form, formsets, add=False):
        request.proposed_form = form  # the request's, not the shared admin's: one per request
        return super().construct_change_message(request, form, formsets, add)


class PlanItemForm(ProposedChangeForm):
    class Meta:
        model = PlanItem
        fields = ["year", "metric", "mode", "weight", "cap"]

    def clean(self):
        cleaned = self.cleaned_data
        for year in {self.instance.year, cleaned.get("year")} - {None}:
            if publication := selectors.assessment_lock(year=year):
                raise forms.ValidationError(selectors.assessment_lock_message(publication))
        return super().clean()

    def propose(self, cleaned):
        values = {
            "year": cleaned["year"],
            "metric": cleaned["metric"],
            "weight": cleaned["weight"],
            "cap": "" if cleaned.get("cap") is None else cleaned["cap"],
            "mode": cleaned.get("mode") or PlanItem.Mode.TARGET,
        }
        return services.plan_change_propose(values=values, reason="", by=self.user)


@admin.register(PlanItem)
class PlanItemAdmin(ProposedChangeAdminMixin, ScopedAdmin):
    """考核办法: a year's lines. A line added or changed here waits for a union manager's approval
    (four eyes); the plan is locked once a quarter of the year is published."""

    form = PlanItemForm
    list_display = ["year", "metric", "mode", "weight", "cap"]
    list_filter = ["year", "mode"]

    def has_delete_permission(self, request, obj=None):
        return False  # a line is changed through an approved change, never removed in place


class TargetForm(ProposedChangeForm):
    class Meta:
        model = Target
        fields = ["year", "quarter", "branch", "metric", "target", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "metric" in self.fields:  # a deduction has no target
            self.fields["metric"].choices = [
                (code, label)
                for code, label in self.fields["metric"].choices
                if not code or BY_CODE[code].assessable
            ]

    def clean(self):
        cleaned = self.cleaned_data
        year = self.instance.year if self.instance.pk else cleaned.get("year")
        quarter = self.instance.quarter if self.instance.pk else cleaned.get("quarter")
        branch = self.instance.branch if self.instance.pk else cleaned.get("branch")
        publication = (
            selectors.assessment_lock(year=year, quarter=quarter, branch_id=branch.pk if branch else None)
            if year and quarter
            else None
        )
        if publication:
            raise forms.ValidationError(selectors.assessment_lock_message(publication))
        if self.instance.pk and cleaned.get("target") != self.instance.target and not cleaned.get("reason"):
            self.add_error("reason", _("Say why the target is revised."))
        return super().clean()

    def propose(self, cleaned):
        target = self.instance if self.instance.pk else None
        fields = ("year", "quarter", "branch", "metric")
        key = target or Target(**{name: cleaned.get(name) for name in fields})
        values = {
            "year": key.year,
            "quarter": key.quarter,
            "branch_code": key.branch.code,
            "metric": key.metric,
            "target": cleaned["target"],
        }
        return services.target_change_propose(
            target=target, values=values, reason=cleaned.get("reason") or "", by=self.user
        )


@admin.register(Target)
class TargetAdmin(ProposedChangeAdminMixin, ScopedAdmin):
    """任务分解表: opens as a matrix (branches × metrics for a year and quarter, the union's plan as
    the totals row) where staff type or paste values; the list of every target stays a click away.
    A revision needs its reason, and the history keeps the old value; a target's year, quarter,
    branch and metric never change."""

    form = TargetForm
    list_display = ["year", "quarter", "branch", "metric_name", "target", "reason"]
    list_filter = ["year", "quarter", ("branch", ScopedBranchFilter), "metric"]
    list_select_related = ["branch"]
    autocomplete_fields = ["branch"]
    change_list_template = "admin/reports/target/change_list.html"

    @admin.display(description=gettext_lazy("metric"), ordering="metric")
    def metric_name(self, target):
        return formatting.metric_label(BY_CODE[target.metric])

    def get_readonly_fields(self, request, obj=None):
        return ["year", "quarter", "branch", "metric"] if obj is not None else []

    def get_urls(self):
        return [
            path("matrix/", self.admin_site.admin_view(self.matrix_view), name="reports_target_matrix"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # Opened from the menu (no filter, no search): the matrix; the list keeps its filters.
        if set(request.GET) <= {"year", "quarter"}:
            return self.matrix_view(request)
        return super().changelist_view(request, extra_context)

    def matrix_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year") or request.POST.get("year") or today.year)
            quarter = int(request.GET.get("quarter") or request.POST.get("quarter") or 1)
        except ValueError:
            year, quarter = today.year, 1
        if year_problem(year) or quarter not in (1, 2, 3, 4):
            self.message_user(
                request, _("Choose a year from 2000 to 2099 and a quarter from 1 to 4."), messages.ERROR
            )
            year, quarter = today.year, 1
        may_edit = self.has_change_permission(request) and self.has_add_permission(request)
        branches = scoped_branches(user=request.user)
        matrix = selectors.targets_matrix(year=year, quarter=quarter, branches=branches)
        posted, problems, reason = {}, {}, ""
        if request.method == "POST":
            if not may_edit:
                raise PermissionDenied
            codes = {branch.code for branch in matrix["branches"]}
            posted = {
                (code, metric): request.POST.get(f"cell-{code}-{metric}", "")
                for code in codes
                for metric in matrix["metrics"]
            }
            reason = request.POST.get("reason", "")
            change, problems = services.targets_matrix_save(
                year=year, quarter=quarter, values=posted, reason=reason, by=request.user
            )
            if not problems:
                if change is None:
                    self.message_user(request, _("Nothing changed."), messages.INFO)
                    return HttpResponseRedirect(
                        f"{reverse('admin:reports_target_matrix')}?year={year}&quarter={quarter}"
                    )
                self.message_user(
                    request,
                    _(
                        "Submitted for approval (#%(id)d): %(created)d targets added, %(updated)d "
                        "revised once a union manager approves."
                    )
                    % {"id": change.pk, "created": change.created, "updated": change.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:imports_importrun_change", args=[change.pk]))
            self.message_user(
                request, _("Nothing was saved: correct the cells marked below."), messages.ERROR
            )
        names = {branch.code: branch.name for branch in matrix["branches"]}
        rows = []
        for branch in matrix["branches"]:
            cells = []
            for code in matrix["metrics"]:
                target = matrix["cells"].get((branch.pk, code))
                key = (branch.code, code)
                cells.append(
                    {
                        "name": f"cell-{branch.code}-{code}",
                        "label": f"{branch.name} {formatting.metric_label(BY_CODE[code])}",
                        "target": target,
                        "value": posted.get(key, "" if target is None else f"{target.target.normalize():f}"),
                        "shown": "" if target is None else _target_text(code, target.target),
                        "problems": problems.get(key, []),
                    }
                )
            rows.append({"branch": branch, "cells": cells})
        columns = [
            {
                "code": code,
                "label": formatting.metric_label(BY_CODE[code]),
                "unit": _("yuan")
                if BY_CODE[code].amount
                else formatting.unit_of_measure(BY_CODE[code].measure),
                "total": "—"
                if matrix["totals"][code] is None
                else _target_text(code, matrix["totals"][code]),
            }
            for code in matrix["metrics"]
        ]
        listed = [
            _("%(branch)s · %(metric)s: %(problem)s")
            % {
                "branch": names.get(code, code),
                "metric": formatting.metric_label(BY_CODE[metric]),
                "problem": p,
            }
            for (code, metric), found in problems.items()
            if code is not None
            for p in found
        ]
        return TemplateResponse(
            request,
            "admin/reports/target/matrix.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Target breakdown %(year)d Q%(quarter)d") % {"year": year, "quarter": quarter},
                "opts": self.model._meta,
                "year": year,
                "quarter": quarter,
                # The years with a plan or targets, this year and the next.
                "years": sorted(
                    {
                        *PlanItem.objects.values_list("year", flat=True).distinct(),
                        *Target.objects.values_list("year", flat=True).distinct(),
                        today.year,
                        today.year + 1,
                    }
                ),
                "columns": columns,
                "rows": rows,
                "may_edit": may_edit,
                "reason": reason,
                "reason_problems": problems.get((None, "reason"), []),
                "problems": listed,
                "union": not request.user.branch_id,
                "pending": ImportRun.objects.filter(
                    kind="targets", status=ImportRun.Status.AWAITING_APPROVAL
                ).select_related("started_by"),
            },
        )


def _target_text(code: str, value) -> str:
    """A target as the matrix shows it: a count whole, an amount in yuan with two decimals."""
    return formatting.amount(value) if BY_CODE[code].amount else formatting.count(value)


class RunForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2099)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("quarter"), coerce=int, choices=[(q, q) for q in (1, 2, 3, 4)]
    )
    again = forms.BooleanField(
        label=gettext_lazy(
            "Run it again: the new run is a draft until a union manager publishes it; the earlier "
            "runs stay on record"
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        year, quarter = cleaned.get("year"), cleaned.get("quarter")
        if year and quarter and not cleaned.get("again"):
            latest = selectors.assessment_latest_run(year=year, quarter=quarter)
            if latest is not None:
                self.add_error(
                    "again",
                    _(
                        "%(year)d Q%(quarter)d was already assessed (run #%(run)d, %(when)s). "
                        "Tick the box to run it again."
                    )
                    % {
                        "year": year,
                        "quarter": quarter,
                        "run": latest.pk,
                        "when": f"{timezone.localtime(latest.created_at):%Y-%m-%d %H:%M}",
                    },
                )
        return cleaned


@admin.register(AssessmentRun)
class AssessmentRunAdmin(AppendOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Every run on record; "add" starts one; a run's page is its ranking table."""

    list_display = ["__str__", "status", "standing", "started_by", "created_at", "finished_at"]
    list_filter = ["year", "quarter", "status"]
    list_select_related = ["started_by"]

    def get_queryset(self, request):
        latest = (
            AssessmentRun.objects.filter(
                year=OuterRef("year"), quarter=OuterRef("quarter"), status=AssessmentRun.Status.DONE
            )
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        )
        published = (
            AssessmentPublication.objects.filter(year=OuterRef("year"), quarter=OuterRef("quarter"))
            .order_by("-published_at", "-pk")
            .values("run_id")[:1]
        )
        runs = (
            super()
            .get_queryset(request)
            .annotate(latest_pk=Subquery(latest), published_pk=Subquery(published))
            .annotate(was_published=Exists(AssessmentPublication.objects.filter(run=OuterRef("pk"))))
        )
        if request.user.role == Role.BRANCH_MANAGER:
            return runs.filter(was_published=True)  # a draft is the department's, not the branches'
        return runs

    @admin.display(description=gettext_lazy("which run counts"))
    def standing(self, run):
        if run.status != AssessmentRun.Status.DONE:
            return "—"
        if run.pk == run.published_pk:
            return _("published: the one that counts")
        if run.was_published:
            return _("published before, replaced")
        if run.published_pk is None and run.pk == run.latest_pk:
            return _("draft, the latest")
        return _("draft")

    def get_urls(self):
        return [
            path(
                "<int:run_id>/report.<str:fmt>",
                self.admin_site.admin_view(self.report_view),
                name="reports_assessmentrun_report",
            ),
            path(
                "<int:run_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="reports_assessmentrun_publish",
            ),
            path(
                "<int:run_id>/appeal/",
                self.admin_site.admin_view(self.appeal_view),
                name="reports_assessmentrun_appeal",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, run_id):
        """发布: a union manager publishes the run with a note (and, for a quarter published
        before, the reason); back to the run's page."""
        if request.method != "POST" or not request.user.has_perm("reports.publish_assessmentrun"):
            raise PermissionDenied
        run = self.get_object(request, run_id)
        if run is None:
            raise Http404
        try:
            services.assessment_publish(
                run=run,
                note=request.POST.get("note", ""),
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "Run #%(run)d is published: branch managers now see it, and the quarter's "
                    "targets are locked."
                )
                % {"run": run.pk},
            )
        return HttpResponseRedirect(reverse("admin:reports_assessmentrun_change", args=[run.pk]))

    def appeal_view(self, request, run_id):
        """申诉: a branch manager appeals their branch's published result, with an attachment."""
        if request.method != "POST" or not request.user.has_perm("reports.add_appeal"):
            raise PermissionDenied
        # Refused before the body is read: an appeal is a text and one small file.
        limit = settings.APPEAL_ATTACHMENT_MAX_MB
        if int(request.META.get("CONTENT_LENGTH") or 0) > (limit + 1) * 1024 * 1024:
            message = _("The attachment is larger than %(mb)d MB.") % {"mb": limit}
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reports_assessmentrun_change", args=[run_id]))
        run = self.get_object(request, run_id)
        publication = AssessmentPublication.objects.filter(run=run).first() if run else None
        if publication is None or request.user.branch is None:
            raise Http404
        try:
            services.appeal_submit(
                publication=publication,
                branch=request.user.branch,
                text=request.POST.get("text", ""),
                attachment=request.FILES.get("attachment"),
                by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("Your appeal is submitted: the department answers it on this page."))
        return HttpResponseRedirect(reverse("admin:reports_assessmentrun_change", args=[run.pk]))

    FORMATS = {
        # docs/cli.md's columns; downloaded, with the byte order mark Excel needs to read Chinese.
        "csv": ("text/csv; charset=utf-8", lambda **kwargs: csv_download(exports.assessment_csv(**kwargs))),
        "xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            exports.assessment_xlsx,
        ),
        "pdf": ("application/pdf", exports.assessment_pdf),
    }

    def report_view(self, request, run_id, fmt):
        """The run's report in CSV, XLSX or PDF, holding the lines of the user's branches."""
        if not self.has_view_permission(request) or fmt not in self.FORMATS:
            raise Http404
        run = self.get_object(request, run_id)
        if run is None:
            raise Http404
        results = scope_queryset(user=request.user, queryset=run.results.all())
        content_type, writer = self.FORMATS[fmt]
        extra = {}
        if fmt == "xlsx" and request.user.role == "branch_manager":
            extra["branch"] = request.user.branch  # the headline figures of their own scope
        name = f"assessment-{run.year}Q{run.quarter}-{run.pk}.{fmt}"
        return HttpResponse(
            writer(run=run, results=results, **extra),
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        # The last quarter that has ended (in January: the fourth of last year).
        year, quarter = selectors.previous_quarter(year=today.year, quarter=(today.month - 1) // 3 + 1)
        form = RunForm(request.POST or None, initial={"year": year, "quarter": quarter})
        valid = request.method == "POST" and form.is_valid()
        if "again" not in form.errors:  # asked only when the quarter already has a run
            form.fields["again"].widget = forms.HiddenInput()
        if valid:
            try:
                run = jobs.assessment_start(
                    by=request.user, year=form.cleaned_data["year"], quarter=form.cleaned_data["quarter"]
                )
            except services.AssessmentNotReady as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                return HttpResponseRedirect(reverse("admin:reports_assessmentrun_change", args=[run.pk]))
        return form_page(self, request, title=_("Run the quarterly assessment"), form=form, submit=_("Run"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "GET" or not self.has_view_permission(request):
            raise PermissionDenied  # a run is read, never edited
        run = self.get_object(request, object_id)
        if run is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        results = scope_queryset(user=request.user, queryset=run.results.all())
        shown = selectors.assessment_shown_run(year=run.year, quarter=run.quarter)
        current = selectors.assessment_publication(year=run.year, quarter=run.quarter)
        publication = AssessmentPublication.objects.filter(run=run).select_related("published_by").first()
        changes = []
        if publication is not None and current is not None and current.pk == publication.pk:
            changes = selectors.assessment_data_changes(run=run, results=results)
        appeals = scope_queryset(
            user=request.user, queryset=Appeal.objects.filter(publication__run=run)
        ).select_related("branch", "submitted_by", "answered_by")
        appeal = {}
        if publication is not None and current is not None and current.pk == publication.pk:
            deadline = selectors.appeal_deadline(publication=publication)
            mine = request.user.branch
            appeal = {
                "deadline": deadline,
                "open": timezone.localdate() <= deadline,
                "may": request.user.has_perm("reports.add_appeal")
                and mine is not None
                and run.results.filter(branch=mine).exists()
                and not appeals.filter(branch=mine, outcome=Appeal.Outcome.PENDING).exists(),
                "upheld": appeals.filter(outcome=Appeal.Outcome.UPHELD).exists(),
            }
        return TemplateResponse(
            request,
            "admin/reports/assessmentrun/ranking.html",
            {
                "appeals": appeals,
                "appeal": appeal,
                **self.admin_site.each_context(request),
                "title": _("%(year)d Q%(quarter)d assessment") % {"year": run.year, "quarter": run.quarter},
                "run": run,
                "ranking": selectors.assessment_ranking(run=run, results=results),
                "latest": shown,
                "earlier": shown is not None and shown.pk != run.pk,
                "publication": publication,
                "current": current,
                "changes": changes,
                "may_publish": (
                    request.user.has_perm("reports.publish_assessmentrun")
                    and run.status == AssessmentRun.Status.DONE
                    and publication is None
                    and (current is None or run.created_at > current.run.created_at)
                ),
                "previous_quarter": "%dQ%d" % selectors.previous_quarter(year=run.year, quarter=run.quarter),
                "opts": self.model._meta,
            },
        )


ATTACHMENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


class AppealAnswerForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["outcome", "answer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Appeal.Outcome.PENDING:
            self.add_error("outcome", _("Uphold or reject the appeal."))
        if not (cleaned.get("answer") or "").strip():
            self.add_error("answer", _("Give the reason of the answer."))
        return cleaned


@admin.register(Appeal)
class AppealAdmin(NoDeleteMixin, ScopedAdmin):
    """申诉: made by a branch manager on the published run's page; the department answers each one
    here, upheld or rejected, with the reason, once."""

    form = AppealAnswerForm
    list_display = [
        "publication",
        "branch",
        "submitted_by",
        "submitted_at",
        "outcome",
        "answered_by",
        "answered_at",
    ]
    list_filter = ["outcome", ("branch", ScopedBranchFilter)]
    list_select_related = ["publication", "branch", "submitted_by", "answered_by"]
    readonly_fields = [
        "run_link",
        "branch",
        "text",
        "attachment_link",
        "submitted_by",
        "submitted_at",
        "answered_by",
        "answered_at",
    ]

    def has_add_permission(self, request):
        return False  # on the published run's page

    def has_change_permission(self, request, obj=None):
        answered = obj is not None and obj.outcome != Appeal.Outcome.PENDING
        return not answered and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        return [*self.readonly_fields[:6], "outcome", "answer", *self.readonly_fields[6:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.outcome != Appeal.Outcome.PENDING:
            return [*self.readonly_fields, "outcome", "answer"]
        return self.readonly_fields

    @admin.display(description=gettext_lazy("run"))
    def run_link(self, appeal):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reports_assessmentrun_change", args=[appeal.publication.run_id]),
            appeal.publication.run,
        )

    @admin.display(description=gettext_lazy("attachment"))
    def attachment_link(self, appeal):
        if not appeal.attachment:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:reports_appeal_attachment", args=[appeal.pk]),
            appeal.attachment_name,
        )

    def get_urls(self):
        return [
            path(
                "<int:appeal_id>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="reports_appeal_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, appeal_id):
        """The appeal's attachment, to who may read the appeal (within their branches), else 404."""
        appeal = (
            self.get_queryset(request).filter(pk=appeal_id).first()
            if self.has_view_permission(request)
            else None
        )
        if appeal is None or not appeal.attachment:
            raise Http404
        # The type and the name's ending are those of what the file is (checked when it came in),
        # never what its sender named it.
        suffix = Path(appeal.attachment.name).suffix
        name = appeal.attachment_name
        if not name.lower().endswith(suffix):
            name = f"appeal-{appeal.pk}{suffix}"
        response = FileResponse(
            appeal.attachment.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=ATTACHMENT_TYPES.get(suffix, "application/octet-stream"),
        )
        response["Cache-Control"] = "private"
        return response

    def save_model(self, request, obj, form, change):
        services.appeal_answer(
            appeal=obj,
            upheld=form.cleaned_data["outcome"] == Appeal.Outcome.UPHELD,
            answer=form.cleaned_data["answer"],
            by=request.user,
        )


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "run",
        "rank",
        "branch",
        "metric",
        "target",
        "actual",
        "completion_pct",
        "weight",
        "score",
        "total_score",
    ]
    list_filter = ["run__year", "run__quarter", ("branch", ScopedBranchFilter)]
    list_select_related = ["run", "branch"]

    def get_queryset(self, request):
        results = super().get_queryset(request)
        if request.user.role == Role.BRANCH_MANAGER:  # the lines of published runs only
            return results.filter(run__publication__isnull=False)
        return results


@admin.register(Policy)
class PolicyAdmin(ScopedAdmin):
    """The department's rules and registers, as the year-end summary lists them."""

    list_display = ["title", "kind", "adopted_on", "revised_on", "retired_on"]
    list_filter = ["kind"]
    search_fields = ["title"]


class YearSummaryAddForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)


@admin.register(YearSummary)
class YearSummaryAdmin(NoDeleteMixin, ScopedAdmin):
    """A year's summary: its narrative edited here, the document previewed and downloaded; once
    finalised it is read only and its document no longer changes."""

    list_display = ["year", "title", "state", "finalised_at", "finalised_by"]
    list_select_related = ["finalised_by"]
    change_form_template = "admin/reports/yearsummary/change_form.html"
    fieldsets = [
        (None, {"fields": ["year", "title"]}),
        (
            gettext_lazy("I. Cards, ATM and POS, online banking, maintenance"),
            {"fields": ["cards_text", "terminals_text", "netbank_text", "maintenance_text"]},
        ),
        (
            gettext_lazy("II. Technical support"),
            {"fields": ["network_text", "repairs_text", "training_text", "service_points_text"]},
        ),
        (
            gettext_lazy("III–VI. Disbursements, rules, problems, next year"),
            {"fields": ["disbursement_text", "rules_text", "problems_text", "plan_text"]},
        ),
    ]

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        return _("finalised") if obj.is_final else _("draft")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_final:
            return ["year", "title", *YearSummary.NARRATIVE_FIELDS]
        return ["year"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_final)

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        summary_services.year_summary_edit(summary=obj, changes=changes, by=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="reports_yearsummary_preview"),
            path(
                "<int:pk>/download.<str:fmt>", view(self.download_view), name="reports_yearsummary_download"
            ),
            path("<int:pk>/finalise/", view(self.finalise_view), name="reports_yearsummary_finalise"),
            *super().get_urls(),
        ]

    def _summary(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = self.get_object(request, pk)
        if summary is None:
            raise Http404
        return summary

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = YearSummaryAddForm(request.POST or None, initial={"year": timezone.localdate().year})
        if request.method == "POST" and form.is_valid():
            summary = summary_services.year_summary_open(year=form.cleaned_data["year"], by=request.user)
            return HttpResponseRedirect(reverse("admin:reports_yearsummary_change", args=[summary.pk]))
        return form_page(
            self,
            request,
            title=_("Write a year-end summary"),
            form=form,
            submit=_("Start from the generated text"),
        )

    def preview_view(self, request, pk):
        summary = self._summary(request, pk)
        return TemplateResponse(
            request,
            "admin/reports/yearsummary/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": summary.title,
                "summary": summary,
                "body": summary_render.to_html(year_summary_document(summary=summary), standalone=False),
                "opts": self.model._meta,
                "formats": summary_render.FORMATS,
            },
        )

    def download_view(self, request, pk, fmt):
        summary = self._summary(request, pk)
        if fmt not in summary_render.FORMATS:
            raise Http404
        content_type, extension = summary_render.FORMATS[fmt]
        name = f"year-summary-{summary.year}.{extension}"
        return HttpResponse(
            summary_render.render(year_summary_document(summary=summary), fmt),
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def finalise_view(self, request, pk):
        summary = self._summary(request, pk)
        if not self.has_change_permission(request, summary):
            raise PermissionDenied
        if request.method == "POST":
            summary_services.year_summary_finalise(summary=summary, by=request.user)
            self.message_user(
                request, _("The summary is finalised: its document no longer changes."), messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:reports_yearsummary_change", args=[summary.pk]))
        return form_page(
            self,
            request,
            title=_("Finalise the summary"),
            form=forms.Form(),
            submit=_("Finalise: keep the document as it reads now"),
            objects=[summary],
        )
