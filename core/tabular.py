"""Reading uploaded XLSX/CSV tables for bulk imports, with a report per bad row.

Callers validate each row themselves and apply nothing unless every row is valid.

The reader is bounded by what a file really holds, never by what it claims, and by the
limits in settings (``TABLE_MAX_*``): before openpyxl sees an .xlsx, its zip directory
(entries), its stated uncompressed size and the number of XML tags in its parts are checked;
a stated sheet size beyond the limits is refused; only the header's columns are read and
reading stops at the row limit. A hostile file (the pentest's 1.5 KB sheet claiming
16 384 columns, a zip bomb, a million shared strings) is refused in milliseconds.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# openpyxl's own sheet parser (what read-only iter_rows uses); see _sheet_rows.
from openpyxl.worksheet._reader import WorkSheetParser

from core.uploads import PackageError, check_zip_package, detect_kind, unreadable_message


class TableError(Exception):
    """The file as a whole cannot be read (wrong type, wrong columns, empty, too big)."""


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


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    uncompressed_bytes: int
    zip_entries: int
    xml_tags: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            rows=settings.TABLE_MAX_ROWS,
            columns=settings.TABLE_MAX_COLUMNS,
            uncompressed_bytes=settings.TABLE_MAX_UNCOMPRESSED_BYTES,
            zip_entries=settings.TABLE_MAX_ZIP_ENTRIES,
            xml_tags=settings.TABLE_MAX_XML_TAGS,
        )


def _n(number: int) -> str:
    return number_format(number, force_grouping=True)


def _norm(header) -> str:
    return " ".join(str(header or "").strip().lower().split())


def read_table(upload, *, required: list[str], optional: list[str] = ()) -> list[Row]:
    """Rows of an uploaded XLSX or CSV keyed by the lower-cased header names.

    Raises TableError with a Swedish message when the file or its columns are wrong, or when
    the file is larger than the limits.
    """
    limits = Limits.from_settings()
    if _is_zip(upload):
        _check_package(upload, limits)  # before anything walks the zip
    kind = detect_kind(upload)
    if kind == "xlsx":
        table = _xlsx_rows(upload, limits)
    elif kind == "csv":
        table = _csv_rows(upload, limits)
    else:
        raise TableError(_("Filen måste vara en Excel-fil (.xlsx) eller en CSV-fil (.csv)."))
    header = next(table, None)
    if header is None:
        raise TableError(_("Filen är tom."))
    headers = [_norm(h) for h in header]
    _check_columns(headers, required, optional)
    rows = []
    for number, raw in table:
        values = {
            h: ("" if v is None else str(v).strip())
            for h, v in zip(headers, raw, strict=False)
            if h
        }
        if any(values.values()):
            if len(rows) == limits.rows:
                raise TableError(
                    _(
                        "Filen har fler än %(max)s rader under rubrikraden. Dela upp den i flera filer."
                    )
                    % {"max": _n(limits.rows)}
                )
            rows.append(Row(number, values))
    if not rows:
        raise TableError(_("Filen innehåller inga rader under rubrikraden."))
    return rows


def _check_columns(headers: list[str], required, optional) -> None:
    missing = [name for name in required if name not in headers]
    if missing:
        raise TableError(
            _("Kolumner saknas: %(missing)s. Filen ska ha kolumnerna: %(all)s.")
            % {"missing": ", ".join(missing), "all": ", ".join([*required, *optional])}
        )
    unknown = [h for h in headers if h and h not in {*required, *optional}]
    if unknown:
        raise TableError(_("Okända kolumner: %(unknown)s.") % {"unknown": ", ".join(unknown)})


# --- XLSX ------------------------------------------------------------------------------------
def _is_zip(upload) -> bool:
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head == b"PK\x03\x04"


def _unreadable() -> TableError:
    return TableError(unreadable_message())


def _check_package(upload, limits: Limits) -> None:
    try:
        check_zip_package(
            upload,
            max_entries=limits.zip_entries,
            max_uncompressed=limits.uncompressed_bytes,
            max_tags=limits.xml_tags,
        )
    except PackageError as error:
        raise TableError(str(error)) from error


def _xlsx_rows(upload, limits: Limits):
    """The header row, then (row number, values) of the header's columns only."""
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise _unreadable() from error
    _check_claimed_size(sheet, limits)
    try:
        yield from _sheet_rows(workbook, sheet, limits)
    except TableError:
        raise
    except Exception as error:
        raise _unreadable() from error
    finally:
        workbook.close()


def _sheet_rows(workbook, sheet, limits: Limits):
    """The rows the sheet's XML really holds, never the size it claims.

    openpyxl's read-only ``iter_rows`` yields a row for every row number up to the claimed
    (or the last) one and pads each to the claimed width: a value in row 1 048 576 means a
    million empty rows. Its sheet parser, which ``iter_rows`` uses, yields only the rows that
    exist, with their numbers; the cost of the cells it parses is bounded by the tag count.
    """
    parser = WorkSheetParser(
        workbook._archive.open(sheet._worksheet_path),
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    width = None  # columns of the header row, once read
    try:
        for number, cells in parser.parse():
            if width is None:
                header = _values(cells, limits.columns) if number == 1 else ()
                width = max((i + 1 for i, v in enumerate(header) if _norm(v)), default=0)
                yield header[:width]
            if number > 1 and width:
                yield number, _values(cells, width)
    finally:
        parser.source.close()


def _values(cells: list[dict], width: int) -> tuple:
    values = [None] * width
    for cell in cells:
        if cell["column"] <= width:
            values[cell["column"] - 1] = _excel_value(cell["value"])
    return tuple(values)


def _check_claimed_size(sheet, limits: Limits) -> None:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > limits.rows + 1 or columns > limits.columns:
        raise TableError(
            _(
                "Filen anger att bladet har %(columns)s kolumner och %(rows)s rader. Portalen "
                "läser högst %(max_columns)s kolumner och %(max_rows)s rader under rubrikraden. "
                "Spara om filen med bara mallens kolumner och rader, eller ladda ner mallen på "
                "nytt."
            )
            % {
                "columns": _n(columns),
                "rows": _n(rows),
                "max_columns": _n(limits.columns),
                "max_rows": _n(limits.rows),
            }
        )


def _excel_value(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- CSV -------------------------------------------------------------------------------------
def _not_text() -> TableError:
    return TableError(
        _(
            "CSV-filen gick inte att läsa: den innehåller tecken som inte är text. Spara den som "
            "CSV (UTF-8) och försök igen."
        )
    )


def _lines(text: str):
    """The text's lines one at a time (io.StringIO would hold a four-byte-per-character copy
    of the whole file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _delimiter(text: str) -> str:
    """The delimiter the header line uses most (Swedish Excel writes semicolons); a single
    column (a plain list of addresses) has none, and any will do."""
    header = text[: text.find("\n")] if "\n" in text else text
    return max(";,\t", key=header.count)


def _csv_rows(upload, limits: Limits):
    if upload.size > limits.uncompressed_bytes:
        raise TableError(
            _("Filen är större än %(max)s, mer än portalen läser.")
            % {"max": filesizeformat(limits.uncompressed_bytes)}
        )
    upload.seek(0)
    raw = upload.read()
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise _not_text()
    del raw
    reader = csv.reader(_lines(text), delimiter=_delimiter(text))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > limits.columns:
                raise TableError(
                    _("Rad %(row)s har fler än %(max)s kolumner.")
                    % {"row": number, "max": _n(limits.columns)}
                )
            yield row if number == 1 else (number, row)
    except csv.Error as error:
        raise TableError(
            _(
                "CSV-filen gick inte att läsa på rad %(row)s: ett fält är längre än %(max)s "
                "tecken eller ett citattecken saknar sitt slut."
            )
            % {"row": number + 1, "max": _n(csv.field_size_limit())}
        ) from error
