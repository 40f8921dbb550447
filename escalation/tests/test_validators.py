import pytest
from django.core.exceptions import ValidationError

from escalation.validators import find_personal_numbers, luhn_ok, validate_no_personal_number


@pytest.mark.parametrize(
    "text",
    [
        "Patienten 19121212-1212 skrevs ut",  # with century and separator
        "pnr 191212121212",  # with century, no separator
        "811218-9876",  # without century, with separator
        "8112189876",  # without century or separator
        "811218+9876",  # "+": 100 years or older
        "811218 9876",  # a space as separator
        "samordningsnummer 701063-2391",  # day + 60
        "198112189876.",  # followed by punctuation
        "Ref:811218-9876",  # glued to a word
    ],
)
def test_valid_identity_numbers_are_refused_with_an_explanation(text):
    with pytest.raises(ValidationError) as error:
        validate_no_personal_number(text)
    message = error.value.messages[0]
    assert "personnummer" in message
    assert "patientuppgifter" in message
    assert "XXXX" in message  # the number is not echoed back in full
    assert "9876" not in message and "1212-1212" not in message


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "19121212-1213",  # wrong check digit, with century
        "811232-9878",  # day 32 (Luhn-valid but impossible date)
        "811318-9875",  # month 13
        "990230-1234",  # 30 February
        "811292-9875",  # samordningsnummer with day 92 (= 32)
        "Dnr HOS 2026-01234, tel 031-123 45 67",  # ordinary numbers
        "12345678901234",  # too long to be a number
        "",
    ],
)
def test_near_misses_and_ordinary_numbers_are_accepted(text):
    validate_no_personal_number(text)
    assert find_personal_numbers(text) == []


def test_luhn():
    assert luhn_ok("8112189876")
    assert not luhn_ok("8112189875")


def test_every_number_in_a_text_is_found():
    text = "Två: 811218-9876 och 701063-2391, inte 811218-9875."
    assert find_personal_numbers(text) == ["811218-9876", "701063-2391"]


def test_leap_day_counts_only_in_a_leap_year():
    assert find_personal_numbers("20000229-1235") == ["20000229-1235"]
    assert find_personal_numbers("000229-1235") == ["000229-1235"]  # 2000 is possible
    assert find_personal_numbers("19000229-1235") == []  # 1900 was no leap year


@pytest.mark.parametrize(
    "text",
    [
        "121212\u20131212",  # en dash, as Word writes it
        "121212\u20141212",  # em dash
        "121212\u22121212",  # minus sign
        "121212\u20101212",  # hyphen
        "121212\uff0d1212",  # full-width hyphen-minus
        "121212 - 1212",  # spaces around the dash
        "121212  1212",  # two spaces
        "121212\u00a01212",  # no-break space
        "1212\u200b12-1212",  # zero-width space inside
        "12\u200d1212\u20601212",  # zero-width joiner and word joiner
        "19121212\u00ad-1212",  # soft hyphen
        "\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",  # full-width digits
        "samordningsnummer 701063\u20132391",  # samordningsnummer with an en dash
    ],
)
def test_every_written_variant_is_found_after_normalising(text):
    assert find_personal_numbers(text), text
    with pytest.raises(ValidationError):
        validate_no_personal_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ring 031-123 45 67 eller 070-123 45 67",  # phone numbers
        "tel. 0701234567",
        "mobil: 0709876543",
        "+46 70 123 45 67",
        "+46701234567",
        "Diarienummer RS 2026-01234",  # diarienummer
        "Dnr HOS 2026-00123 och KS 2025/123",
        "Mötet 2026-10-15, uppföljning 15 oktober 2026",  # dates
        "20261015 och 2026-10-15 – 2026-11-30",
        "Postnummer 411 04 Göteborg, 503 38 Borås",  # postcodes
        "Faktura 4711-2026, belopp 12 345 kr",
    ],
)
def test_ordinary_numbers_are_not_mistaken_for_identities(text):
    assert find_personal_numbers(text) == []
    validate_no_personal_number(text)


def test_a_phone_word_only_excuses_the_number_right_after_it():
    assert find_personal_numbers("tel 031-12 34 56, pnr 121212-1212") == ["121212-1212"]
