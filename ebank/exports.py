"""What every spreadsheet the back office writes shares: a text cell a spreadsheet would read as
a formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a leading `'`, and keeps its
text otherwise; numbers stay numbers.

The admin's list exports (django-import-export) use the formats below; the assessment's CSV and
XLSX call `escape_formula` themselves.
"""

import re

from import_export.admin import ExportMixin as LibraryExportMixin
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def escape_formula(value):
    """Make a text cell inert: a leading ' keeps a spreadsheet from reading it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


class _Escaping:
    """Replaces the library's escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), which drops a
    leading "=" and so changes the text, and leaves + - @ alone."""

    def _escape_formulae(self, dataset):
        for _ in range(len(dataset)):
            dataset.append([escape_formula(cell) for cell in dataset.lpop()])


class CSV(_Escaping, base_formats.CSV):
    pass


class TSV(_Escaping, base_formats.TSV):
    pass


class XLSX(_Escaping, base_formats.XLSX):
    pass


# A CSV the browser downloads starts with a UTF-8 byte order mark: Excel then reads its Chinese
# as UTF-8 (without it, Excel on a Chinese Windows assumes GBK and shows mojibake).
CSV_DOWNLOAD_ENCODING = "utf-8-sig"


def csv_download(content: bytes) -> bytes:
    """A UTF-8 CSV as a browser download: with its byte order mark."""
    return content if content.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + content


class ExportMixin(LibraryExportMixin):
    """django-import-export's export button, offering only the formats above; text formats are
    written for Excel (CSV_DOWNLOAD_ENCODING)."""

    formats = [CSV, XLSX, TSV]
    to_encoding = CSV_DOWNLOAD_ENCODING
