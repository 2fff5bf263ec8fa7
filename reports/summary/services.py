"""Writes of the year-end summary: open a year's summary, edit its narrative, finalise it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ebank.audit import on_record

from ..models import YearSummary
from .selectors import year_summary_document, year_summary_draft


@transaction.atomic
def year_summary_open(*, year: int, by) -> YearSummary:
    """Start the summary of `year` from the generated narrative (or return the one there is)."""
    existing = YearSummary.objects.filter(year=year).first()
    if existing:
        return existing
    summary = year_summary_draft(year=year)
    on_record(summary, by=by)
    summary.save()
    return summary


@transaction.atomic
def year_summary_edit(*, summary: YearSummary, changes: dict[str, str], by) -> YearSummary:
    """Change the title or narrative paragraphs; refused once the summary is finalised."""
    summary = YearSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.is_final:
        raise ValidationError(_("The summary is finalised: it no longer changes."))
    allowed = {"title", *YearSummary.NARRATIVE_FIELDS}
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationError(_("%(field)s cannot be edited.") % {"field": field})
        setattr(summary, field, value)
    on_record(summary, by=by)
    summary.save()
    return summary


@transaction.atomic
def year_summary_finalise(*, summary: YearSummary, by) -> YearSummary:
    """Keep the document as it reads now; from then on it no longer changes."""
    summary = YearSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.is_final:
        raise ValidationError(_("The summary is already finalised."))
    summary.snapshot = year_summary_document(summary=summary)
    summary.finalised_at = timezone.now()
    summary.finalised_by = by
    on_record(summary, by=by, reason="定稿")
    summary.save()
    return summary
