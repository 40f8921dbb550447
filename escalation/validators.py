"""No patient data in a case: detect Swedish personnummer and samordningsnummer in free text.

A number counts when it has a possible birth date (samordningsnummer: day + 60) and a valid
Luhn check digit, written with or without century (YYMMDD-XXXX, YYYYMMDDXXXX) and with "-",
"+" (100 years or older), a space or nothing between date and the last four digits. Near
misses — a wrong check digit, an impossible date — are accepted: they are not identities, and
refusing them would block ordinary numbers such as diarienummer or phone numbers.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CANDIDATE = re.compile(
    r"(?<!\d)(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+ ]?)(?P<tail>\d{4})(?![\d])"
)


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
        try:
            dt.date(cent * 100 + year, month, day)
        except ValueError:
            continue
        return True
    return False


def find_personal_numbers(text: str) -> list[str]:
    """The personnummer/samordningsnummer in ``text``, as written."""
    found = []
    for match in CANDIDATE.finditer(text or ""):
        date, tail = match["date"], match["tail"]
        if _date_possible(match["century"], date) and luhn_ok(date + tail):
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
