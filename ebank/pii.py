"""Card and resident ID numbers: checked, hashed with a keyed hash, masked — never kept in clear.

The hash (HMAC-SHA256 with settings.CARD_HASH_KEY, hex) is the join key: the same number always
gives the same hash, and without the key nobody can recompute it from a list of card numbers.
The masked form is what people see.
"""

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.utils.translation import gettext_noop

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


# Every other digit, doubled, with its digits added (Luhn): applied with str.translate, in C.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def keyed_hash(value: str) -> str:
    """Return the keyed hash of a card or ID number (64 hex characters)."""
    return hmac.digest(settings.CARD_HASH_KEY.encode(), value.encode(), hashlib.sha256).hex()


def luhn_valid(number: str) -> bool:
    """Tell whether a string of digits passes the Luhn check."""
    if not number.isascii() or not number.isdigit():
        return False
    reverse = number[::-1]
    kept, doubled = reverse[0::2], reverse[1::2].translate(_LUHN_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(number)) % 10 == 0


def card_number_valid(number: str) -> bool:
    """A card number: 16 to 19 digits, Luhn-valid."""
    return 16 <= len(number) <= 19 and luhn_valid(number)


def card_mask(number: str) -> str:
    """Mask a card number as 622848******1234 (first six and last four digits shown)."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def resident_id_problem(number: str) -> str | None:
    """Return why an 18-character PRC resident ID number is invalid, or None when it is valid.

    The reason (to be translated by the caller) never contains the number itself.
    """
    if len(number) != 18:
        return gettext_noop("must be 18 characters")
    body, check = number[:17], number[17].upper()
    if not (body.isascii() and body.isdigit()) or check not in (
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "X",
    ):
        return gettext_noop("must be 17 digits and a digit or X")
    try:
        born = datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return gettext_noop("birth date is not a date")
    if born.year < 1900 or born > datetime.date.today():
        return gettext_noop("birth date is out of range")
    expected = ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]
    if check != expected:
        return gettext_noop("check digit is wrong")
    return None


def resident_id_mask(number: str) -> str:
    """Mask an ID number with its birth date hidden: 340421********123X."""
    return number[:6] + "*" * 8 + number[14:].upper()


def resident_id_hash(number: str) -> str:
    """Hash an ID number, a final x written as X so both spellings join."""
    return keyed_hash(number.upper())


# 16 to 19 digits, as typed on a card's face too: in groups split by single spaces or hyphens.
_CARD_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){15,18}(?!\d)", re.ASCII)
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", re.ASCII)


def text_mask_numbers(text: str) -> tuple[str, int]:
    """Mask, in free text, every valid resident ID and every run of 16 to 19 digits that passes the
    Luhn check; return the text and how many numbers were masked. Other numbers (serial numbers,
    references) stay as typed."""
    count = 0

    def resident_id(match):
        nonlocal count
        if resident_id_problem(match.group()) is not None:
            return match.group()
        count += 1
        return resident_id_mask(match.group())

    def card(match):
        nonlocal count
        digits = match.group().replace(" ", "").replace("-", "")
        if not card_number_valid(digits):
            return match.group()
        count += 1
        return card_mask(digits)

    text = _ID_RUN.sub(resident_id, text)
    return _CARD_RUN.sub(card, text), count


def free_text_mask(instance) -> list[str]:
    """Mask the card and ID numbers typed into a record's free-text fields (text fields without
    choices), before it is saved; return the names of the fields that held one, to warn the user."""
    from django.db import models

    masked = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
            continue
        if field.name.endswith(("_hash", "_masked")):
            continue
        value = getattr(instance, field.attname)
        if value:
            text, count = text_mask_numbers(value)
            if count:
                setattr(instance, field.attname, text)
                masked.append(str(field.verbose_name))
    instance.masked_fields = masked
    return masked


def looks_like_card_or_id(term: str) -> bool:
    """Tell whether a search term is a full card number (Luhn-valid) or a valid resident ID number,
    to travel by POST and be looked up by its hash, never to stand in a URL. Other long numbers
    (a transfer's reference, a serial number) are searched as they are."""
    term = term.strip().replace(" ", "")
    return card_number_valid(term) or (len(term) == 18 and resident_id_problem(term) is None)


HASHED_TERM = "hash:"


def search_term_hashed(term: str) -> str:
    """The search term that stands for a card or ID number in a URL: its keyed hash (an ID's final x
    written as X, as stored)."""
    return HASHED_TERM + keyed_hash(term.strip().replace(" ", "").upper())
