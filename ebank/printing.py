"""What every printed document (ReportLab PDF) shares: the CJK font, the styles, and the rule that
what people typed is printed as text.

ReportLab's Paragraph reads its text as markup: `<img src="…"/>` makes it fetch a URL or read a
local file, and a stray `<script>` makes the whole document fail. So every text goes through
`paragraph()`, which escapes it: no markup ever comes from data. Besides, ReportLab is told here
to trust no host and no scheme, so that no markup can make the server fetch a URL (it would
still open a local path: only the code writes markup, and it names none).
"""

import re
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph

# Read by ReportLab the first time it opens a resource: no URL of any scheme is trusted.
rl_config.trustedHosts = ["nothing.invalid"]
rl_config.trustedSchemes = []

# A TrueType CJK font shipped with the code (ebank/fonts/README.md), embedded (as a subset) in every
# PDF: a viewer needs no Chinese font of its own. It is also every canvas's first font, so that no
# page names a font it does not carry.
FONT = "WenQuanYiMicroHei"
pdfmetrics.registerFont(
    TTFont(FONT, str(Path(__file__).parent / "fonts" / "wqy-microhei.ttc"), subfontIndex=0)
)
rl_config.canvas_basefontname = FONT
TEXT = ParagraphStyle("text", fontName=FONT, bulletFontName=FONT, fontSize=8, leading=10)
TEXT_RIGHT = ParagraphStyle("text right", parent=TEXT, alignment=2)
TITLE = ParagraphStyle("title", parent=TEXT, fontSize=16, leading=20, alignment=1)
SUBTITLE = ParagraphStyle("subtitle", parent=TEXT, fontSize=10, leading=14, alignment=1)
HEADING = ParagraphStyle("heading", parent=TEXT, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
SIGNATURES = ParagraphStyle("signatures", parent=TEXT, fontSize=10, leading=22, spaceBefore=18)
DATE_LINE = ParagraphStyle("date line", parent=SIGNATURES, alignment=2, spaceBefore=6)


class PageCountCanvas(Canvas):
    """A canvas that numbers its pages "page n of m" at the foot, right (m is known once the
    whole document is laid out: each page is kept until the end, then numbered)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_pages = []

    def showPage(self):
        self._kept_pages.append(dict(self.__dict__))
        self._startPage()

    # A word printed on every page, large at the top right and across the page (草稿 on a draft).
    stamp = ""

    def save(self):
        total = len(self._kept_pages)
        for state in self._kept_pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT, 9)
            self.drawRightString(
                self._pagesize[0] - 15 * mm,
                10 * mm,
                _("page %(n)d of %(total)d") % {"n": self._pageNumber, "total": total},
            )
            if self.stamp:
                self._draw_stamp()
            self.restoreState()
            super().showPage()
        super().save()

    def _draw_stamp(self):
        width, height = self._pagesize
        self.setFont(FONT, 16)
        self.setFillColorRGB(0.7, 0.1, 0.1)
        self.drawRightString(width - 15 * mm, height - 10 * mm, self.stamp)
        # Drawn over the page's text, so see-through: the figures stay legible beneath it.
        self.setFillColorRGB(0.7, 0.1, 0.1)
        self.setFillAlpha(0.08)
        self.setFont(FONT, 110)
        self.translate(width / 2, height / 2)
        self.rotate(45)
        self.drawCentredString(0, -40, self.stamp)


def stamped_canvas(stamp: str) -> type:
    """A PageCountCanvas that prints `stamp` on every page (草稿 on a draft's every page)."""
    return type("StampedCanvas", (PageCountCanvas,), {"stamp": stamp})


# A printed cell holds at most this much of a text (a page of a register holds about 2,000
# characters a cell): the rest is shown on screen, and a cell cannot outgrow a page.
CELL_CHARS = 1_500


def as_markup(text, limit: int | None = CELL_CHARS) -> str:
    """Return any value as ReportLab markup that shows exactly its text (line breaks kept), cut
    at `limit` characters with an ellipsis."""
    text = str(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def paragraph(text, style: ParagraphStyle = TEXT, limit: int | None = CELL_CHARS) -> Paragraph:
    """A paragraph that prints `text` as it was typed, whatever characters it holds."""
    return Paragraph(as_markup(text, limit), style)


def text_units(value) -> int:
    """How wide a text prints, in half-ems: a CJK character counts two, any other one."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in str(value))


# A cell's padding, left and right together, in points (ReportLab's default: 6 a side).
CELL_PADDING = 12


def _column_needs(rows: list[list], widest: int, size: float) -> list[tuple[float, float, bool]]:
    """Per column: the width its values need on one line, measured in the font (a header may wrap
    to three lines, a long text counts `widest` CJK characters), the width of its longest text, and
    whether it is short (a time, a name, an amount, a masked card number: ten CJK characters at
    most, never wrapped if the page allows)."""
    header, body = rows[0], rows[1:]
    columns = []
    for column in range(len(header)):
        texts = [str(row[column]) for row in body]
        longest = max((pdfmetrics.stringWidth(text, FONT, size) for text in texts), default=0)
        short = max((text_units(text) for text in texts), default=0) <= 20
        title = pdfmetrics.stringWidth(str(header[column]), FONT, size)
        need = max(min(longest, widest * size), min(title, max(4 * size, title / 3)), 2 * size)
        columns.append((need + CELL_PADDING, max(longest, need) + CELL_PADDING, short))
    return columns


def natural_width(rows: list[list], *, widest: int = 30, size: float = 8) -> float:
    """The width, in points, a table needs for its values not to wrap (see column_widths)."""
    return sum(need for need, _full, _short in _column_needs(rows, widest, size))


def column_widths(rows: list[list], total: float, *, widest: int = 30, size: float = 8) -> list[float]:
    """Widths, in points, for a table's columns that fill `total`.

    Each column first gets what its values need on one line — a time, a name, a number do not
    wrap — with a header allowed to wrap to three lines (at least four characters wide) and a
    long text counted at `widest` characters. The room left goes to the columns whose text is
    longer than that (remarks, findings). If the columns need more than `total`, the long texts
    give way first, then every column alike.
    """
    columns = _column_needs(rows, widest, size)
    needs = [need for need, _full, _short in columns]
    natural = sum(needs)
    if natural >= total:
        rigid = sum(need for need, _full, short in columns if short)
        flexible = natural - rigid
        if flexible and rigid < total:
            scale = (total - rigid) / flexible
            return [need if short else need * scale for need, _full, short in columns]
        return [total * need / natural for need in needs]
    spare, wanting = total - natural, [full - need for need, full, _short in columns]
    weights = wanting if sum(wanting) else needs
    return [need + spare * weight / sum(weights) for need, weight in zip(needs, weights)]


# A number as ebank/formatting.py writes it (143,163 · 36,509.30 · 103.14% · +1.25 · −0.50), or a dash.
_NUMBER = re.compile(r"[+−-]?[\d,]+(\.\d+)?%?|—")


def _numeric_columns(rows: list[list]) -> set[int]:
    body = rows[1:]
    return {
        column
        for column in range(len(rows[0]))
        if body
        and all(_NUMBER.fullmatch(str(row[column])) or row[column] == "" for row in body)
        and any(str(row[column]) for row in body)
    }


def grid_table(rows: list[list], width: float) -> LongTable:
    """A printed table: every cell a paragraph of its text, a grid, the header row shaded and
    repeated on each page, a row that is too long split across pages; a column of numbers is
    aligned right."""
    numeric = _numeric_columns(rows)
    table = LongTable(
        [[paragraph(cell) for cell in rows[0]]]
        + [
            [paragraph(cell, TEXT_RIGHT if column in numeric else TEXT) for column, cell in enumerate(row)]
            for row in rows[1:]
        ],
        colWidths=column_widths(rows, width, size=TEXT.fontSize),
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # a table's own default would be Helvetica
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table
