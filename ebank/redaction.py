"""Safety nets that keep card and ID numbers out of logs and error pages, wherever they came from.

The code never writes a clear number on purpose (pii.py hashes and masks them as they are read);
these catch what a request, a local variable or an exception message might still carry.
"""

import logging
import re

from django.views.debug import ExceptionReporter

from ebank import pii

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Every run of 16 digits or more, whatever stands beside it: in a log, a number may follow other
# digits (JSON writes 号 as \u53f7, so "号6212…" becomes "\u53f76212…"). Masking too much here
# costs nothing.
_CARD = re.compile(r"\d{16,}")


# An ATM sticker's link holds its secret (terminals/stickers.py): a log keeps the address without it.
_STICKER = re.compile(r"(/inspections/scan/[^/\s]+/)[^/\s\"']+")


def mask_numbers(text: str) -> str:
    """Mask every run of digits in `text` that could be or contain a card or resident ID number,
    and the secret of a sticker's link."""
    text = _STICKER.sub(r"\1********", text)
    text = _ID.sub(lambda m: pii.resident_id_mask(m.group()), text)
    return _CARD.sub(lambda m: pii.card_mask(m.group()), text)


def _mask_all(value):
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {key: _mask_all(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_mask_all(item) for item in value)
    return value


class MaskingExceptionReporter(ExceptionReporter):
    """Django's error report (the DEBUG page, error e-mails) with numbers masked everywhere in it:
    request data, frame variables, the exception's message."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        for key in (
            "frames",
            "exception_value",
            "request_GET_items",
            "filtered_POST_items",
            "request_FILES_items",
            "request_COOKIES_items",
            "request_meta",
            "lastframe",
            "request_insecure_uri",
        ):
            if key in data:
                value = data[key]
                if not isinstance(value, (str, dict, list, tuple)) and hasattr(value, "__iter__"):
                    value = list(value)  # Django hands some items over as generators
                data[key] = _mask_all(value)
        return data


class MaskNumbersFilter(logging.Filter):
    """A logging filter that masks card and ID numbers in every record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_numbers(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_numbers(record.exc_text)
        return True
