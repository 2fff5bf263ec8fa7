"""Read an extract file as rows of text, streaming: memory stays flat however long the file.

CSV: UTF-8 (with or without BOM), or GB18030 when the file is not valid UTF-8; CRLF or LF.
XLSX: the first sheet. Blank rows are skipped but still counted, so row N is the N-th data row.
"""

import codecs
import csv
import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

CHUNK = 1 << 20


class UnreadableFile(Exception):
    """The file cannot be read as CSV or XLSX at all."""


class CellProblem(str):
    """A cell the reader already knows to be wrong, carrying the reason (the engine reports it)."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number from 1, cells as stripped text)
    size: int
    position: callable  # bytes read so far (for progress)


def csv_encoding(path: Path) -> str:
    """Return "utf-8-sig" when the whole file is valid UTF-8, else "gb18030"."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as stream:
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


def _open_csv(path: Path) -> Table:
    size = os.path.getsize(path)
    raw = open(path, "rb")
    stream = io.TextIOWrapper(raw, encoding=csv_encoding(path), newline="")
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        stream.close()
        raise UnreadableFile(_("the file is empty")) from None
    except csv.Error as error:
        stream.close()
        raise UnreadableFile(_("not a CSV file: %(error)s") % {"error": error}) from None

    def rows():
        try:
            for number, cells in enumerate(reader, start=1):
                if any(cell.strip() for cell in cells):
                    yield number, [cell.strip() for cell in cells]
        except csv.Error as error:
            raise UnreadableFile(
                _("row %(row)d: the CSV is malformed: %(error)s") % {"row": reader.line_num, "error": error}
            ) from None
        finally:
            stream.close()

    return Table([cell.strip() for cell in header], rows(), size, raw.tell)


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
    return str(value).strip()


def _open_xlsx(path: Path) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    size = os.path.getsize(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(_("not an XLSX file: %(error)s") % {"error": type(error).__name__}) from None
    sheet = workbook.worksheets[0]
    total_rows = max((sheet.max_row or 1) - 1, 1)
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_xlsx_cell(cell) for cell in next(values)]
    except StopIteration:
        workbook.close()
        raise UnreadableFile(_("the first sheet is empty")) from None
    read = [0]

    def rows():
        try:
            for number, cells in enumerate(values, start=1):
                read[0] = number
                texts = [_xlsx_cell(cell) for cell in cells]
                if any(texts):
                    yield number, texts
        finally:
            workbook.close()

    # XLSX is compressed: report progress as the share of rows read, scaled to the file size.
    return Table(header, rows(), size, lambda: int(size * min(read[0] / total_rows, 1)))
