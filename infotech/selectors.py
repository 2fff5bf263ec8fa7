"""Reads on the IT log."""

import datetime

from django.db.models import Count

from ebank.dates import local_days
from ebank.registers.selectors import entries_current

from .models import ItMaintenance


def it_maintenance_counts(*, year: int) -> dict[str, int]:
    """The IT log's entries in a year, by category (the year-end summary states them)."""
    start, end = local_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    entries = entries_current(
        queryset=ItMaintenance.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    )
    counts = dict(entries.values("category").annotate(n=Count("id")).values_list("category", "n"))
    return {category: counts.get(category, 0) for category in ItMaintenance.Category.values}
