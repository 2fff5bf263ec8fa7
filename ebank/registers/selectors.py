"""Reads on the registers that every area shares."""

from django.db.models import QuerySet


def entries_current(*, queryset: QuerySet) -> QuerySet:
    """The entries that stand: neither corrected by a later entry nor voiding entries themselves."""
    return queryset.filter(is_void=False, amendments__isnull=True)
