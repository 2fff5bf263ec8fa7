import pytest

from ebank import pii

# Valid test numbers, made for these tests (Luhn-valid card numbers; resident IDs with the right
# check digit).
CARD = "6228480402564890018"
RESIDENT_ID = "11010519491231002X"


def test_luhn():
    assert pii.luhn_valid("79927398713")
    assert not pii.luhn_valid("79927398710")
    assert pii.card_number_valid(CARD)
    assert not pii.card_number_valid(CARD[:-1] + "9")
    assert not pii.card_number_valid("4111111111111")  # too short although Luhn-valid


def test_card_mask_shows_first_six_and_last_four():
    assert pii.card_mask(CARD) == "622848*********0018"
    assert pii.card_mask("6228480402564891") == "622848******4891"


def test_keyed_hash_is_stable_and_keyed(settings):
    first = pii.keyed_hash(CARD)
    assert first == pii.keyed_hash(CARD) and len(first) == 64 and CARD not in first
    settings.CARD_HASH_KEY = "another-key"
    assert pii.keyed_hash(CARD) != first


@pytest.mark.parametrize(
    "number,problem",
    [
        (RESIDENT_ID, None),
        (RESIDENT_ID.lower(), None),
        ("110105194912310021", "check digit is wrong"),
        ("11010519491331002X", "birth date is not a date"),
        ("1101051949123100", "must be 18 characters"),
        ("11010519491231002A", "must be 17 digits and a digit or X"),
        ("110105180012310029", "birth date is out of range"),
    ],
)
def test_resident_id_checks(number, problem):
    assert pii.resident_id_problem(number) == problem


def test_resident_id_mask_hides_the_birth_date():
    assert pii.resident_id_mask(RESIDENT_ID) == "110105********002X"
    assert pii.resident_id_hash(RESIDENT_ID.lower()) == pii.resident_id_hash(RESIDENT_ID)


def test_free_text_masks_valid_numbers_only_however_they_are_typed():
    text, count = pii.text_mask_numbers(
        f"卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}、{CARD}，"
        f"证件 {RESIDENT_ID.lower()}；流水 2011060100001234，日期 2011-06-01 10:00，序列号 1234567890123456"
    )
    assert count == 3
    assert text == (
        "卡号 622848*********0018、622848*********0018，证件 110105********002X；"
        "流水 2011060100001234，日期 2011-06-01 10:00，序列号 1234567890123456"
    )
