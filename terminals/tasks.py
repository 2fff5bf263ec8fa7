import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def dormant_pos_refresh_task(as_of: str | None = None) -> int:
    """Idempotent: proposes each dormant POS once per month end (default: the last month end)."""
    day = (
        datetime.date.fromisoformat(as_of)
        if as_of
        else timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    )
    return services.dormant_pos_refresh(as_of=day)
