from django.contrib import admin

from ebank.org.admin_base import ReadOnlyAdminMixin, ScopedAdminMixin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The log of every message: to whom, on which channel, by which rule, about what, when, read."""

    list_display = ["created_at", "recipient", "channel", "rule", "subject", "read_at"]
    list_filter = ["channel", "rule", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "subject"]
    readonly_fields = [
        "recipient",
        "channel",
        "rule",
        "key",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
    ]
