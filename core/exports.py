"""XLSX and CSV downloads with Swedish headers and ISO dates, used by every app's exports.

This module is the one place where values become spreadsheet cells, and it treats every
string as text a user may have written:

- XLSX: a string is always a string cell. openpyxl would otherwise store any string that
  starts with ``=`` as a live formula (``=HYPERLINK(…)`` in a registrant's name) and ``#N/A``
  as an error value. Strings that a spreadsheet would read as a formula when the cell is
  edited also get Excel's quote-prefix style, so they stay text after an edit.
- CSV: a value beginning with ``= + - @``, tab or carriage return gets a leading single
  quote, as OWASP recommends against CSV injection.

Numbers, dates and times the portal itself writes stay numbers, dates and times.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP "CSV Injection": cells beginning with these are read as formulas by spreadsheets.
CSV_DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit for the text of a list validation (the values joined by commas).
LIST_VALIDATION_MAX = 255
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    headers: Sequence[str]
    rows: Iterable[Sequence]
    # header -> allowed values: the column gets a drop-down list (a list validation).
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _cell(value):
    """ISO dates; aware datetimes as local time without zone (Excel has no zones); strings
    without the control characters a worksheet cannot hold."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, (int, float, dt.date, dt.time)) or _is_decimal(value):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _is_decimal(value) -> bool:
    from decimal import Decimal

    return isinstance(value, Decimal)


def is_dangerous(text: str) -> bool:
    """True if a spreadsheet would take the text as a formula."""
    return text.startswith(CSV_DANGEROUS_PREFIXES)


def csv_text(value) -> str:
    """A value as CSV text; a string that a spreadsheet would run gets a leading quote."""
    value = _cell(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if is_dangerous(value) else value
    return str(value)


def _width(value) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


def _write_row(ws, row_number: int, values: list) -> None:
    ws.append(values)
    for index, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = ws.cell(row_number, index)
            cell.data_type = "s"  # never a formula ("=…") or an error value ("#N/A")
            if is_dangerous(value):
                cell.quotePrefix = True
        elif isinstance(value, dt.datetime):
            ws.cell(row_number, index).number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            ws.cell(row_number, index).number_format = "yyyy-mm-dd"


def _add_choices(ws, headers: list[str], choices: Mapping[str, Sequence[str]]) -> None:
    for header, values in choices.items():
        text = ",".join(str(v) for v in values)
        if any(c in text for c in '"\n') or len(text) > LIST_VALIDATION_MAX:
            raise ValueError(f"Listan för {header!r} går inte att skriva som en Excel-lista.")
        letter = get_column_letter(headers.index(header) + 1)
        validation = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(validation)


def sheet_title(title) -> str:
    return _SHEET_TITLE_FORBIDDEN.sub("", str(title))[:31] or "Blad"


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet_title(sheet.title))
        headers = [_cell(h) for h in sheet.headers]
        _write_row(ws, 1, headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [_width(h) for h in headers]
        # ws.max_row scans every cell; count rows ourselves or a large sheet takes minutes.
        for row_number, row in enumerate(sheet.rows, start=2):
            values = [_cell(v) for v in row]
            _write_row(ws, row_number, values)
            for index, value in enumerate(values):
                widths[index] = min(60, max(widths[index], _width(value)))
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width + 2
        ws.freeze_panes = "A2"
        _add_choices(ws, [str(h) for h in headers], sheet.choices)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_MIME), filename)


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """UTF-8 with BOM and semicolons: what Swedish Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([csv_text(h) for h in headers])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    content = "\ufeff" + buffer.getvalue()
    return _attachment(HttpResponse(content, content_type="text/csv; charset=utf-8"), filename)
