"""The inbox (通知): a person's own notifications, newest first; opening one marks it read and goes
to what it is about; all can be marked read at once. Nobody reads another person's."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import selectors, services


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
