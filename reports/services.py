"""The quarterly assessment (季度考核) of docs/kpi.md: scores, totals and ranks, on record per run."""

import datetime
import unicodedata
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank.audit import on_record
from ebank.celery import not_queued_message
from ebank.imports.services import import_run_propose

from .models import Appeal, AssessmentPublication, AssessmentResult, AssessmentRun, PlanItem, Target
from .selectors import QUARTER_ENDS, assessment_publication, figures_for_branches, quarter_end

CENT = Decimal("0.01")


class AssessmentNotReady(Exception):
    """The plan or the targets of the quarter are missing; the message says which."""


def assessment_check_ready(*, year: int, quarter: int) -> None:
    """Refuse, naming what is missing, when the year has no plan or the quarter no targets."""
    if quarter not in QUARTER_ENDS:
        raise AssessmentNotReady(_("The quarter is 1, 2, 3 or 4."))
    if not PlanItem.objects.filter(year=year).exists():
        raise AssessmentNotReady(_("There is no assessment plan for %(year)d.") % {"year": year})
    if not Target.objects.filter(year=year, quarter=quarter).exists():
        raise AssessmentNotReady(
            _("There are no targets for %(year)d Q%(quarter)d.") % {"year": year, "quarter": quarter}
        )


@transaction.atomic
def assessment_run_create(*, year: int, quarter: int, by) -> AssessmentRun:
    """Record a run of the quarter's assessment, to be computed (jobs.assessment_start queues it)."""
    assessment_check_ready(year=year, quarter=quarter)
    return AssessmentRun.objects.create(year=year, quarter=quarter, started_by=by)


def assessment_not_queued(*, run_id: int) -> None:
    """The broker did not take the run's task: close the run and say so."""
    AssessmentRun.objects.filter(pk=run_id).update(
        status=AssessmentRun.Status.FAILED, message=not_queued_message(), finished_at=timezone.now()
    )


def assessment_quarter_end(*, today: datetime.date) -> AssessmentRun | None:
    """On the first day after a quarter end: assess the quarter just ended, when its plan and
    targets are there (None otherwise)."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    quarter = (last.month - 1) // 3 + 1
    try:
        run = assessment_run_create(year=last.year, quarter=quarter, by=None)
    except AssessmentNotReady:
        return None
    try:
        return assessment_compute(run_id=run.pk)
    except Exception as error:
        assessment_fail(run_id=run.pk, error=error)  # the run says it failed, as a queued one does
        raise


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def assessment_compute(*, run_id: int) -> AssessmentRun:
    """Compute a run's results from the plan and the targets in force now; idempotent (a second
    computation of the same run replaces its results with the same ones)."""
    run = AssessmentRun.objects.select_for_update().get(pk=run_id)
    run.status = AssessmentRun.Status.RUNNING
    run.save(update_fields=["status"])
    run.results.all().delete()
    items = list(PlanItem.objects.filter(year=run.year).order_by("metric"))
    plan = {item.metric: item for item in items if item.mode == PlanItem.Mode.TARGET}
    deductions = [item for item in items if item.mode == PlanItem.Mode.DEDUCTION]
    targets = Target.objects.filter(year=run.year, quarter=run.quarter, metric__in=plan).select_related(
        "branch"
    )
    by_branch = defaultdict(list)
    for target in targets:
        by_branch[target.branch].append(target)
    as_of = quarter_end(year=run.year, quarter=run.quarter)
    actuals = figures_for_branches(as_of=as_of, branches=list(by_branch))
    lines, totals = [], {}
    for branch, branch_targets in by_branch.items():
        values = actuals[branch]
        total = Decimal(0)
        for target in branch_targets:
            item = plan[target.metric]
            actual = Decimal(values[target.metric])
            completion = actual / target.target
            score = item.weight * min(completion, item.cap)
            total += score
            lines.append((branch, target, item, actual, completion, score))
        # 扣分项 (docs/kpi.md): every assessed branch, its points per unit, at most the cap.
        for item in deductions:
            actual = Decimal(values[item.metric])
            points = item.weight * actual
            score = -(min(points, item.cap) if item.cap is not None else points)
            total += score
            lines.append((branch, None, item, actual, None, score))
        totals[branch] = _half_up(total)
    ranks = {
        branch: 1 + sum(1 for other in totals.values() if other > total) for branch, total in totals.items()
    }
    AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                run=run,
                branch=branch,
                metric=item.metric,
                target=target.target if target else None,
                actual=actual,
                completion_pct=_half_up(completion * 100) if completion is not None else None,
                weight=item.weight,
                score=_half_up(score),
                total_score=totals[branch],
                rank=ranks[branch],
            )
            for branch, target, item, actual, completion, score in lines
        ]
    )
    run.status, run.finished_at = AssessmentRun.Status.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


@transaction.atomic
def assessment_publish(*, run: AssessmentRun, note: str, by, reason: str = "") -> AssessmentPublication:
    """Publish a finished run as its quarter's result (发布), with a note. A quarter already
    published takes only a newer run, and the reason it is published again; the earlier
    publication stays on record. The quarter's targets and the year's plan are locked from now."""
    # The quarter's runs are locked while one is published: two managers publish one at a time.
    list(AssessmentRun.objects.select_for_update().filter(year=run.year, quarter=run.quarter).values("pk"))
    if not by.has_perm("reports.publish_assessmentrun"):
        raise ValidationError({"run": _("Only a union manager publishes a quarter's result.")})
    if run.status != AssessmentRun.Status.DONE:
        raise ValidationError({"run": _("Only a finished run can be published.")})
    if not note.strip():
        raise ValidationError({"note": _("Write a note for the branches: what this result is.")})
    current = assessment_publication(year=run.year, quarter=run.quarter)
    if current is not None:
        if current.run_id == run.pk or AssessmentPublication.objects.filter(run=run).exists():
            raise ValidationError({"run": _("This run has already been published.")})
        if run.created_at <= current.run.created_at:
            raise ValidationError(
                {
                    "run": _("Publish a run newer than the one published (run #%(run)d).")
                    % {"run": current.run_id}
                }
            )
        if not reason.strip():
            raise ValidationError(
                {"reason": _("The quarter was published before: say why it is published again.")}
            )
    return AssessmentPublication.objects.create(
        run=run,
        year=run.year,
        quarter=run.quarter,
        published_at=timezone.now(),
        published_by=by,
        note=note.strip(),
        reason=reason.strip(),
    )


# An appeal's attachment: a scan or a photo of the branch's evidence, recognised by its first bytes.
ATTACHMENT_KINDS = {b"%PDF-": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


def _attachment_suffix(attachment) -> str:
    from django.conf import settings

    if attachment.size > settings.APPEAL_ATTACHMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(
            {
                "attachment": _("The attachment is larger than %(mb)d MB.")
                % {"mb": settings.APPEAL_ATTACHMENT_MAX_MB}
            }
        )
    attachment.seek(0)
    head = attachment.read(16)
    attachment.seek(0)
    for magic, suffix in ATTACHMENT_KINDS.items():
        if head.startswith(magic):
            return suffix
    raise ValidationError({"attachment": _("Attach a PDF, a JPEG or a PNG file.")})


@transaction.atomic
def appeal_submit(*, publication: AssessmentPublication, branch, text: str, by, attachment=None) -> Appeal:
    """A branch manager's appeal (申诉) of their branch's published result, with its text and an
    optional attachment: only the result published now, only within the appeal period, one
    awaiting an answer at a time."""
    import uuid

    from ebank import pii
    from ebank.org.scoping import user_may_use_branch

    from .selectors import appeal_deadline

    if not by.has_perm("reports.add_appeal"):
        raise ValidationError({"branch": _("Only a branch manager appeals their branch's result.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what the branch disputes and why.")})
    current = assessment_publication(year=publication.year, quarter=publication.quarter)
    if current is None or current.pk != publication.pk:
        raise ValidationError({"publication": _("Appeal the result published now.")})
    deadline = appeal_deadline(publication=publication)
    if timezone.localdate() > deadline:
        raise ValidationError(
            {"publication": _("The appeal period ended on %(date)s.") % {"date": f"{deadline:%Y-%m-%d}"}}
        )
    if (
        not user_may_use_branch(user=by, branch=branch)
        or not publication.run.results.filter(branch=branch).exists()
    ):
        raise ValidationError({"branch": _("Only a branch assessed in this run appeals its own result.")})
    if publication.appeals.filter(branch=branch, outcome=Appeal.Outcome.PENDING).exists():
        raise ValidationError({"text": _("The branch's appeal awaits its answer.")})
    appeal = Appeal(
        publication=publication,
        branch=branch,
        text=text.strip(),
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    if attachment is not None:
        suffix = _attachment_suffix(attachment)
        appeal.attachment_name = pii.text_mask_numbers(attachment.name)[0][:120]
        appeal.attachment.save(f"{uuid.uuid4().hex}{suffix}", attachment, save=False)
    on_record(appeal, by=by)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:  # a second submission crossed the first: one appeal awaits its answer
        raise ValidationError({"text": _("The branch's appeal awaits its answer.")}) from None
    return appeal


@transaction.atomic
def appeal_answer(*, appeal: Appeal, upheld: bool, answer: str, by) -> Appeal:
    """The department's answer to an appeal: upheld or rejected, with the reason. Upheld, the
    quarter's targets reopen for the correction, and a corrected run is published again."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not by.has_perm("reports.change_appeal"):
        raise ValidationError({"outcome": _("Only the department answers an appeal.")})
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise ValidationError({"outcome": _("The appeal has been answered already.")})
    if not answer.strip():
        raise ValidationError({"answer": _("Give the reason of the answer.")})
    appeal.outcome = Appeal.Outcome.UPHELD if upheld else Appeal.Outcome.REJECTED
    appeal.answer, appeal.answered_by, appeal.answered_at = answer.strip(), by, timezone.now()
    on_record(appeal, by=by, reason=appeal.get_outcome_display())
    appeal.save()
    return appeal


def assessment_fail(*, run_id: int, error: Exception) -> None:
    AssessmentRun.objects.filter(pk=run_id).update(
        status=AssessmentRun.Status.FAILED, message=type(error).__name__, finished_at=timezone.now()
    )


# --- the target breakdown as a matrix ------------------------------------------------------------


def _cell_text(text: str) -> str:
    """A typed or pasted value as the targets extract reads it: separators and spaces dropped
    (2,818 or 2 818 or ２８１８ as Excel or a phone gives it)."""
    return unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "").strip()


def targets_matrix_save(
    *, year: int, quarter: int, values: dict[tuple[str, str], str], reason: str, by
) -> tuple[object, dict]:
    """Submit the cells of 任务分解表 for a year and quarter — {(branch code, metric): text} — as
    a change of the targets extract (docs/extracts.md) awaiting a union manager's approval: each
    cell checked now as a row of the file would be, all or nothing; approved, a revision is kept
    in the history with `reason`. An empty cell changes nothing. Return the change (an ImportRun
    awaiting approval, or None when nothing changes) and the problems by cell ({(code, metric):
    [reasons]}; the key (None, "reason") when a revision has no reason)."""
    existing = {
        (t.branch.code, t.metric): t.target
        for t in Target.objects.filter(year=year, quarter=quarter).select_related("branch")
    }
    rows, revised = [], False
    for key, text in values.items():
        text = _cell_text(text)
        if not text:
            continue
        try:
            same = key in existing and Decimal(text) == existing[key]
        except InvalidOperation:
            same = False
        if same:
            continue
        revised = revised or key in existing
        rows.append((key, text))
    if revised and not reason.strip():
        return None, {(None, "reason"): [_("Say why the targets are revised.")]}
    if not rows:
        return None, {}
    run, outcome = import_run_propose(
        kind="targets",
        rows=[
            {
                "year": year,
                "quarter": quarter,
                "branch_code": code,
                "metric": metric,
                "target": text,
                "reason": reason.strip(),
            }
            for (code, metric), text in rows
        ],
        file_name=_("target matrix %(year)s Q%(quarter)s") % {"year": year, "quarter": quarter},
        reason=reason.strip() or _("entered in the target matrix"),
        by=by,
    )
    problems: dict = {}
    for row, column, text in outcome.errors:
        key = rows[row - 1][0] if 0 < row <= len(rows) else (None, column)
        problems.setdefault(key, []).append(text)
    return (run if outcome.valid else None), problems


def target_change_propose(*, target: Target | None, values: dict, reason: str, by):
    """Submit one target added or revised on its page, awaiting approval (as the matrix does):
    return the change, or raise ValueError with the file's errors."""
    return _propose_one(
        kind="targets",
        row={**values, "reason": reason.strip()},
        file_name=_("target %(what)s") % {"what": target or values.get("metric", "")},
        reason=reason or _("entered on the target's page"),
        by=by,
    )


def plan_change_propose(*, values: dict, reason: str, by):
    """Submit one line of the plan (考核办法) added or changed on its page, awaiting approval."""
    return _propose_one(
        kind="assessment_plan",
        row=values,
        file_name=_("plan line %(year)s %(metric)s") % values,
        reason=reason or _("entered on the plan line's page"),
        by=by,
    )


def _propose_one(*, kind: str, row: dict, file_name: str, reason: str, by):
    run, outcome = import_run_propose(kind=kind, rows=[row], file_name=file_name, reason=reason, by=by)
    if not outcome.valid:
        raise ValueError("; ".join(f"{column}: {text}" for _row, column, text in outcome.errors))
    return run
