"""Reads of the year-end summary: the document of a saved or an unsaved summary."""

from django.utils import timezone

from ..models import YearSummary
from .document import build_document, default_narrative, default_title
from .facts import union_name, year_facts


def year_summary_document(*, summary: YearSummary) -> dict:
    """The summary's document: the snapshot once finalised, else built from today's data."""
    if summary.is_final:
        return summary.snapshot
    narrative = {field: getattr(summary, field) for field in YearSummary.NARRATIVE_FIELDS}
    return build_document(
        facts=year_facts(year=summary.year),
        narrative=narrative,
        title=summary.title,
        date=timezone.localdate(),
    )


def year_summary_draft(*, year: int) -> YearSummary:
    """The summary of `year` as saved, or (unsaved) as a new one would start."""
    summary = YearSummary.objects.filter(year=year).first()
    if summary is None:
        summary = YearSummary(year=year, title=default_title(union=union_name(), year=year))
        for field, text in default_narrative(year=year).items():
            setattr(summary, field, text)
    return summary
