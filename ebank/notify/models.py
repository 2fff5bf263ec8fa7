"""What the product tells a person (提醒): one row per message, recipient, channel and event — the
in-app inbox and the log of every message at once. An event is told to a recipient on a channel
once, ever: (recipient, channel, rule, key) is unique, whatever the number of workers or reruns."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        INAPP = "inapp", _("in the app")

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
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "rule", "key"], name="notify_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notify_inbox")]

    def __str__(self):
        return self.subject
