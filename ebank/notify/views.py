"""The inbox (通知): a person's own notifications, newest first; opening one marks it read and goes
to what it is about; all can be marked read at once. Nobody reads another person's. And where
and when the person is told besides (their channels, digest and quiet hours)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import selectors, services
from .models import NotificationSettings


@staff_member_required
def inbox(request):
    if request.method == "POST":
        services.notifications_read_all(user=request.user)
        return HttpResponseRedirect(reverse("inbox"))
    page = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "notify/inbox.html",
        {
            **admin.site.each_context(request),
            "title": _("Notifications"),
            "page": page,
            "unread": selectors.unread_count(user=request.user),
        },
    )


@staff_member_required
def notification_open(request, notification_id: int):
    notification = selectors.inbox(user=request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    services.notification_read(notification=notification, user=request.user)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return HttpResponseRedirect(notification.url)
    return HttpResponseRedirect(reverse("inbox"))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["by_email", "by_wecom", "wecom_userid", "digest", "quiet_from", "quiet_until"]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_from": _("Nothing by e-mail or WeCom between these two times (it waits until they end)."),
        }


@staff_member_required
def notification_settings(request):
    """Where and when the user is told: e-mail, WeCom, the 08:00 digest, quiet hours."""
    choice = services.settings_for(request.user)
    form = SettingsForm(request.POST or None, instance=choice)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return HttpResponseRedirect(reverse("notification-settings"))
    return TemplateResponse(
        request,
        "notify/settings.html",
        {
            **admin.site.each_context(request),
            "title": _("Where and when I am told"),
            "form": form,
            "email_configured": services.email_configured(),
            "robot": services.robot_for(request.user),
        },
    )
