"""Reads on the registers that every area shares."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Concat

from .models import Confirmation


def entries_current(*, queryset: QuerySet) -> QuerySet:
    """The entries that stand: neither corrected by a later entry nor voiding entries themselves."""
    return queryset.filter(is_void=False, amendments__isnull=True)


def with_confirmation(*, queryset: QuerySet) -> QuerySet:
    """The entries annotated with `confirmed_at` and `confirmed_by_id` of their confirmation (复核),
    None while it waits."""
    confirmation = Confirmation.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return queryset.annotate(
        confirmed_at=Subquery(confirmation.values("confirmed_at")[:1]),
        confirmed_by_id=Subquery(confirmation.values("confirmed_by_id")[:1]),
        confirmed_by_username=Subquery(confirmation.values("confirmed_by__username")[:1]),
        confirmed_by_name=Subquery(
            confirmation.annotate(
                name=Concat("confirmed_by__last_name", "confirmed_by__first_name", output_field=CharField())
            ).values("name")[:1]
        ),
    )


def confirmations_waiting(*, queryset: QuerySet, second_person: str) -> QuerySet:
    """The standing entries of two-person work that their second person has not confirmed yet
    (待复核). Entries from before the rule name no second person and wait for nothing."""
    confirmed = Confirmation.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return (
        entries_current(queryset=queryset)
        .filter(**{f"{second_person}__isnull": False})
        .exclude(Exists(confirmed))
    )


def confirmations_overdue(*, user, now=None) -> list:
    """The entries of two-person work, in every register that has it, still unconfirmed
    CUSTODY_CONFIRM_HOURS after they were entered: a branch's people see those they entered or
    must confirm; the department's staff see every one in their scope. Oldest first."""
    from django.conf import settings
    from django.db.models import Q
    from django.urls import reverse
    from django.utils import timezone

    from ebank.org.roles import Role
    from ebank.org.scoping import scope_queryset

    from .declarations import registers

    now = now or timezone.now()
    before = now - datetime.timedelta(hours=settings.CUSTODY_CONFIRM_HOURS)
    found = []
    for declaration in registers():
        field = declaration.second_person
        if not field:
            continue
        waiting = confirmations_waiting(
            queryset=scope_queryset(user=user, queryset=declaration.model.objects.all()), second_person=field
        ).filter(entered_at__lt=before)
        if not (user.is_superuser or user.role == Role.STAFF):
            waiting = waiting.filter(Q(entered_by=user) | Q(**{field: user}))
        info = declaration.model._meta.app_label, declaration.model._meta.model_name
        for entry in waiting.select_related("branch", "entered_by", field):
            entry.register_name = declaration.model._meta.verbose_name_plural
            entry.admin_url = reverse("admin:%s_%s_change" % info, args=[entry.pk])
            found.append(entry)
    return sorted(found, key=lambda entry: entry.entered_at)
