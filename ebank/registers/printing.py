"""A register's month as the paper register is filed: A4 pages in Chinese, one place (a branch, or
a terminal), every entry (corrections and voids included), the signature lines at the foot."""

import datetime
import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from ebank.dates import local_midnight
from ebank.printing import FONT, SUBTITLE, TITLE, grid_table, paragraph

from .declarations import declaration_for
from .models import Entry


def _cell(entry: Entry, name: str) -> str:
    field = entry._meta.get_field(name)
    value = getattr(entry, name)
    if field.choices:
        return getattr(entry, f"get_{name}_display")()
    if isinstance(value, bool):
        return "√" if value else "×"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%m-%d %H:%M")
    if value is None:
        return ""
    return formats.localize(value) if not isinstance(value, str) else value


def logbook_month_pdf(*, queryset, year: int, month: int, place: str) -> bytes:
    """Print the month's entries of one register (a queryset already scoped to one place);
    `place` names that place in the heading."""
    model: type[Entry] = queryset.model
    declaration = declaration_for(model)
    start = local_midnight(datetime.date(year, month, 1))
    end = local_midnight(datetime.date(year + month // 12, month % 12 + 1, 1))
    entries = list(
        queryset.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("entered_by")
        .order_by("occurred_at", "id")
    )
    columns = [name for name in model.entry_fields if name not in (declaration.place.field, "branch")]
    shown = [spec.shown for spec in declaration.write_only.values()]  # a card number, masked
    columns = [*shown, *columns]
    header = [
        "#",
        *(str(model._meta.get_field(name).verbose_name) for name in columns),
        _("entered by"),
        _("standing"),
    ]
    rows = [header]
    for entry in entries:
        standing = ""
        if entry.amends_id:
            verb = _("voids") if entry.is_void else _("corrects")
            standing = f"{verb} #{entry.amends_id}: {entry.correction_reason}"
        rows.append(
            [
                str(entry.pk),
                *(_cell(entry, name) for name in columns),
                entry.entered_by.get_full_name() or entry.entered_by.username,
                standing,
            ]
        )
    pagesize = landscape(A4) if len(columns) > 6 else A4
    table = grid_table(rows, pagesize[0] - 24 * mm)
    title = str(model._meta.verbose_name_plural)
    signature = (
        _(
            "Custodian (signature): ________    Custodian (signature): ________    "
            "Branch head (signature): ________"
        )
        if declaration.custodians
        else _("Checked by (signature): ________    Branch head (signature): ________")
    )

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 9)
        width = pagesize[0]
        canvas.drawString(15 * mm, 12 * mm, signature)
        canvas.drawRightString(width - 15 * mm, 12 * mm, _("page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=22 * mm,
        title=title,
    )
    document.build(
        [
            paragraph(title, TITLE),
            paragraph(
                _("%(place)s · %(year)d-%(month)02d · %(n)d entries")
                % {"place": place, "year": year, "month": month, "n": len(entries)},
                SUBTITLE,
            ),
            Spacer(1, 4 * mm),
            table,
        ],
        onFirstPage=page,
        onLaterPages=page,
    )
    return buffer.getvalue()
