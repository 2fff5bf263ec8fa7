"""What every printed document (ReportLab PDF) shares: the CJK font, the styles, and the rule that
what people typed is printed as text.

ReportLab's Paragraph reads its text as markup: `<img src="…"/>` makes it fetch a URL or read a
local file, and a stray `<script>` makes the whole document fail. So every text goes through
`paragraph()`, which escapes it: no markup ever comes from data. Besides, ReportLab is told here
to trust no host and no scheme, so that no markup can make the server fetch a URL (it would
still open a local path: only the code writes markup, and it names none).
"""

from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import LongTable, Paragraph

# Read by ReportLab the first time it opens a resource: no URL of any scheme is trusted.
rl_config.trustedHosts = ["nothing.invalid"]
rl_config.trustedSchemes = []

FONT = "STSong-Light"  # one of the PDF standard CJK fonts: no font file needed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=8, leading=10)
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=20, alignment=1)
SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=14, alignment=1)


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


def column_widths(rows: list[list], total: float, *, widest: int = 30) -> list[float]:
    """Widths for a table's columns in proportion to their longest text (a CJK character counts
    twice; a column counts as at least 6 and at most `widest` characters, so one long remark
    cannot squeeze the others to nothing), filling `total` points."""

    def width(value) -> int:
        text = str(value)
        return min(sum(2 if ord(char) > 0x2E80 else 1 for char in text), widest * 2)

    longest = [max(max(width(row[column]) for row in rows) + 2, 6) for column in range(len(rows[0]))]
    return [total * size / sum(longest) for size in longest]


def grid_table(rows: list[list], width: float) -> LongTable:
    """A printed table: every cell a paragraph of its text, a grid, the header row shaded and
    repeated on each page, a row that is too long split across pages."""
    table = LongTable(
        [[paragraph(cell) for cell in row] for row in rows],
        colWidths=column_widths(rows, width),
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    return table
