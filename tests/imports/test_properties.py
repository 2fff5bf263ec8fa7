"""Property-based tests (hypothesis) of the parsers and validators behind every extract: whatever
a cell holds, the parser returns a value of the right kind or refuses with a reason — never a crash,
never the clear card or ID number in the reason — and a whole file with a bad cell is refused
naming the row and the column, with nothing written."""

import datetime
import string
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards.models import Card
from ebank import pii
from ebank.imports import columns
from ebank.imports.engine import extract_import
from tests.cards.factories import card_number, resident_id

cells = st.text(min_size=1, max_size=40).map(str.strip).filter(bool)
digits = st.text(alphabet=string.digits, min_size=1, max_size=25)


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to `body`."""
    return next(body + d for d in string.digits if pii.luhn_valid(body + d))


@given(st.text(alphabet=string.digits, min_size=15, max_size=18))
def test_every_number_with_its_luhn_digit_is_a_card_and_one_changed_digit_is_not(body):
    number = luhn_complete(body)
    assert columns.card_number(number) == number
    position = len(number) // 2
    changed = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1 :]
    with pytest.raises(ValueError) as refused:
        columns.card_number(changed)
    assert changed not in str(refused.value) and pii.card_mask(changed) in str(refused.value)


@given(st.one_of(cells, digits))
def test_a_card_cell_is_a_valid_number_or_a_reason_without_the_number(value):
    try:
        parsed = columns.card_number(value)
    except ValueError as error:
        assert len(value) < 10 or value not in str(error)
    else:
        assert pii.card_number_valid(parsed)


@st.composite
def resident_ids(draw):
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2010, 12, 31)))
    region = draw(st.sampled_from(["340421", "110101", "440305", "510104"]))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    check = pii.ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(body, pii.ID_WEIGHTS)) % 11]
    return body + check


@given(resident_ids())
def test_every_id_with_its_check_digit_is_accepted_and_a_wrong_check_digit_is_refused(number):
    assert columns.resident_id(number.lower()) == number.upper()
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    with pytest.raises(ValueError) as refused:
        columns.resident_id(wrong)
    assert "校验位错误" in str(refused.value) and wrong not in str(refused.value)


@given(st.one_of(cells, st.text(alphabet=string.digits + "Xx", min_size=18, max_size=18)))
def test_an_id_cell_is_a_valid_id_or_a_reason_without_the_id(value):
    try:
        parsed = columns.resident_id(value)
    except ValueError as error:
        assert len(value) < 10 or value not in str(error)
    else:
        assert pii.resident_id_problem(parsed) is None


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2))
def test_amounts_read_back_exactly(value):
    assert columns.amount()(f"{value:f}") == value


@given(cells)
def test_an_amount_cell_is_a_decimal_of_two_places_or_a_reason(value):
    try:
        parsed = columns.amount()(value)
    except ValueError as error:
        assert str(error)
    else:
        assert isinstance(parsed, Decimal) and parsed >= 0 and parsed.as_tuple().exponent >= -2


@given(st.dates())
def test_dates_read_back_and_excel_midnights_are_dates(day):
    assert columns.date(day.isoformat()) == day
    assert columns.date(f"{day.isoformat()} 00:00:00") == day


# China has kept +08:00 without summer time since 1992 (before: local mean time, and DST 1986–91).
@given(st.datetimes(min_value=datetime.datetime(1992, 1, 1)))
def test_date_times_are_local_shanghai_times(moment):
    moment = moment.replace(microsecond=0)
    parsed = columns.date_time(moment.strftime("%Y-%m-%d %H:%M:%S"))
    assert parsed.replace(tzinfo=None) == moment and parsed.utcoffset() == datetime.timedelta(hours=8)


@given(cells)
def test_date_cells_are_dates_or_reasons(value):
    for parse in (columns.date, columns.date_time, columns.boolean, columns.integer()):
        try:
            parse(value)
        except ValueError as error:
            assert str(error)


CARDS_HEADER = "card_no,holder_name,holder_id_no,branch_code,issued_on,status,closed_on,sms_alert,sms_since"
COLUMNS = CARDS_HEADER.split(",")


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    column=st.sampled_from(["card_no", "holder_id_no", "issued_on", "status", "sms_alert", "branch_code"]),
    value=st.text(alphabet=st.characters(exclude_characters=",\"\r\n"), min_size=1, max_size=30).filter(
        lambda v: v.strip() and v.strip() not in ("101", "0", "active", "2011-03-01")
    ),
    bad_row=st.integers(min_value=1, max_value=3),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_a_file_with_one_bad_cell_is_refused_naming_its_row_and_column(
    tree, tmp_path, column, value, bad_row, encoding
):
    import random

    rng = random.Random(2011)
    rows = []
    for row in (1, 2, 3):
        values = {
            "card_no": card_number(rng=rng),
            "holder_name": f"持卡人{row}",
            "holder_id_no": resident_id(rng=rng),
            "branch_code": "101",
            "issued_on": "2011-03-01",
            "status": "active",
            "closed_on": "",
            "sms_alert": "0",
            "sms_since": "",
        }
        if row == bad_row:
            values[column] = value
        rows.append(",".join(values[c] for c in COLUMNS))
    text = "\n".join([CARDS_HEADER, *rows]) + "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # GB18030 encodes all of Unicode; kept for clarity should the list change
    path = tmp_path / "cards.csv"
    path.write_bytes(data)
    outcome = extract_import(kind="cards", path=path)
    if outcome.errors:
        assert Card.objects.count() == 0
        for row, named, reason in outcome.errors:
            assert (row, named) == (bad_row, column) and reason
            assert not any(number in reason for number in text.split(",") if len(number) >= 16)
    else:
        # The value happened to be valid for its column (a Luhn-valid number, say): all imported.
        assert Card.objects.count() == 3
    Card.objects.all().delete()
