"""Attachments on cases and comments: the type and size check, and the personnummer check of
the text inside (a case must hold no patient data, attachments included).

The text is extracted with bounded work — pages, cells and uncompressed bytes are capped, so
a hostile file (a zip bomb, a PDF of a million pages) is refused instead of read. A file whose
text cannot be read is refused too: what cannot be checked is not accepted.
"""

import io
import zipfile

from defusedxml import ElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import ZIP_MAX_ENTRIES, PackageError, UploadValidator, check_zip_package
from escalation.models import ATTACHMENT_KINDS, ATTACHMENT_MAX_BYTES
from escalation.validators import find_personal_numbers, mask

MAX_PDF_PAGES = 300
MAX_XLSX_CELLS = 200_000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Unreadable(Exception):
    pass


def check_attachment(upload) -> str:
    """Validate ``upload`` and return its kind ("pdf", "docx", "xlsx"); ValidationError with
    a Swedish message otherwise."""
    from core.uploads import detect_kind

    UploadValidator(kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)(upload)
    kind = detect_kind(upload)
    try:
        text = extract_text(upload, kind)
    except Unreadable as error:
        raise ValidationError(
            _(
                "Det gick inte att läsa texten i filen %(name)s (%(why)s), så den kan inte "
                "kontrolleras och tas inte emot. Spara den på nytt, utan lösenord, och försök igen."
            )
            % {"name": upload.name, "why": error},
            code="unreadable",
        ) from None
    numbers = find_personal_numbers(f"{upload.name}\n{text}")
    if numbers:
        raise ValidationError(
            _(
                "Filen %(name)s innehåller något som ser ut som ett personnummer eller "
                "samordningsnummer (%(number)s). Ärenden får inte innehålla patientuppgifter: "
                "ta bort uppgiften ur filen och bifoga den igen."
            )
            % {"name": upload.name, "number": ", ".join(mask(n) for n in numbers)},
            code="personal_number",
        )
    upload.seek(0)
    return kind


def extract_text(upload, kind: str) -> str:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if kind == "pdf":
        return _pdf_text(data)
    if kind == "docx":
        return _docx_text(data)
    if kind == "xlsx":
        return _xlsx_text(data)
    raise Unreadable(_("okänd filtyp"))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable(_("filen är lösenordsskyddad"))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise Unreadable(_("fler än %(n)s sidor") % {"n": MAX_PDF_PAGES})
        parts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise Unreadable(_("för mycket text"))
        return "\n".join(parts)
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise Unreadable(_("filen är skadad")) from None


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable(_("filen är skadad")) from None
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise Unreadable(_("filen packas upp till för mycket data"))
    return archive


def _docx_text(data: bytes) -> str:
    archive = _open_zip(data)
    names = [
        n
        for n in archive.namelist()
        if n == "word/document.xml"
        or (n.startswith("word/") and n.endswith(".xml"))
        and any(p in n for p in ("header", "footer", "footnotes", "endnotes", "comments"))
    ]
    if "word/document.xml" not in names:
        raise Unreadable(_("dokumentet saknar innehåll"))
    paragraphs = []
    for name in names:
        try:
            root = ElementTree.fromstring(archive.read(name))
        except Exception:  # noqa: BLE001 - defusedxml's refusals and XML errors alike
            raise Unreadable(_("filen är skadad")) from None
        for paragraph in root.iter(f"{W}p"):
            # Runs of a paragraph joined as written: Word splits a number over several runs.
            pieces = []
            for node in paragraph.iter():
                if node.tag == f"{W}t" and node.text:
                    pieces.append(node.text)
                elif node.tag in (f"{W}tab", f"{W}br"):
                    pieces.append(" ")
            paragraphs.append("".join(pieces))
    return "\n".join(paragraphs)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    _open_zip(data)  # the size check before openpyxl unpacks anything
    try:  # and the parts' XML tags: openpyxl walks every shared string when it opens a file
        check_zip_package(
            io.BytesIO(data),
            max_entries=ZIP_MAX_ENTRIES,
            max_uncompressed=MAX_UNZIPPED_BYTES,
            max_tags=settings.TABLE_MAX_XML_TAGS,
        )
    except PackageError:
        raise Unreadable(_("för mycket innehåll att läsa")) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise Unreadable(_("filen är skadad")) from None
    lines, cells = [], 0
    try:
        for sheet in book.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_XLSX_CELLS:
                    raise Unreadable(_("fler än %(n)s celler") % {"n": MAX_XLSX_CELLS})
                lines.append(" | ".join("" if v is None else str(v) for v in row))
    finally:
        book.close()
    return "\n".join(lines)
