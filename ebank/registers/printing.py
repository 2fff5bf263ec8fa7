"""A register's month as the paper register is filed: A4 pages in Chinese, one place (a branch, or
a terminal), every entry (corrections and voids included) with its running number, and the
signature lines of the people the declaration names at the foot of each page."""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from ebank import formatting
from ebank.dates import local_midnight, next_month_start
from ebank.printing import FONT, SUBTITLE, TITLE, PageCountCanvas, grid_table, natural_width, paragraph

from .declarations import declaration_for
from .models import Entry


def _cell(entry: Entry, name: str, completed: dict) -> str:
    field = entry._meta.get_field(name)
    value = completed[name] if completed.get(name) not in (None, "") else getattr(entry, name)
    if field.choices:
        return getattr(entry, f"get_{name}_display")()
    if isinstance(value, bool):
        return "√" if value else "×"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return formatting.amount(value, places=field.decimal_places)
    if isinstance(value, int):
        return formatting.count(value)
    return str(value)


def completed_values(declaration, entry) -> dict:
    """The entry's columns a later record filled in (a fault's clearance), if the register has any."""
    return declaration.completed_by(entry) if declaration.completed_by else {}


def signature_line(declaration) -> str:
    """The foot of each page: a line to sign for each person the register names."""
    return "    ".join(_("%(who)s (signature): __________") % {"who": who} for who in declaration.signers)


def logbook_month_pdf(*, queryset, year: int, month: int, place: str) -> bytes:
    """Print the month's entries of one register (a queryset already scoped to one place);
    `place` names that place in the heading."""
    model: type[Entry] = queryset.model
    declaration = declaration_for(model)
    start = local_midnight(datetime.date(year, month, 1))
    end = local_midnight(next_month_start(datetime.date(year, month, 1)))
    entries = list(
        queryset.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("entered_by")
        .prefetch_related(*declaration.prefetch)
        .order_by("occurred_at", "id")
    )
    columns = [name for name in model.entry_fields if name not in (declaration.place.field, "branch")]
    shown = [spec.shown for spec in declaration.write_only.values()]  # a card number, masked
    columns = [*shown, *columns]
    header = [
        _("No."),
        _("entry no."),
        *(str(model._meta.get_field(name).verbose_name) for name in columns),
        _("entered by"),
        _("standing"),
    ]
    line_of = {entry.pk: line for line, entry in enumerate(entries, start=1)}
    rows = [header]
    for line, entry in enumerate(entries, start=1):
        standing = ""
        if entry.amends_id:
            verb = _("voids") if entry.is_void else _("corrects")
            if entry.amends_id in line_of:
                standing = _("%(verb)s line %(line)d (#%(id)d): %(reason)s") % {
                    "verb": verb,
                    "line": line_of[entry.amends_id],
                    "id": entry.amends_id,
                    "reason": entry.correction_reason,
                }
            else:
                standing = f"{verb} #{entry.amends_id}: {entry.correction_reason}"
        if entry.is_late:
            entered = timezone.localtime(entry.entered_at)
            late = _("late entry, entered %(time)s") % {"time": f"{entered:%Y-%m-%d %H:%M}"}
            standing = f"{late}; {standing}" if standing else late
        rows.append(
            [
                str(line),
                f"#{entry.pk}",
                *(_cell(entry, name, completed_values(declaration, entry)) for name in columns),
                entry.entered_by.get_full_name() or entry.entered_by.username,
                standing,
            ]
        )
    # Portrait when the columns fit across it, else landscape.
    pagesize = A4 if natural_width(rows) <= A4[0] - 24 * mm else landscape(A4)
    table = grid_table(rows, pagesize[0] - 24 * mm)
    title = str(model._meta.verbose_name_plural)
    signature = signature_line(declaration)

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawString(15 * mm, 16 * mm, signature)
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
        canvasmaker=PageCountCanvas,
    )
    return buffer.getvalue()
