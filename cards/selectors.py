"""Reads on cards that carry logic."""

from django.db.models import QuerySet

from ebank import pii


def cards_matching(*, queryset: QuerySet, term: str) -> QuerySet:
    """Find cards by what a clerk types: a full card number, its last four digits, the holder's
    ID number, or the holder's name. Full numbers are looked up by their keyed hash."""
    term = term.strip().replace(" ", "")
    if term.isdigit() and 16 <= len(term) <= 19:
        return queryset.filter(number_hash=pii.keyed_hash(term))
    if term.isdigit() and len(term) == 4:
        return queryset.filter(last4=term)
    if len(term) == 18 and term[:17].isdigit():
        return queryset.filter(holder_id_hash=pii.resident_id_hash(term))
    return queryset.filter(holder_name=term)


def card_risk_checks_unrectified(*, queryset: QuerySet) -> QuerySet:
    """Card risk inspections whose findings still await rectification (the standing entries)."""
    from ebank.registers.selectors import entries_current

    return entries_current(queryset=queryset).exclude(findings="").filter(rectified_on__isnull=True)
