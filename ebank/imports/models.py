from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """The record of one import of one extract file: who, what file, when, and what it did."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("checking")
        VALID = "valid", _("checked, awaiting confirmation")
        AWAITING_APPROVAL = "approval", _("awaiting approval")
        REJECTED = "rejected", _("rejected")
        INVALID = "invalid", _("refused: invalid rows")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    class Source(models.TextChoices):
        ADMIN = "admin", _("admin")
        COMMAND = "command", _("command line")

    kind = models.CharField(_("extract"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    # Where the uploaded file waits for the worker; emptied when the run ends and the file is gone.
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    dry_run = models.BooleanField(_("check only"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), null=True, blank=True)
    updated = models.PositiveIntegerField(_("updated"), null=True, blank=True)
    unchanged = models.PositiveIntegerField(_("unchanged"), null=True, blank=True)
    error_count = models.PositiveIntegerField(_("invalid rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Four eyes (an extract that needs approval): why the change is made, what it changes (what,
    # old, new), and who approved or rejected it, when, and the reason of a rejection.
    reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    rejection = models.CharField(_("reason for the rejection"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        permissions = [("approve_importrun", _("Can approve or reject a change of the targets or the plan"))]

    def __str__(self):
        return f"{self.kind_title} · {self.file_name} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def kind_title(self) -> str:
        """The extract as the department names it: 代发资金（disbursements）."""
        from .spec import extract_for

        try:
            return f"{extract_for(self.kind).title}（{self.kind}）"
        except LookupError:
            return self.kind

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.INVALID,
            self.Status.DONE,
            self.Status.FAILED,
            self.Status.REJECTED,
        ) or (self.status == self.Status.VALID and self.dry_run)
