"""A summary document (see document.py) written as Markdown, HTML or DOCX."""

import html
import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}

# The fonts of a Chinese official document (GB/T 9704-2012: title 2号小标宋, body 3号仿宋, first
# level headings 黑体, second level 楷体); Word and LibreOffice fall back to another CJK font where
# one is not installed.
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT = "宋体", "仿宋", "黑体", "楷体"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = 22, 16, 12, 14  # 2号, 3号, 小四, 4号
# The type area of GB/T 9704 on A4: 156 × 225 mm, 37 mm from the top and 28 mm from the left;
# 22 lines a page (a line every 225/22 mm, about 29 pt).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINE_PITCH = Pt(29)


def closing(document: dict) -> tuple[str, str]:
    """The document's closing lines: who writes it (the union's department) and the date, as
    2011年12月31日 (a document kept before dates were recorded closes with its author only)."""
    day = document.get("date")
    if not day:
        return document["author"], ""
    year, month, date = (int(part) for part in day.split("-"))
    return document["author"], f"{year}年{month}月{date}日"


def _md(text: str) -> str:
    """Text as Markdown shows it: HTML in it (a Markdown viewer would run it) escaped, and no
    link (`[x](javascript:…)`) made of it."""
    return html.escape(str(text), quote=False).replace("[", "\\[").replace("]", "\\]")


def _md_cell(text: str) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(document: dict) -> str:
    lines = [f"# {_md(document['title'])}", ""]
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
    author, date = closing(document)
    lines += [_md(author), "", *([date, ""] if date else [])]
    return "\n".join(lines)


def to_html(document: dict, *, standalone: bool = True) -> str:
    """The document as HTML: a page of its own, or the body to show inside the admin."""
    template = "reports/year_summary.html" if standalone else "reports/year_summary_body.html"
    author, date = closing(document)
    return render_to_string(template, {"document": document, "author": author, "date": date})


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


def _widths(header: list[str], rows: list[list[str]], total_cm: float = 15.6) -> list[float]:
    """Column widths in proportion to the widest text of each column (a Chinese character counts
    twice), so that labels do not wrap in a narrow first column."""

    def width(text: str) -> int:
        return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

    longest = [max(width(row[column]) for row in [header, *rows]) + 2 for column in range(len(header))]
    return [total_cm * size / sum(longest) for size in longest]


def _page_number_footer(footer, alignment) -> None:
    """A footer with the page number as GB/T 9704 writes it: — 1 —, 4号 宋体."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = alignment
    _font(paragraph.add_run("— "), TITLE_FONT, PAGE_NUMBER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run()
    _font(run, TITLE_FONT, PAGE_NUMBER_SIZE)
    field.append(run._element)
    paragraph._p.append(field)
    _font(paragraph.add_run(" —"), TITLE_FONT, PAGE_NUMBER_SIZE)


def _body_paragraph(doc, text: str, *, indent: bool = True):
    paragraph = doc.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)  # two characters
    _font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph


def to_docx(document: dict) -> bytes:
    """The document as a Word file laid out as an official document (GB/T 9704): A4, its margins
    and type sizes, page numbers — 1 — outside, the closing with the department and the date."""
    doc = Document()
    doc.core_properties.title = document["title"]
    doc.core_properties.author = document["author"]
    doc.core_properties.language = "zh-CN"
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Mm(28)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: right
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)  # even pages: left

    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    _style_font(doc.styles["Heading 1"], HEADING_FONT, BODY_SIZE)
    _style_font(doc.styles["Heading 2"], SUBHEADING_FONT, BODY_SIZE)
    for style in ("Heading 1", "Heading 2"):
        doc.styles[style].paragraph_format.space_before = Pt(0)
        doc.styles[style].paragraph_format.space_after = Pt(0)
        doc.styles[style].paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(35)
    _font(title.add_run(document["title"]), TITLE_FONT, TITLE_SIZE, bold=True)
    doc.add_paragraph()  # a blank line between the title and the body

    for block in document["blocks"]:
        if block["type"] == "heading":
            heading = doc.add_heading(level=block["level"])
            _font(
                heading.add_run(block["text"]),
                HEADING_FONT if block["level"] == 1 else SUBHEADING_FONT,
                BODY_SIZE,
            )
        elif block["type"] == "paragraph":
            _body_paragraph(doc, block["text"])
        else:
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(block["caption"]), HEADING_FONT, TABLE_SIZE + 2)
            table = doc.add_table(rows=1, cols=len(block["header"]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            for cell, text in zip(table.rows[0].cells, block["header"]):
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE, bold=True)
            for row in block["rows"]:
                cells = table.add_row().cells
                for column, (cell, text) in enumerate(zip(cells, row)):
                    align = WD_ALIGN_PARAGRAPH.RIGHT if column else WD_ALIGN_PARAGRAPH.LEFT
                    cell.paragraphs[0].alignment = align
                    _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_SIZE)
            for row in table.rows:
                for cell in row.cells:
                    cell.paragraphs[0].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    cell.paragraphs[0].paragraph_format.first_line_indent = Pt(0)
            widths = _widths(block["header"], block["rows"])
            for column, size in zip(table.columns, widths):
                column.width = Cm(size)  # the grid, which LibreOffice reads
            for row in table.rows:
                for cell, size in zip(row.cells, widths):
                    cell.width = Cm(size)  # the cells, which Word reads
            doc.add_paragraph()

    # The closing: the department, and under it the date, right-aligned four characters in.
    author, date = closing(document)
    doc.add_paragraph()
    for text in (author, date):
        if text:
            line = _body_paragraph(doc, text, indent=False)
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            line.paragraph_format.right_indent = Pt(4 * BODY_SIZE)
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
