"""Reminders (提醒): every rule of every area (each app's reminders.py declares its RULES and
LABELS; ebank/notify/selectors.py finds them), evaluated by Celery beat every few minutes, each
telling an event once per person and channel (ebank/notify); then the e-mails and WeCom messages
due are sent, each channel by a task of its own. This module holds the assessment's and the
summary's rules, the published result's attachments, and the 08:00 digest:

- a change of the targets or the plan awaiting approval goes to the union managers (never to its
  maker);
- a published result goes to the union managers, and to each assessed branch's manager with their
  own branch's result only — by e-mail with the result's PDF and XLSX of their own lines;
- a finalised year-end summary goes to the union managers;
- at 08:00, each person who chose the digest gets one message of what was held for it and of what
  is open for them, in place of single messages."""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from ebank.imports.models import ImportRun
from ebank.notify import people
from ebank.notify.models import Notification
from ebank.notify.selectors import recipients_told, reminder_rules
from ebank.notify.services import notify
from ebank.org.models import User
from ebank.org.roles import Role
from ebank.org.scoping import scope_queryset

from . import exports
from .models import AssessmentPublication, YearSummary

logger = logging.getLogger(__name__)


# A publication or a finalised summary is told for this long after it happened (an installation
# that starts telling does not tell every one of the past years).
RECENT = datetime.timedelta(days=30)


def changes_awaiting_approval(now: datetime.datetime) -> int:
    """Each change of the targets or the plan awaiting approval, to the union managers."""
    told = 0
    for change in ImportRun.objects.filter(status=ImportRun.Status.AWAITING_APPROVAL).select_related(
        "started_by"
    ):
        maker = (change.started_by.get_full_name() or change.started_by.username) if change.started_by else ""
        told += notify(
            recipients=[leader for leader in people.leaders() if leader.pk != change.started_by_id],
            rule="change_awaiting_approval",
            key=f"importrun:{change.pk}",
            subject=_("To approve: %(what)s") % {"what": change.file_name},
            body=_("%(maker)s: %(reason)s") % {"maker": maker, "reason": change.reason},
            url=reverse("admin:imports_importrun_change", args=[change.pk]),
        )
    return told


def results_published(now: datetime.datetime) -> int:
    """Each publication of a quarter's result: to the union managers, and to the managers of each
    assessed branch with that branch's own rank and total (never another branch's)."""
    told = 0
    for publication in AssessmentPublication.objects.filter(published_at__gte=now - RECENT).select_related(
        "run"
    ):
        run, key = publication.run, f"publication:{publication.pk}"
        title = _("%(year)s Q%(quarter)s assessment published") % {"year": run.year, "quarter": run.quarter}
        url = reverse("admin:reports_assessmentrun_change", args=[run.pk])
        told += notify(
            recipients=people.leaders(),
            rule="result_published",
            key=key,
            subject=title,
            body=publication.note,
            url=url,
        )
        # Each assessed branch's managers not told yet (three queries a publication once all are).
        already = recipients_told(rule="result_published", key=key)
        managers: dict[int, list] = {}
        for manager in User.objects.filter(role=Role.BRANCH_MANAGER, is_active=True).exclude(pk__in=already):
            managers.setdefault(manager.branch_id, []).append(manager)
        lines = run.results.order_by().values_list("branch_id", "rank", "total_score").distinct()
        for branch_id, rank, total in lines:
            if branch_id not in managers:
                continue
            told += notify(
                recipients=managers[branch_id],
                rule="result_published",
                key=key,
                subject=title,
                body=_("Your branch: rank %(rank)s, total score %(total)s.") % {"rank": rank, "total": total},
                url=url,
            )
    return told


def publication_attachments(notification: Notification) -> list[tuple[str, bytes, str]]:
    """The published result's PDF and XLSX, holding the recipient's own lines (a branch manager's
    branch; the whole union for a union manager), as the run's page downloads them."""
    publication = AssessmentPublication.objects.select_related("run").get(
        pk=int(notification.key.split(":")[1])
    )
    run, user = publication.run, notification.recipient
    results = scope_queryset(user=user, queryset=run.results.all())
    extra = {"branch": user.branch} if user.role == Role.BRANCH_MANAGER else {}
    name = f"assessment-{run.year}Q{run.quarter}"
    return [
        (f"{name}.pdf", exports.assessment_pdf(run=run, results=results), "application/pdf"),
        (
            f"{name}.xlsx",
            exports.assessment_xlsx(run=run, results=results, **extra),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ]


def summary_finalised(now: datetime.datetime) -> int:
    """A year-end summary finalised, to the union managers (finalised again: told again)."""
    told = 0
    finalised = YearSummary.objects.filter(finalised_at__gte=now - RECENT)
    for summary in finalised.select_related("finalised_by"):
        by = summary.finalised_by
        told += notify(
            recipients=people.leaders(),
            rule="summary_finalised",
            key=f"summary:{summary.pk}:{summary.finalised_at:%Y%m%d%H%M%S}",
            subject=_("The %(year)s year-end summary is finalised") % {"year": summary.year},
            body=_("%(title)s, finalised by %(who)s.")
            % {"title": str(summary), "who": (by.get_full_name() or by.username) if by else ""},
            url=reverse("admin:reports_yearsummary_change", args=[summary.pk]),
        )
    return told


RULES = [changes_awaiting_approval, results_published, summary_finalised]


LABELS = {
    "change_awaiting_approval": gettext_lazy("Change of the targets or the plan awaiting approval"),
    "result_published": gettext_lazy("Assessment published"),
    "summary_finalised": gettext_lazy("Year-end summary finalised"),
    "digest": gettext_lazy("Daily digest"),
}


def reminders_evaluate(now: datetime.datetime | None = None) -> int:
    """Every rule once (idempotent: a rerun tells nobody twice); return how many were told now."""
    now = timezone.localtime(now or timezone.now())
    told = 0
    for rule in reminder_rules():
        try:
            with transaction.atomic():
                told += rule(now)
        except Exception:  # one rule's failure leaves the others, and the sending, going on
            logger.exception("reminder rule %s failed", rule.__name__)
    return told


# The digest's lines on what is open, by the to-do list's lists (reports/worklist.html's titles).
OPEN_ITEMS = {
    "awaiting_approval": gettext_noop("Changes of the targets or the plan awaiting your approval"),
    "missed_inspections": gettext_noop("Missed ATM security inspections (last 7 days)"),
    "open_faults": gettext_noop("ATM faults open too long"),
    "unsettled_differences": gettext_noop("Cash over/short not settled"),
    "held_cards": gettext_noop("Retained cards neither returned nor destroyed"),
    "unrectified_inspections": gettext_noop("Inspection findings not rectified"),
    "unrectified_risk_checks": gettext_noop("Card risk findings not rectified"),
    "overdue_tickets": gettext_noop("Online-banking tickets past T+3"),
    "unconfirmed": gettext_noop("Two-person entries awaiting confirmation"),
    "unvisited_service_points": gettext_noop("Service points not visited this month"),
    "dormant_service_points": gettext_noop("Service points with no transaction for three months"),
    "overdue_spot_checks": gettext_noop("Spot-check findings past their deadline"),
}


def digest_send(now: datetime.datetime | None = None) -> int:
    """At 08:00: each person who chose the digest gets one message (by e-mail and WeCom, as they
    chose) of the messages held for it since the last one and of what is open for them; the held
    messages are then marked told in it. Nothing held and nothing open: no digest."""
    from .templatetags.worklist import worklist_items

    now = timezone.localtime(now or timezone.now())
    told = 0
    chosen = User.objects.filter(is_active=True, notification_settings__digest=True)
    for user in chosen.select_related("branch"):
        try:
            told += _digest(user, now, worklist_items)
        except Exception:  # one person's digest failing leaves the others'
            logger.exception("the digest of user %s failed", user.pk)
    return told


def _digest(user, now: datetime.datetime, worklist_items) -> int:
    key = f"{now.date()}"
    if Notification.objects.filter(recipient=user, rule="digest", key=key).exists():
        return 0  # today's is made: what is held since waits for tomorrow's
    held = list(
        Notification.objects.filter(recipient=user, status=Notification.Status.HELD)
        .order_by("created_at")
        .values_list("pk", "channel", "subject")
    )
    events = list(dict.fromkeys(subject for _pk, _channel, subject in held))
    items = worklist_items(user=user)
    open_lines = [
        f"· {_(label)}：{len(items[name])}" for name, label in OPEN_ITEMS.items() if items.get(name)
    ]
    if not events and not open_lines:
        return 0
    parts = []
    if events:
        parts += [_("Since the last digest:"), *[f"· {subject}" for subject in events]]
    if open_lines:
        parts += [_("Open for you:"), *open_lines]
    told = notify(
        recipients=[user],
        rule="digest",
        key=key,
        subject=_("Daily digest, %(date)s") % {"date": now.date()},
        body="\n".join(parts),
        url=reverse("today"),
        inbox=False,
        hold=False,
    )
    # What was held is told in it, on the channels the digest went to (the rest stays held).
    channels = set(
        Notification.objects.filter(recipient=user, rule="digest", key=key).values_list("channel", flat=True)
    )
    Notification.objects.filter(pk__in=[pk for pk, channel, _subject in held if channel in channels]).update(
        status=Notification.Status.DIGESTED, sent_at=now, next_attempt_at=None
    )
    return told
