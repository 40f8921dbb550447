"""The table reader is bounded by the file's real content and by limits in settings.

Every hostile file is answered in under a second with a Swedish message, and reading it
does not make the process grow (measured with tracemalloc).
"""

import functools
import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.tabular import TableError, read_table
from core.testing import hostile_files as hostile

HEADER = ["e-post", "namn"]
ROWS = [HEADER, ["a@kommun.test", "Anna"], ["b@kommun.test", "Bo"]]


@functools.cache
def hostile_files():
    return {h.name: h for h in hostile.hostile_set(HEADER)}


def _read(name: str, data: bytes):
    return read_table(SimpleUploadedFile(name, data), required=["e-post"], optional=["namn"])


def measured(name: str, data: bytes):
    """(the error or the rows, seconds, peak bytes allocated while reading)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = _read(name, data)
    except TableError as error:
        result = error
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak


MB = 1024 * 1024


def test_a_file_claiming_16384_columns_is_refused_fast_and_flat():
    """The pentest's file: 1.5 KB that claims A1:XFD5000 held a worker for 16 s."""
    data = hostile.claimed_dimensions(ROWS)
    assert len(data) < 2048
    result, seconds, peak = measured("mall.xlsx", data)
    assert isinstance(result, TableError)
    assert str(result) == (
        "Filen anger att bladet har 16\u00a0384 kolumner och 5\u00a0000 rader. Portalen "
        "läser högst 30 kolumner och 5\u00a0000 rader under rubrikraden. Spara om filen med "
        "bara mallens kolumner och rader, eller ladda ner mallen på nytt."
    )
    assert seconds < 1.0, seconds
    assert peak < 2 * MB, peak


HOSTILE_NAMES = [
    "claimed-dimensions",
    "many-entries",
    "zip-bomb",
    "lying-zip-bomb",
    "huge-shared-strings",
    "wide-real-rows",
    "far-row",
    "pdf-as-xlsx",
    "xls-as-xlsx",
    "docx-as-xlsx",
    "zip-without-workbook",
    "xlsx-as-csv",
    "csv-long-field",
    "csv-many-columns",
    "csv-nul",
    "csv-undecodable",
]


def test_the_hostile_set_is_the_one_listed_here():
    assert list(hostile_files()) == HOSTILE_NAMES


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_every_hostile_file_is_refused_fast_with_a_swedish_message(name):
    case = hostile_files()[name]
    result, seconds, peak = measured("fil" + case.extension, case.data)
    if case.message:
        assert isinstance(result, TableError), result
        assert case.message in str(result)
    else:  # read at its real size
        assert [row.values["e-post"] for row in result] == ["a", "b", "x"]
    assert seconds < 1.0, f"{name}: {seconds:.2f} s"
    # Flat: no more than a few times the upload itself (the CSV is decoded to text once).
    assert peak < 3 * len(case.data) + 4 * MB, f"{name}: {peak / MB:.1f} MB"


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_small_claimed_size_is_not_trusted_either():
    """Content below a claimed A1:B2 is read (or refused by the row limit), never dropped."""
    data = hostile.workbook(hostile.sheet_xml([*ROWS, ["c@kommun.test", "Cia"]], dimension="A1:B2"))
    rows = _read("lista.xlsx", data)
    assert [r.values["e-post"] for r in rows] == ["a@kommun.test", "b@kommun.test", "c@kommun.test"]
    assert [r.number for r in rows] == [2, 3, 4]


def test_cells_right_of_the_header_are_not_read():
    """Without a claimed size (the sheet has no <dimension>), a stray value far to the right
    is not read; with one, the claimed width is refused (see the first test)."""
    row = ["a@kommun.test", "Anna", *[""] * 40, "långt bort"]
    data = hostile.workbook(hostile.sheet_xml([HEADER, row]))
    assert _read("lista.xlsx", data)[0].values == {"e-post": "a@kommun.test", "namn": "Anna"}
    with pytest.raises(TableError, match="bladet har 43 kolumner"):
        _read("lista.xlsx", _xlsx([HEADER, row]))


def test_the_row_limit_comes_from_settings(settings):
    settings.TABLE_MAX_ROWS = 10
    ten = [HEADER, *[[f"p{n}@kommun.test", "P"] for n in range(10)]]
    assert len(_read("lista.xlsx", _xlsx(ten))) == 10
    eleven = [*ten, ["sista@kommun.test", "S"]]
    message = "Filen har fler än 10 rader under rubrikraden. Dela upp den i flera filer."
    with pytest.raises(TableError, match=message):  # real rows (no claimed size)
        _read("lista.xlsx", hostile.workbook(hostile.sheet_xml(eleven)))
    with pytest.raises(TableError, match="bladet har 2 kolumner och 12 rader"):  # claimed
        _read("lista.xlsx", _xlsx(eleven))
    csv_text = "\n".join(";".join(str(v) for v in row) for row in eleven)
    with pytest.raises(TableError, match=message):
        _read("lista.csv", csv_text.encode())
    # Empty rows do not count.
    empty = hostile.workbook(hostile.sheet_xml([*ten, ["", ""], ["", ""]]))
    assert len(_read("lista.xlsx", empty)) == 10


def test_the_column_limit_comes_from_settings(settings):
    settings.TABLE_MAX_COLUMNS = 3
    wide = _xlsx([[*HEADER, "a", "b"], ["x@kommun.test", "X", "1", "2"]])
    with pytest.raises(TableError, match="högst 3 kolumner"):
        _read("lista.xlsx", wide)
    with pytest.raises(TableError, match="Rad 1 har fler än 3 kolumner"):
        _read("lista.csv", b"e-post;namn;a;b\nx@kommun.test;X;1;2\n")


def test_the_size_limit_comes_from_settings(settings):
    data = _xlsx(ROWS)
    assert len(_read("lista.xlsx", data)) == 2
    settings.TABLE_MAX_UNCOMPRESSED_BYTES = 2000
    with pytest.raises(TableError, match="packas upp till mer än 2,0\u00a0kB"):
        _read("lista.xlsx", data)
    with pytest.raises(TableError, match="större än 2,0\u00a0kB"):
        _read("lista.csv", b"e-post\n" + b"a@kommun.test\n" * 200)


def test_the_zip_entry_and_tag_limits_come_from_settings(settings):
    data = _xlsx(ROWS)
    settings.TABLE_MAX_ZIP_ENTRIES = 5
    with pytest.raises(TableError, match="för många delar"):
        _read("lista.xlsx", data)
    settings.TABLE_MAX_ZIP_ENTRIES = 200
    settings.TABLE_MAX_XML_TAGS = 50
    with pytest.raises(TableError, match="för mycket innehåll"):
        _read("lista.xlsx", data)


def test_dates_numbers_and_text_are_read_as_before():
    import datetime as dt

    data = _xlsx([["Kod", "Klart senast", "Antal"], ["K1", dt.date(2026, 10, 15), 3.0]])
    (row,) = read_table(
        SimpleUploadedFile("mall.xlsx", data), required=["kod"], optional=["klart senast", "antal"]
    )
    assert row.values == {"kod": "K1", "klart senast": "2026-10-15", "antal": "3"}
