import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import UploadValidator, detect_kind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_detects_real_types():
    assert detect_kind(SimpleUploadedFile("a.pdf", PDF)) == "pdf"
    assert detect_kind(SimpleUploadedFile("a.xlsx", xlsx_bytes())) == "xlsx"
    assert detect_kind(SimpleUploadedFile("a.docx", docx_like())) == "docx"
    assert detect_kind(SimpleUploadedFile("a.csv", "namn;e-post\nÅsa;a@b.se".encode())) == "csv"


def test_renamed_file_is_refused():
    exe = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as error:
        UploadValidator(kinds=("pdf",))(exe)
    assert "Filtypen stöds inte" in error.value.messages[0]
    # An xlsx renamed to .pdf is not a pdf either.
    assert detect_kind(SimpleUploadedFile("a.pdf", xlsx_bytes())) is None


def test_oversize_is_refused_with_sizes_in_message():
    big = SimpleUploadedFile("a.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as error:
        UploadValidator(kinds=("pdf",), max_bytes=1024)(big)
    assert "för stor" in error.value.messages[0]


def _timed_refusal(validator, upload) -> tuple[str, float]:
    import time

    started = time.perf_counter()
    with pytest.raises(ValidationError) as error:
        validator(upload)
    return error.value.messages[0], time.perf_counter() - started


def test_a_zip_of_many_entries_is_refused_without_walking_it():
    """50 000 empty members (a 4.5 MB upload): zipfile takes most of a second to list them,
    three times over before this check (type check, reader, openpyxl)."""
    from core.testing.hostile_files import many_entries

    data = many_entries([["e-post"], ["a@b.se"]])
    validator = UploadValidator(kinds=("xlsx", "csv"), max_bytes=10 * 1024 * 1024)
    message, seconds = _timed_refusal(validator, SimpleUploadedFile("lista.xlsx", data))
    assert message.startswith("Filen innehåller för många delar (50")
    assert seconds < 0.2, seconds


def test_a_zip_bomb_is_refused_by_its_stated_size():
    from core.testing.hostile_files import zip_bomb

    data = zip_bomb([["e-post"], ["a@b.se"]], megabytes=50)
    validator = UploadValidator(kinds=("pdf", "docx", "xlsx"), max_bytes=10 * 1024 * 1024)
    message, seconds = _timed_refusal(validator, SimpleUploadedFile("underlag.xlsx", data))
    assert message.startswith("Filen packas upp till mer än 40,0\u00a0MB")
    assert seconds < 0.5, seconds


def test_zip_directory_reads_the_end_record():
    from core.uploads import zip_directory

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "a")
        archive.writestr("b.txt", "b")
    entries, size = zip_directory(io.BytesIO(buffer.getvalue()))
    assert entries == 2 and 46 * 2 < size < 200
    assert zip_directory(io.BytesIO(PDF)) is None
