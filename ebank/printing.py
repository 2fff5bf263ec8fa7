"""What every printed document (ReportLab PDF) shares: the CJK font, the styles, and the rule that
what people typed is printed as text.

ReportLab's Paragraph reads its text as markup: `<img src="…"/>` makes it fetch a URL or read a
local file, and a stray `<script>` makes the whole document fail. So every text goes through
`paragraph()`, which escapes it, and ReportLab is told here to trust no host and no scheme, so
that even markup written by the code cannot make the server fetch anything.
"""

from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph

# Read by ReportLab the first time it opens a resource: no URL of any scheme is trusted.
rl_config.trustedHosts = ["nothing.invalid"]
rl_config.trustedSchemes = []

FONT = "STSong-Light"  # one of the PDF standard CJK fonts: no font file needed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=8, leading=10)
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=20, alignment=1)
SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=14, alignment=1)


def as_markup(text) -> str:
    """Return any value as ReportLab markup that shows exactly its text (line breaks kept)."""
    return escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def paragraph(text, style: ParagraphStyle = TEXT) -> Paragraph:
    """A paragraph that prints `text` as it was typed, whatever characters it holds."""
    return Paragraph(as_markup(text), style)
