"""No patient data in a case: detect Swedish personnummer and samordningsnummer in free text.

The text is normalised first, so that what Word, a PDF or a copy from another system puts in
does not hide a number: Unicode NFKC (full-width digits, no-break spaces), zero-width and other
invisible format characters removed, every dash and minus sign mapped to ``-``, runs of white
space collapsed to one space and spaces around a dash between digits dropped.

A number then counts when it has a possible birth date (samordningsnummer: day + 60) and a
valid Luhn check digit, written with or without century (YYMMDD-XXXX, YYYYMMDDXXXX) and with
"-", "+" (100 years or older), a space or nothing between date and the last four digits. Near
misses — a wrong check digit, an impossible date — are accepted: they are not identities, and
refusing them would block ordinary numbers. A ten-digit run right after a telephone word
("tel", "telefon", "mobil", "växel", "+46") is a telephone number, not an identity.
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CANDIDATE = re.compile(
    r"(?<![\d-])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<tail>\d{4})(?![\d]|-\d)"
)
# Every dash and minus sign (Unicode category Pd, plus the minus signs that are not in it).
MINUS_SIGNS = "\u2212\u2796\ufe63\uff0d\u02d7\u207b\u208b"
PHONE_CONTEXT = re.compile(r"(?:\btel\.?|\btelefon\w*|\bmobil\w*|\bväxel\w*|\+46)\s*:?\s*$", re.I)
SPACES = re.compile(r"\s+")
DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d) ?- ?(?=\d)")


def normalise(text: str) -> str:
    """The text as the guard reads it (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width space/joiners, soft hyphen, BOM, word joiner …
            continue
        if category == "Pd" or char in MINUS_SIGNS:
            chars.append("-")
        else:
            chars.append(char)
    text = SPACES.sub(" ", "".join(chars))
    return DASH_BETWEEN_DIGITS.sub("-", text)


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_possible(century: str | None, yymmdd: str) -> bool:
    year, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if day > 60:  # samordningsnummer
        day -= 60
    centuries = [int(century)] if century else [18, 19, 20]
    for cent in centuries:
        if cent not in (18, 19, 20):
            continue
        try:
            dt.date(cent * 100 + year, month, day)
        except ValueError:
            continue
        return True
    return False


def find_personal_numbers(text: str) -> list[str]:
    """The personnummer/samordningsnummer in ``text``, as they read after normalising."""
    clean = normalise(text)
    found = []
    for match in CANDIDATE.finditer(clean):
        date, tail = match["date"], match["tail"]
        if not (_date_possible(match["century"], date) and luhn_ok(date + tail)):
            continue
        if PHONE_CONTEXT.search(clean[max(0, match.start() - 12) : match.start()]):
            continue
        found.append(match.group(0))
    return found


def mask(number: str) -> str:
    return number[:-4] + "XXXX"


def validate_no_personal_number(value: str) -> None:
    numbers = find_personal_numbers(value)
    if numbers:
        raise ValidationError(
            _(
                "Texten innehåller något som ser ut som ett personnummer eller "
                "samordningsnummer (%(number)s). Ärenden får inte innehålla patientuppgifter: "
                "ta bort numret och beskriv händelsen utan uppgifter som kan peka ut en person."
            ),
            code="personal_number",
            params={"number": ", ".join(mask(n) for n in numbers)},
        )
