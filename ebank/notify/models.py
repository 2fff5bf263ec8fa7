"""What the product tells a person (提醒): one row per message, recipient, channel and event — the
in-app inbox and the log of every message at once. An event is told to a recipient on a channel
once, ever: (recipient, channel, rule, key) is unique, whatever the number of workers or reruns.
A message by e-mail or by a WeCom group robot (企业微信群机器人) is delivered by a worker, retried
with backoff while its channel is down, and kept with how it went."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    class Channel(models.TextChoices):
        INAPP = "inapp", _("in the app")
        EMAIL = "email", _("by e-mail")
        WECOM = "wecom", _("WeCom group robot")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("message status", "to send")
        SENDING = "sending", pgettext_lazy("message status", "sending")
        SENT = "sent", pgettext_lazy("message status", "sent")
        RETRYING = "retrying", pgettext_lazy("message status", "failed, to retry")
        FAILED = "failed", pgettext_lazy("message status", "failed")
        # Held for the recipient's 08:00 digest, then told in it.
        HELD = "held", pgettext_lazy("message status", "held for the daily digest")
        DIGESTED = "digested", pgettext_lazy("message status", "told in the daily digest")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.INAPP)
    # The rule that told it and the event it is about ("publication:12"): together, once per person.
    rule = models.CharField(_("rule"), max_length=40)
    key = models.CharField(_("event"), max_length=80)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Delivery, for e-mail and WeCom (a message in the app is delivered when it is made).
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    robot = models.ForeignKey(
        "WeComRobot",
        verbose_name=_("WeCom robot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "rule", "key"], name="notify_once_per_event"
            )
        ]
        permissions = [("resend_notification", _("Can send a message again"))]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notify_inbox"),
            models.Index(fields=["channel", "status", "next_attempt_at"], name="notify_due"),
        ]

    def __str__(self):
        return self.subject


class WeComRobot(models.Model):
    """A WeCom group robot (企业微信群机器人): its webhook posts Markdown messages into a group chat —
    a branch's group, or the department's when no branch is named. A branch manager's messages go
    to their own branch's robot (none elsewhere); the department's and the union managers' to the
    department's."""

    name = models.CharField(_("name"), max_length=60)
    branch = models.OneToOneField(
        "org.Branch",
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the department's own group."),
    )
    # The webhook's address holds the robot's key: it is shown masked and never logged.
    webhook_url = models.URLField(
        _("webhook address"),
        max_length=500,
        help_text=_(
            "The robot's webhook address, as WeCom shows it: "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("WeCom robot")
        verbose_name_plural = _("WeCom robots")
        ordering = ["branch__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(branch__isnull=True, is_active=True),
                name="notify_one_department_robot",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def webhook_masked(self) -> str:
        """The address without its key: what the log and the list show."""
        head, _sep, _key = self.webhook_url.partition("key=")
        return f"{head}key=…" if _sep else self.webhook_url.split("?")[0]


class NotificationSettings(models.Model):
    """A person's choice of channels (the app always; e-mail, WeCom), of quiet hours (nothing by
    e-mail or WeCom between them: it waits for their end), and of a digest at 08:00 in place of
    single messages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    by_wecom = models.BooleanField(_("by WeCom"), default=True)
    wecom_userid = models.CharField(
        _("WeCom account"),
        max_length=64,
        blank=True,
        help_text=_("Your account in WeCom (企业微信账号), to be mentioned (@) in the group."),
    )
    digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One message at 08:00 with everything open for you, in place of single messages."),
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="notify_quiet_hours_both_or_none",
                violation_error_message=_("Give both ends of the quiet hours, or neither."),
            )
        ]

    def __str__(self):
        return str(self.user)
