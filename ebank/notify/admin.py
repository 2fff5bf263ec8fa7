from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ebank.org.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin

from . import selectors, services
from .delivery import ChannelDown, wecom_post
from .models import Notification, WeComRobot


class RuleFilter(admin.SimpleListFilter):
    title = _("rule")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return sorted(selectors.rule_labels().items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The log of every message: to whom, on which channel, by which rule, about what, when, and
    how its delivery went (sent, retried with backoff, failed, held for the digest); staff send a
    message again from here."""

    list_display = ["created_at", "recipient", "channel", "rule_label", "subject", "status"]
    list_filter = ["status", "channel", RuleFilter, "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__last_name", "subject"]
    actions = ["resend"]
    readonly_fields = [
        "recipient",
        "channel",
        "robot",
        "rule",
        "key",
        "subject",
        "body",
        "object_link",
        "created_at",
        "read_at",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]

    @admin.display(description=_("rule"), ordering="rule")
    def rule_label(self, notification):
        return selectors.rule_labels().get(notification.rule, notification.rule)

    @admin.display(description=_("link"))
    def object_link(self, notification):
        if not notification.url:
            return "—"
        return format_html('<a href="{}">{}</a>', notification.url, notification.url)

    def has_resend_permission(self, request):
        return request.user.has_perm("notify.resend_notification")

    @admin.action(description=_("Send the selected messages again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = services.notifications_resend(queryset=queryset)
        self.message_user(
            request,
            _("%(count)d messages are sent again within five minutes (messages in the app are not sent).")
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WeComRobot)
class WeComRobotAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The WeCom group robots (企业微信群机器人): one per branch's group, one for the department's.
    The webhook's key is shown only while it is entered; a test message tells whether it works."""

    list_display = ["name", "branch", "webhook_masked", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["branch"]
    actions = ["send_test"]

    @admin.display(description=_("webhook address"))
    def webhook_masked(self, robot):
        return robot.webhook_masked

    @admin.action(description=_("Send a test message"), permissions=["change"])
    def send_test(self, request, queryset):
        for robot in queryset:
            try:
                wecom_post(
                    robot.webhook_url,
                    str(_("**ebank test message**\nThis group will receive the reminders of ebank.")),
                )
            except ChannelDown as error:
                message = _("%(robot)s: not sent (%(error)s)") % {"robot": robot, "error": error}
                self.message_user(request, message, messages.ERROR)
            else:
                message = _("%(robot)s: test message sent.") % {"robot": robot}
                self.message_user(request, message, messages.SUCCESS)
