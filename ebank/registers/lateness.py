"""补录 (a late entry): an entry entered more than LATE_ENTRY_HOURS after its event. The rule is
applied when an entry is saved (services._save) and, for rows written past the services, by
late_entries_mark (the migration that brought the rule, the demo county). Nothing here imports
the rest of the kit, so that migrations may use it."""

import datetime

from django.conf import settings
from django.db.models import Case, F, Value, When


def late(lateness: datetime.timedelta | None) -> bool:
    """Whether an entry entered that long after its event is 补录 (LATE_ENTRY_HOURS)."""
    return lateness is not None and lateness > datetime.timedelta(hours=settings.LATE_ENTRY_HOURS)


def late_entries_mark(model, *, hours: int) -> int:
    """Set `is_late` on every entry of `model` by the rule of services._judge_lateness, in a few
    statements (for rows written past the services: a migration, the demo county): an entry by
    its own time of entry; a correction that keeps the event's time keeps the standing of the
    entry it corrects. Returns the late count."""
    limit = datetime.timedelta(hours=hours)
    model.objects.update(
        is_late=Case(When(entered_at__gt=F("occurred_at") + limit, then=Value(True)), default=Value(False))
    )
    amendments = list(
        model.objects.filter(amends__isnull=False)
        .order_by("pk")
        .values_list("pk", "amends_id", "occurred_at")
    )
    standing = {
        pk: (at, is_late)
        for pk, at, is_late in model.objects.filter(
            pk__in={amends for _pk, amends, _at in amendments}
        ).values_list("pk", "occurred_at", "is_late")
    }
    late_ones, on_time = [], []
    for pk, amends, occurred_at in amendments:
        before_at, before_late = standing[amends]
        if occurred_at == before_at:
            (late_ones if before_late else on_time).append(pk)
            standing[pk] = (occurred_at, before_late)
        else:
            own = model.objects.filter(pk=pk).values_list("is_late", flat=True).first()
            standing[pk] = (occurred_at, own)
    model.objects.filter(pk__in=late_ones).update(is_late=True)
    model.objects.filter(pk__in=on_time).update(is_late=False)
    return model.objects.filter(is_late=True).count()
