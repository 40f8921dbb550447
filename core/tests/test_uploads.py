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
