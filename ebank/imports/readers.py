"""Read an extract file as rows of text, streaming: memory stays flat however long the file.

CSV: UTF-8 (with or without BOM), or GB18030 when the file is not valid UTF-8; CRLF or LF.
XLSX: the first sheet. Blank rows are skipped but still counted, so row N is the N-th data row.

A file is untrusted input: before an XLSX is opened, its archive is checked for a size or a
compression ratio no extract has, and its XML is scanned (streaming, no entities) for rows wider
and cells longer than Excel itself allows. In both formats a row wider than Excel's widest
refuses the file, and a cell longer than MAX_CELL_CHARS is an error of its row and column.
"""

import codecs
import csv
import datetime
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 1 << 20
MAX_CELL_CHARS = 2_000  # longer than any name, address or remark an extract carries
XLSX_MAX_RATIO = 100  # a real sheet compresses 10-20 times; a decompression bomb, hundreds of times
XLSX_RATIO_FROM = 1 << 20  # the ratio is judged on members of 1 MB and more
# Excel's own limits: a file beyond them was not written by a spreadsheet.
EXCEL_MAX_ROWS, MAX_COLUMNS, EXCEL_MAX_CELL_CHARS = 1_048_576, 16_384, 32_767


class UnreadableFile(Exception):
    """The file cannot be read as CSV or XLSX at all."""


class FileRefused(UnreadableFile):
    """The file is beyond what an extract can be (size, compression, width): it is not read."""


class CellProblem(str):
    """A cell the reader already knows to be wrong, carrying the reason (the engine reports it)."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number from 1, cells as stripped text)
    size: int
    position: callable  # bytes read so far (for progress)
    encoding: str | None = None  # a CSV's text encoding
    close: callable = lambda: None  # release the file when its rows are not read here


_UTF16_OR_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def csv_encoding(path: Path) -> str:
    """Return "utf-8-sig" when the whole file is valid UTF-8, else "gb18030"; refuse UTF-16."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as stream:
        start = stream.read(4)
        stream.seek(0)
        if start.startswith(_UTF16_OR_32) or (len(start) >= 2 and b"\x00" in start[:2]):
            raise UnreadableFile(_("the file is UTF-16 text; save it as CSV in UTF-8 or GB18030"))
        try:
            while chunk := stream.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def open_table(path: Path, file_name: str | None = None) -> Table:
    """Open a .csv or .xlsx extract; raise UnreadableFile with a reason when it cannot be read."""
    name = (file_name or path.name).lower()
    if name.endswith(".xlsx"):
        return _open_xlsx(path)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _open_csv(path)
    raise UnreadableFile(_("the file must be a .csv or .xlsx file"))


def text_cell(text: str) -> str:
    """A cell as the engine reads it: stripped, or the reason it cannot be a value."""
    if len(text) > MAX_CELL_CHARS:
        return CellProblem(_("the cell holds more than %(n)s characters") % {"n": f"{MAX_CELL_CHARS:,}"})
    if "\x00" in text:
        return CellProblem(_("the cell holds a NUL character (a binary value, not text)"))
    return text.strip()


def _too_wide(row: int) -> FileRefused:
    return FileRefused(
        _("row %(row)d has more than %(n)s columns, more than Excel allows: not an extract")
        % {"row": row, "n": f"{MAX_COLUMNS:,}"}
    )


def _undecodable() -> UnreadableFile:
    # Only a file that is not valid UTF-8 is read as GB18030, so this is neither.
    return UnreadableFile(
        _("the file is not text in UTF-8 or GB18030 (it is binary, or another encoding); save it as CSV")
    )


def _open_csv(path: Path) -> Table:
    size = os.path.getsize(path)
    encoding = csv_encoding(path)
    raw = open(path, "rb")
    stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        stream.close()
        raise UnreadableFile(_("the file is empty")) from None
    except csv.Error as error:
        stream.close()
        raise UnreadableFile(_("not a CSV file: %(error)s") % {"error": error}) from None
    except UnicodeDecodeError:
        stream.close()
        raise _undecodable() from None
    if len(header) > MAX_COLUMNS:
        stream.close()
        raise _too_wide(0)

    def rows():
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if len(cells) > MAX_COLUMNS:
                    raise _too_wide(number)
                if any(cell.strip() for cell in cells):
                    yield number, [text_cell(cell) for cell in cells]
        except csv.Error as error:
            raise UnreadableFile(
                _("row %(row)d: the CSV is malformed: %(error)s") % {"row": reader.line_num, "error": error}
            ) from None
        except UnicodeDecodeError:
            raise _undecodable() from None
        finally:
            stream.close()

    return Table([text_cell(cell) for cell in header], rows(), size, raw.tell, encoding, stream.close)


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Excel keeps dates as date-times at midnight; the date columns accept that form too.
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)) and abs(value) >= 1e14:
        # Excel keeps 15 significant digits: a card or ID number typed as a number has lost its
        # last digits (and may still pass the Luhn check as another card).
        return CellProblem(
            _("a long number stored as a number loses its last digits in Excel; format the column as text")
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text_cell(str(value))


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB"


def xlsx_check(path: Path) -> int:
    """Refuse an XLSX that is not an extract before anything opens it: not a zip archive, an
    archive that expands beyond IMPORT_XLSX_MAX_MB or compresses like a bomb, XML with entities,
    rows or cells beyond Excel's own limits. Return the last row number of its sheets."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(_("not an XLSX file (an XLSX is a zip archive; this file is not one)")) from None
    with archive:
        members = archive.infolist()
        limit = settings.IMPORT_XLSX_MAX_MB << 20
        expanded = sum(member.file_size for member in members)
        if expanded > limit:
            raise FileRefused(
                _("the XLSX expands to %(size)s, more than the limit of %(limit)s")
                % {"size": _megabytes(expanded), "limit": _megabytes(limit)}
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size >= XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO:
                raise FileRefused(
                    _(
                        "%(member)s expands %(ratio)d times (%(size)s); a real sheet expands about 10 "
                        "to 20 times: the file is refused as a decompression bomb"
                    )
                    % {"member": member.filename, "ratio": ratio, "size": _megabytes(member.file_size)}
                )
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(_("not an XLSX file (the archive holds no workbook)"))
        # Every XML part, wherever it is stored: openpyxl finds a sheet through the workbook's
        # relationships, not by its path.
        parts = [name for name in sorted(names) if name.lower().endswith((".xml", ".rels"))]
        return max((_scan_xml(archive, name) for name in parts), default=0)


def _scan_xml(archive: zipfile.ZipFile, name: str) -> int:
    """Stream one part of the workbook through a parser that refuses entities, counting each row's
    cells and each cell's characters (memory stays flat whatever the part holds)."""
    from xml.sax import SAXParseException
    from xml.sax.handler import ContentHandler

    from defusedxml import DefusedXmlException
    from defusedxml.sax import make_parser

    class Scan(ContentHandler):
        row, cells, chars, in_text = 0, 0, 0, False

        def startElement(self, tag, attrs):
            tag = tag.rpartition(":")[2]
            if tag == "row":
                self.cells = 0
                try:
                    self.row = int(attrs.get("r") or self.row + 1)
                except ValueError:
                    self.row += 1
                if self.row > EXCEL_MAX_ROWS:
                    raise FileRefused(
                        _("%(part)s has a row numbered %(row)s, beyond Excel's last row")
                        % {"part": name, "row": f"{self.row:,}"}
                    )
            elif tag == "c":
                self.cells += 1
                if self.cells > MAX_COLUMNS:
                    raise _too_wide(max(self.row - 1, 0))
            if tag in ("c", "si"):  # a cell, or a shared string: its text counted from here
                self.chars = 0
            self.in_text = tag in ("v", "t", "f")

        def endElement(self, tag):
            self.in_text = False

        def characters(self, content):
            if not self.in_text:
                return
            self.chars += len(content)
            if self.chars > EXCEL_MAX_CELL_CHARS:
                raise FileRefused(
                    _("%(part)s holds a cell of more than %(n)s characters, beyond what Excel allows")
                    % {"part": name, "n": f"{EXCEL_MAX_CELL_CHARS:,}"}
                )

    parser, scan = make_parser(), Scan()
    parser.setContentHandler(scan)
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 16):
                parser.feed(chunk)
            parser.close()
    except DefusedXmlException:
        raise FileRefused(
            _("%(part)s declares XML entities; an extract never does") % {"part": name}
        ) from None
    except (SAXParseException, zipfile.BadZipFile, EOFError, OSError) as error:
        raise UnreadableFile(
            _("not an XLSX file: %(part)s is damaged (%(error)s)")
            % {"part": name, "error": type(error).__name__}
        ) from None
    return scan.row


def _open_xlsx(path: Path) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    last_row = xlsx_check(path)
    size = os.path.getsize(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableFile(_("not an XLSX file: %(error)s") % {"error": type(error).__name__}) from None
    if not workbook.worksheets:
        workbook.close()
        raise UnreadableFile(_("the workbook has no sheet"))
    sheet = workbook.worksheets[0]
    # The sheet's declared dimension may say anything; read the rows it really has.
    sheet.reset_dimensions()
    try:
        first = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    except (ValueError, TypeError, KeyError, IndexError) as error:
        workbook.close()
        raise UnreadableFile(
            _("row %(row)d: the sheet is damaged (%(error)s)") % {"row": 0, "error": type(error).__name__}
        ) from None
    header = [_xlsx_cell(cell) for cell in first]
    while header and header[-1] == "":
        header.pop()
    if not header:
        workbook.close()
        raise UnreadableFile(_("the first sheet is empty"))
    values = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    read = [0]

    def rows():
        try:
            for number, cells in enumerate(values, start=1):
                read[0] = number
                texts = [_xlsx_cell(cell) for cell in cells]
                if any(texts):
                    yield number, texts
        except (ValueError, TypeError, KeyError, IndexError) as error:
            # openpyxl meets a cell reference or a value no spreadsheet writes.
            raise UnreadableFile(
                _("row %(row)d: the sheet is damaged (%(error)s)")
                % {"row": read[0] + 1, "error": type(error).__name__}
            ) from None
        finally:
            workbook.close()

    # XLSX is compressed: report progress as the share of rows read, scaled to the file size.
    total_rows = max(last_row - 1, 1)
    return Table(header, rows(), size, lambda: int(size * min(read[0] / total_rows, 1)))
