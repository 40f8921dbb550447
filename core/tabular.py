"""Reading uploaded XLSX/CSV tables for bulk imports, with a report per bad row.

Callers validate each row themselves and apply nothing unless every row is valid.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.uploads import detect_kind


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, wrong columns, empty)."""


@dataclass
class Row:
    number: int  # the row number the user sees in the spreadsheet (header is row 1)
    values: dict[str, str]


@dataclass
class RowReport:
    errors: dict[int, list[str]] = field(default_factory=dict)

    def add(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [
            _("Rad %(row)s: %(message)s") % {"row": row, "message": message}
            for row, messages in sorted(self.errors.items())
            for message in messages
        ]


def _norm(header) -> str:
    return " ".join(str(header or "").strip().lower().split())


def read_table(upload, *, required: list[str], optional: list[str] = ()) -> list[Row]:
    """Rows of an uploaded XLSX or CSV keyed by the lower-cased header names.

    Raises TableError with a Swedish message when the file or its columns are wrong.
    """
    kind = detect_kind(upload)
    if kind == "xlsx":
        table = _xlsx_rows(upload)
    elif kind == "csv":
        table = _csv_rows(upload)
    else:
        raise TableError(_("Filen måste vara en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))
    if not table:
        raise TableError(_("Filen är tom."))
    headers = [_norm(h) for h in table[0]]
    missing = [name for name in required if name not in headers]
    if missing:
        raise TableError(
            _("Kolumner saknas: %(missing)s. Filen ska ha kolumnerna: %(all)s.")
            % {"missing": ", ".join(missing), "all": ", ".join([*required, *optional])}
        )
    unknown = [h for h in headers if h and h not in {*required, *optional}]
    if unknown:
        raise TableError(_("Okända kolumner: %(unknown)s.") % {"unknown": ", ".join(unknown)})
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {
            h: ("" if v is None else str(v).strip())
            for h, v in zip(headers, raw, strict=False)
            if h
        }
        if any(values.values()):
            rows.append(Row(number, values))
    if not rows:
        raise TableError(_("Filen innehåller inga rader under rubrikraden."))
    return rows


def _xlsx_rows(upload) -> list[tuple]:
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:
        raise TableError(_("Excel-filen gick inte att läsa.")) from error
    sheet = workbook.worksheets[0]
    rows = [tuple(_excel_value(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _excel_value(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _csv_rows(upload) -> list[list[str]]:
    upload.seek(0)
    raw = upload.read()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    except csv.Error:
        # One column (e.g. a plain list of addresses) has no delimiter to find.
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))
