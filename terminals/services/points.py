"""Writes on the service points: closing one and reopening it, each with its day and reason, on
record in the point's history and in its list of closures and reopenings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ServicePoint, ServicePointEvent
from .fleet import _check_day, _check_reason, _save


@transaction.atomic
def service_point_close(*, point: ServicePoint, on: datetime.date, reason: str, by) -> ServicePoint:
    """Close a service point on the given day (it is no longer in force from that day)."""
    _check_reason(reason)  # before the point is touched: a refusal leaves the object as it was
    if point.status == ServicePoint.Status.CLOSED:
        raise ValidationError({"status": _("The service point is already closed.")})
    last_reopened = point.events.filter(kind=ServicePointEvent.Kind.REOPENED).order_by("-on").first()
    _check_day(on, last_reopened.on if last_reopened else point.opened_on)
    point.status, point.closed_on = ServicePoint.Status.CLOSED, on
    _save(point, by=by, reason=reason)
    ServicePointEvent.objects.create(
        point=point, kind=ServicePointEvent.Kind.CLOSED, on=on, reason=reason.strip(), recorded_by=by
    )
    return point


@transaction.atomic
def service_point_reopen(*, point: ServicePoint, on: datetime.date, reason: str, by) -> ServicePoint:
    """Reopen a closed service point on the given day: it is in force again (kpi.md knows one
    opening and one closing: the point counts as open since it first opened; the closure stays on
    record here)."""
    _check_reason(reason)
    if point.status != ServicePoint.Status.CLOSED:
        raise ValidationError({"status": _("Only a closed service point can be reopened.")})
    _check_day(on, point.closed_on)
    point.status, point.closed_on = ServicePoint.Status.ACTIVE, None
    _save(point, by=by, reason=reason)
    ServicePointEvent.objects.create(
        point=point, kind=ServicePointEvent.Kind.REOPENED, on=on, reason=reason.strip(), recorded_by=by
    )
    return point
