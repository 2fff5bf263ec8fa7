from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ebank.org.models import Branch

from .metrics import metric_choices


class PlanItem(models.Model):
    """One line of the year's assessment plan (考核办法): a metric assessed against the branches'
    targets (its weight in points and the cap on completion), or a deduction (扣分项: its weight
    the points deducted per unit of the metric, its cap the most points deducted, if any)."""

    class Mode(models.TextChoices):
        TARGET = "target", _("against targets")
        DEDUCTION = "deduction", _("deduction")

    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("metric"), max_length=60, choices=metric_choices)
    mode = models.CharField(
        _("assessed as"), max_length=10, choices=Mode.choices, default=Mode.TARGET, db_default=Mode.TARGET
    )
    weight = models.DecimalField(_("weight (points)"), max_digits=7, decimal_places=2)
    cap = models.DecimalField(
        _("cap"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("1.2"),
        help_text=_("Against targets: the cap on completion (1.2). A deduction: the most points deducted."),
    )
    history = HistoricalRecords(verbose_name=_("plan history"), verbose_name_plural=_("plan history"))

    class Meta:
        verbose_name = _("assessment plan line")
        verbose_name_plural = _("assessment plan")
        ordering = ["-year", "mode", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["year", "metric"], name="plan_year_metric"),
            models.CheckConstraint(
                condition=Q(weight__gt=0)
                & (
                    Q(mode="target", cap__gte=1)
                    | Q(mode="deduction", cap__isnull=True)
                    | Q(mode="deduction", cap__gt=0)
                ),
                name="plan_weight_cap",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_metric_display()}"


class Target(models.Model):
    """A branch's target for a metric in a quarter (任务分解表): year to date for flow metrics, a
    level for stock metrics. A revision keeps the old value, who revised it and why (history)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=60, choices=metric_choices)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    reason = models.CharField(_("reason for the revision"), max_length=200, blank=True)
    history = HistoricalRecords(verbose_name=_("target history"), verbose_name_plural=_("target history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets (任务分解表)")
        ordering = ["-year", "quarter", "branch__code", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "branch", "metric"], name="target_key"),
            models.CheckConstraint(
                condition=Q(target__gt=0) & Q(quarter__gte=1) & Q(quarter__lte=4),
                name="target_positive_quarter",
            ),
        ]

    def __str__(self):
        return _("%(year)s Q%(quarter)s %(branch)s %(metric)s") % {
            "year": self.year,
            "quarter": self.quarter,
            "branch": self.branch.name,
            "metric": self.get_metric_display(),
        }


class AssessmentRun(models.Model):
    """One run of a quarter's assessment: who started it, when, how long, and its results."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", pgettext_lazy("assessment status", "done")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("quarterly assessment")
        verbose_name_plural = _("quarterly assessments")
        ordering = ["-created_at"]
        permissions = [("publish_assessmentrun", _("Can publish a run of the quarterly assessment"))]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度 #{self.pk}"

    @property
    def duration(self):
        return self.finished_at - self.created_at if self.finished_at else None

    @property
    def duration_text(self) -> str:
        """How long the run took, as people read it: 0.1 秒."""
        if not self.duration:
            return ""
        return _("%(seconds)s s") % {"seconds": f"{self.duration.total_seconds():.1f}"}


class AssessmentPublication(models.Model):
    """A run published as its quarter's result (发布) by a union manager, with a note: the run
    branch managers, the downloads and `export_assessment` show; the quarter's targets and the
    year's plan are locked from then. Publishing a corrected run later adds a publication with
    its reason; the earlier one stays on record."""

    run = models.OneToOneField(
        AssessmentRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="publication"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"))
    # Why a quarter already published is published again (a corrected run).
    reason = models.CharField(_("reason for publishing again"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["year", "quarter", "published_at"], name="publication_quarter")]

    def __str__(self):
        return f"{self.year}Q{self.quarter} #{self.run_id}"


def _attachment_storage():
    from django.core.files.storage import storages

    return storages["attachments"]


class Appeal(models.Model):
    """A branch manager's appeal (申诉) of their branch's result in a published assessment, within
    APPEAL_WORKING_DAYS working days of its publication, with its text and an attachment; the
    department answers it, upheld or rejected, with the reason. An upheld appeal reopens the
    quarter's targets for the correction, until a corrected run is published."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting an answer")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", pgettext_lazy("appeal outcome", "rejected")

    publication = models.ForeignKey(
        AssessmentPublication, verbose_name=_("publication"), on_delete=models.PROTECT, related_name="appeals"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what the branch disputes"))
    attachment = models.FileField(
        _("attachment"), storage=_attachment_storage, upload_to="appeals/%Y/%m/", blank=True
    )
    attachment_name = models.CharField(_("attachment's file name"), max_length=120, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("appeal history"), verbose_name_plural=_("appeal history"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One appeal of a branch awaits its answer at a time (two quick submissions make one).
            models.UniqueConstraint(
                fields=["publication", "branch"], condition=Q(outcome="pending"), name="one_pending_appeal"
            )
        ]

    def __str__(self):
        return f"{self.publication} {self.branch.name}"


class AssessmentResult(models.Model):
    """One (branch, metric) line of a run, with the target it used."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="results"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(_("metric"), max_length=60, choices=metric_choices)
    # A deduction line has no target and no completion (docs/kpi.md).
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=20, decimal_places=2)
    completion_pct = models.DecimalField(
        _("completion (%)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    total_score = models.DecimalField(_("total score"), max_digits=9, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"))

    branch_lookup = "branch"

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["rank", "branch__code", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["run", "branch", "metric"], name="result_run_branch_metric")
        ]


class Policy(models.Model):
    """One of the department's management rules (管理制度、办法) or registers (登记簿): the list the
    year-end summary's fourth part draws on."""

    class Kind(models.TextChoices):
        RULE = "rule", _("management rule")
        REGISTER = "register", _("register")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    adopted_on = models.DateField(_("adopted on"))
    revised_on = models.DateField(_("last revised on"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    notes = models.TextField(_("what it governs"), blank=True)
    history = HistoricalRecords(verbose_name=_("policy history"), verbose_name_plural=_("policy history"))

    class Meta:
        verbose_name = _("policy or register")
        verbose_name_plural = _("policies and registers")
        ordering = ["kind", "adopted_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "title"], name="policy_kind_title"),
            models.CheckConstraint(
                condition=Q(revised_on__isnull=True) | Q(revised_on__gte=models.F("adopted_on")),
                name="policy_revised_after_adopted",
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gte=models.F("adopted_on")),
                name="policy_retired_after_adopted",
            ),
        ]

    def __str__(self):
        return f"《{self.title}》"


class YearSummary(models.Model):
    """The year-end work summary (年度工作总结) of one year: the staff's narrative paragraphs around
    the figures, which stay live until the summary is finalised and its document kept as it was."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    cards_text = models.TextField(_("I.1 card issuance"), blank=True)
    terminals_text = models.TextField(_("I.2 ATM and POS deployment"), blank=True)
    netbank_text = models.TextField(_("I.3 online banking and SMS"), blank=True)
    maintenance_text = models.TextField(_("I.4 daily maintenance of ATMs and POS"), blank=True)
    network_text = models.TextField(_("II.1 network and machine room"), blank=True)
    repairs_text = models.TextField(_("II.2 computer maintenance"), blank=True)
    training_text = models.TextField(_("II.3 training"), blank=True)
    service_points_text = models.TextField(_("II.4 rural cash-withdrawal service points"), blank=True)
    disbursement_text = models.TextField(_("III. social pension and agricultural subsidies"), blank=True)
    rules_text = models.TextField(_("IV. management rules"), blank=True)
    problems_text = models.TextField(_("V. problems and their correction"), blank=True)
    plan_text = models.TextField(_("VI. the plan for next year"), blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    snapshot = models.JSONField(_("the document as finalised"), null=True, blank=True, editable=False)
    history = HistoricalRecords(
        verbose_name=_("summary history"),
        verbose_name_plural=_("summary history"),
        excluded_fields=["snapshot"],
    )

    NARRATIVE_FIELDS = (
        "cards_text",
        "terminals_text",
        "netbank_text",
        "maintenance_text",
        "network_text",
        "repairs_text",
        "training_text",
        "service_points_text",
        "disbursement_text",
        "rules_text",
        "problems_text",
        "plan_text",
    )

    class Meta:
        verbose_name = _("year-end work summary")
        verbose_name_plural = _("year-end work summaries")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=True, snapshot__isnull=True)
                | Q(finalised_at__isnull=False, snapshot__isnull=False),
                name="summary_snapshot_iff_finalised",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class DailyTotal(models.Model):
    """A big source's rows summed per branch and day (reports/rollups.py): the figures read a
    year of these, thousands of rows, instead of the millions they sum. Each day's rows equal the
    source's own aggregates exactly; every import that writes the source, or moves its records to
    another branch or kind, recomputes the days it touched, in its own transaction."""

    source = models.CharField(_("source"), max_length=24)
    day = models.DateField(_("day"))
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, blank=True)  # of the terminal, of the customer
    type = models.CharField(_("type"), max_length=16, blank=True)  # the transaction type, the channel
    number = models.BigIntegerField(_("number of rows"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=20, decimal_places=2)
    fee = models.DecimalField(_("fee income (yuan)"), max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = _("daily total")
        verbose_name_plural = _("daily totals")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "day", "branch", "kind", "type"], name="daily_total_key"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.day} {self.branch_id}"
