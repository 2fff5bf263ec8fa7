"""Reminders (提醒) of the assessment's governance, evaluated by Celery beat every few minutes;
each tells an event once per person (ebank/notify): a change of the targets or the plan awaiting
approval goes to the union managers (never to its maker); a published result goes to the union
managers, and to each assessed branch's manager with their own branch's result only."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ebank.imports.models import ImportRun
from ebank.notify.services import notify
from ebank.org.models import User
from ebank.org.roles import Role

from .models import AssessmentPublication


def _leaders():
    return User.objects.filter(role=Role.LEADER, is_active=True)


def changes_awaiting_approval() -> int:
    """Each change of the targets or the plan awaiting approval, to the union managers."""
    told = 0
    for change in ImportRun.objects.filter(status=ImportRun.Status.AWAITING_APPROVAL).select_related(
        "started_by"
    ):
        maker = (change.started_by.get_full_name() or change.started_by.username) if change.started_by else ""
        told += notify(
            recipients=_leaders().exclude(pk=change.started_by_id),
            rule="change_awaiting_approval",
            key=f"importrun:{change.pk}",
            subject=_("To approve: %(what)s") % {"what": change.file_name},
            body=_("%(maker)s: %(reason)s") % {"maker": maker, "reason": change.reason},
            url=reverse("admin:imports_importrun_change", args=[change.pk]),
        )
    return told


def results_published() -> int:
    """Each publication of a quarter's result: to the union managers, and to the managers of each
    assessed branch with that branch's own rank and total (never another branch's)."""
    told = 0
    for publication in AssessmentPublication.objects.select_related("run"):
        run, key = publication.run, f"publication:{publication.pk}"
        title = _("%(year)s Q%(quarter)s assessment published") % {"year": run.year, "quarter": run.quarter}
        url = reverse("admin:reports_assessmentrun_change", args=[run.pk])
        told += notify(
            recipients=_leaders(),
            rule="result_published",
            key=key,
            subject=title,
            body=publication.note,
            url=url,
        )
        lines = run.results.values_list("branch_id", "rank", "total_score").distinct()
        for branch_id, rank, total in lines:
            told += notify(
                recipients=User.objects.filter(role=Role.BRANCH_MANAGER, branch_id=branch_id, is_active=True),
                rule="result_published",
                key=key,
                subject=title,
                body=_("Your branch: rank %(rank)s, total score %(total)s.") % {"rank": rank, "total": total},
                url=url,
            )
    return told


def reminders_evaluate() -> int:
    """Every rule once (idempotent: a rerun tells nobody twice); return how many were told now."""
    return changes_awaiting_approval() + results_published()
