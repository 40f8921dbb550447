"""Exports never turn user text into a formula (XLSX) or a formula prefix (CSV)."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.exports import CSV_DANGEROUS_PREFIXES, Sheet, csv_response, xlsx_bytes
from core.testing.hostile_files import FORMULA_PAYLOADS

FORMULAS = [
    *FORMULA_PAYLOADS,
    "=1+1",
    "#N/A",
    "＝1+1",
]


def _cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_xlsx_writes_user_text_as_text_never_as_a_formula():
    data = xlsx_bytes([Sheet("Deltagare", ["Namn", "Antal"], [[p, 1] for p in FORMULAS])])
    cells = list(_cells(data))
    assert [c.data_type for c in cells if c.column == 1][1:] == ["s"] * len(FORMULAS)
    # Nothing lost (XML reads a lone carriage return as a line feed).
    assert [c.value for c in cells if c.column == 1][1:] == [
        p.replace("\r", "\n") for p in FORMULAS
    ]
    assert not [c.coordinate for c in cells if c.data_type in {"f", "e"}]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_xlsx_keeps_the_portals_numbers_and_dates():
    row = [-2, 3.5, Decimal("1.25"), dt.date(2026, 10, 15), dt.datetime(2026, 10, 15, 9, 0), True]
    data = xlsx_bytes([Sheet("Tal", ["a", "b", "c", "d", "e", "f"], [row])])
    cells = [c for c in _cells(data) if c.row == 2]
    assert [c.data_type for c in cells] == ["n", "n", "n", "d", "d", "s"]
    assert [c.value for c in cells[:3]] == [-2, 3.5, 1.25]
    assert cells[3].value == dt.datetime(2026, 10, 15) and cells[3].number_format == "yyyy-mm-dd"
    assert cells[5].value == "Ja"


def test_xlsx_writes_dangerous_text_with_a_quote_prefix_style():
    """Excel keeps a cell with the quote-prefix style as text even when it is edited."""
    data = xlsx_bytes([Sheet("S", ["Namn"], [["=1+1"], ["Anna"]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].quotePrefix is True
    assert not sheet["A3"].quotePrefix


def test_xlsx_drops_control_characters_instead_of_failing():
    data = xlsx_bytes([Sheet("S", ["Namn"], [["An\x00na\x07 \x1bA"]])])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "Anna A"


def _csv_cells(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.mark.parametrize("payload", FORMULAS)
def test_csv_neutralises_formula_prefixes(payload):
    response = csv_response("x.csv", ["Namn", "Tal"], [[payload, -2]])
    header, row = _csv_cells(response)
    assert row[0] == "'" + payload if payload[0] in CSV_DANGEROUS_PREFIXES else row[0] == payload
    assert row[0][0] not in CSV_DANGEROUS_PREFIXES
    assert row[1] == "-2"  # a number the portal writes stays a number


def test_csv_prefixes_are_owasps():
    assert set("=+-@\t\r") <= set(CSV_DANGEROUS_PREFIXES)


def test_csv_and_xlsx_neutralise_the_headers_too():
    header, _row = _csv_cells(csv_response("x.csv", ["=Namn"], [["a"]]))
    assert header == ["'=Namn"]
    first = next(iter(_cells(xlsx_bytes([Sheet("S", ["=Namn"], [])]))))
    assert (first.value, first.data_type) == ("=Namn", "s")


def test_sheet_list_validation_is_written():
    """The bulk template's status column offers a list (the values are text, not formulas)."""
    data = xlsx_bytes(
        [Sheet("S", ["Enhet", "Status"], [["a", "Klar"]], choices={"Status": ["Klar", "Pågår"]})]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == "B2:B1048576"
    assert validation.formula1 == '"Klar,Pågår"'
