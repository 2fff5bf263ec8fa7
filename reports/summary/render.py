"""A summary document (see document.py) written as Markdown, HTML or DOCX."""

import html
import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}

# The fonts of a Chinese official document; Word and LibreOffice fall back to another CJK font
# where these are not installed.
BODY_FONT, HEADING_FONT = "仿宋", "黑体"


def _md(text: str) -> str:
    """Text as Markdown shows it: HTML in it (a Markdown viewer would run it) escaped, and no
    link (`[x](javascript:…)`) made of it."""
    return html.escape(str(text), quote=False).replace("[", "\\[").replace("]", "\\]")


def _md_cell(text: str) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(document: dict) -> str:
    lines = [f"# {_md(document['title'])}", "", _md(document["author"]), ""]
    for block in document["blocks"]:
        if block["type"] == "heading":
            lines += ["#" * (block["level"] + 1) + " " + _md(block["text"]), ""]
        elif block["type"] == "paragraph":
            lines += [_md(block["text"]), ""]
        else:
            lines += [f"**{_md(block['caption'])}**", ""]
            lines.append("| " + " | ".join(_md_cell(cell) for cell in block["header"]) + " |")
            lines.append("|" + "|".join("---" for _ in block["header"]) + "|")
            lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in block["rows"]]
            lines.append("")
    return "\n".join(lines)


def to_html(document: dict, *, standalone: bool = True) -> str:
    """The document as HTML: a page of its own, or the body to show inside the admin."""
    template = "reports/year_summary.html" if standalone else "reports/year_summary_body.html"
    return render_to_string(template, {"document": document})


def _font(run, name: str, size: float, bold: bool = False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    # Word picks the font of Chinese characters from the East Asian slot, not from w:ascii.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _style_font(style, name: str, size: float, bold: bool = False):
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _widths(header: list[str], rows: list[list[str]], total_cm: float = 15.5) -> list[float]:
    """Column widths in proportion to the widest text of each column (a Chinese character counts
    twice), so that labels do not wrap in a narrow first column."""

    def width(text: str) -> int:
        return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

    longest = [max(width(row[column]) for row in [header, *rows]) + 2 for column in range(len(header))]
    return [total_cm * size / sum(longest) for size in longest]


def to_docx(document: dict) -> bytes:
    """The document as a Word file: title, headings, body in a Chinese font, tables."""
    doc = Document()
    doc.core_properties.title = document["title"]
    doc.core_properties.author = document["author"]
    doc.core_properties.language = "zh-CN"
    _style_font(doc.styles["Normal"], BODY_FONT, 14)
    _style_font(doc.styles["Heading 1"], HEADING_FONT, 16, bold=True)
    _style_font(doc.styles["Heading 2"], BODY_FONT, 14, bold=True)
    for style in ("Heading 1", "Heading 2"):
        doc.styles[style].paragraph_format.space_before = Pt(12)
        doc.styles[style].paragraph_format.space_after = Pt(6)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(document["title"]), "宋体", 22, bold=True)
    author = doc.add_paragraph()
    author.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(author.add_run(document["author"]), BODY_FONT, 14)

    for block in document["blocks"]:
        if block["type"] == "heading":
            heading = doc.add_heading(level=block["level"])
            _font(
                heading.add_run(block["text"]),
                HEADING_FONT if block["level"] == 1 else BODY_FONT,
                16 if block["level"] == 1 else 14,
                bold=True,
            )
        elif block["type"] == "paragraph":
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)  # two characters, as Chinese text is set
            _font(paragraph.add_run(block["text"]), BODY_FONT, 14)
        else:
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(block["caption"]), HEADING_FONT, 12, bold=True)
            table = doc.add_table(rows=1, cols=len(block["header"]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            for cell, text in zip(table.rows[0].cells, block["header"]):
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 11, bold=True)
            for row in block["rows"]:
                cells = table.add_row().cells
                for column, (cell, text) in enumerate(zip(cells, row)):
                    align = WD_ALIGN_PARAGRAPH.RIGHT if column else WD_ALIGN_PARAGRAPH.LEFT
                    cell.paragraphs[0].alignment = align
                    _font(cell.paragraphs[0].add_run(text), BODY_FONT, 11)
            widths = _widths(block["header"], block["rows"])
            for column, size in zip(table.columns, widths):
                column.width = Cm(size)  # the grid, which LibreOffice reads
            for row in table.rows:
                for cell, size in zip(row.cells, widths):
                    cell.width = Cm(size)  # the cells, which Word reads
            doc.add_paragraph()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(document: dict, fmt: str) -> bytes:
    """The document in one of FORMATS, as bytes."""
    if fmt == "md":
        return to_markdown(document).encode()
    if fmt == "html":
        return to_html(document).encode()
    if fmt == "docx":
        return to_docx(document)
    raise ValueError(fmt)
