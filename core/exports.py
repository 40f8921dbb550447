"""XLSX and CSV downloads with Swedish headers and ISO dates, used by every app's exports."""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    headers: Sequence[str]
    rows: Iterable[Sequence]


def _cell(value):
    """ISO dates; aware datetimes as local time without zone (Excel has no zones)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return value


def _text(value) -> str:
    value = _cell(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        ws.append(list(sheet.headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [len(h) for h in sheet.headers]
        # ws.max_row scans every cell; count rows ourselves or a large sheet takes minutes.
        for row_number, row in enumerate(sheet.rows, start=2):
            values = [_cell(v) for v in row]
            ws.append(values)
            for index, value in enumerate(values):
                if isinstance(value, dt.datetime):
                    ws.cell(row_number, index + 1).number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, dt.date):
                    ws.cell(row_number, index + 1).number_format = "yyyy-mm-dd"
                widths[index] = min(60, max(widths[index], len(_text(value))))
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width + 2
        ws.freeze_panes = "A2"
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
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    content = "\ufeff" + buffer.getvalue()
    return _attachment(HttpResponse(content, content_type="text/csv; charset=utf-8"), filename)
