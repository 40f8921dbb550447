"""Upload checks used by every file field: size and real type (sniffed, not trusted)."""

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

# kind -> (file extension, MIME types filetype may report)
KINDS: dict[str, tuple[str, set[str]]] = {
    "pdf": (".pdf", {"application/pdf"}),
    "docx": (
        ".docx",
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ),
    "xlsx": (
        ".xlsx",
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ),
    "csv": (".csv", set()),
}


@deconstructible
@dataclass
class UploadValidator:
    """Refuse files over ``max_bytes`` or of a kind outside ``kinds`` (by content)."""

    kinds: tuple[str, ...] = ("pdf",)
    max_bytes: int = 10 * 1024 * 1024

    def __call__(self, upload) -> None:
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("Filen är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(self.max_bytes)},
                code="file_too_large",
            )
        directory = zip_directory(upload) if _starts_like_zip(upload) else None
        if directory is not None and too_many_zip_entries(*directory, limit=ZIP_MAX_ENTRIES):
            raise ValidationError(
                _(
                    "Filen innehåller för många delar (%(entries)s) för att vara en vanlig "
                    "Office-fil. Spara den på nytt i Word eller Excel."
                )
                % {"entries": directory[0]},
                code="file_structure",
            )
        unpacked = max(settings.TABLE_MAX_UNCOMPRESSED_BYTES, 4 * self.max_bytes)
        if directory is not None and zip_stated_size(upload) > unpacked:
            raise ValidationError(
                _(
                    "Filen packas upp till mer än %(max)s, mer än en vanlig Office-fil av "
                    "den storleken. Spara den på nytt i Word eller Excel."
                )
                % {"max": filesizeformat(unpacked)},
                code="file_structure",
            )
        if detect_kind(upload) not in self.kinds:
            allowed = ", ".join(k.upper() for k in self.kinds)
            raise ValidationError(
                _("Filtypen stöds inte. Tillåtna filtyper: %(allowed)s.") % {"allowed": allowed},
                code="file_type",
            )


def detect_kind(upload) -> str | None:
    """The kind of an uploaded file judged by its content and its name together."""
    name = (getattr(upload, "name", "") or "").lower()
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    if isinstance(head, str):
        head = head.encode()
    guess = filetype.guess(head)
    for kind, (extension, mimes) in KINDS.items():
        if not name.endswith(extension):
            continue
        if kind == "csv":
            return kind if guess is None and _looks_like_text(head) else None
        if (
            kind in {"docx", "xlsx"}
            and guess is not None
            and guess.mime in {"application/zip", *mimes}
        ):
            # filetype names an Office file by the first member names (or not at all: "zip");
            # the file is one only if it has the main part.
            main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
            return kind if _zip_has_member(upload, main) else None
        if guess is not None and guess.mime in mimes:
            return kind
    return None


# Office files have tens of parts, with many pictures some hundreds; walking a zip's directory
# costs about 13 µs an entry, so a few thousand is both generous and cheap.
ZIP_MAX_ENTRIES = 5_000
# The smallest central-directory entry is 46 bytes plus the name; real ones stay well under
# 1 KB, so a directory larger than this per allowed entry holds more entries than it says.
ZIP_DIRECTORY_BYTES_PER_ENTRY = 1024


def too_many_zip_entries(entries: int, directory_bytes: int, *, limit: int) -> bool:
    return entries > limit or directory_bytes > limit * ZIP_DIRECTORY_BYTES_PER_ENTRY


def _starts_like_zip(upload) -> bool:
    position = upload.tell()
    upload.seek(0)
    head = upload.read(4)
    upload.seek(position)
    return head == b"PK\x03\x04"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def _zip_has_member(upload, name: str) -> bool:
    directory = zip_directory(upload)
    if directory is None or too_many_zip_entries(*directory, limit=ZIP_MAX_ENTRIES):
        return False  # not a zip, or one whose directory is too big to walk
    position = upload.tell()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return name in archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return False
    finally:
        upload.seek(position)


class PackageError(Exception):
    """An Office file whose zip is built to exhaust a reader (the message says how)."""


def unreadable_message() -> str:
    return gettext_now(
        "Excel-filen gick inte att läsa. Spara den på nytt i Excel som .xlsx och försök igen."
    )


CHUNK = 1024 * 1024


def check_zip_package(upload, *, max_entries: int, max_uncompressed: int, max_tags: int) -> None:
    """Entries, stated uncompressed size and XML tags of an Office file (a zip), within the
    limits, before any XML parser sees it; PackageError with a Swedish message otherwise.

    ``zipfile`` never hands out more than a member's stated size (a member that holds more
    fails its checksum), so the stated sizes bound what the tag count below decompresses.
    """
    directory = zip_directory(upload)
    if directory is None:
        raise PackageError(unreadable_message())
    if too_many_zip_entries(*directory, limit=max_entries):
        raise PackageError(
            gettext_now(
                "Filen innehåller för många delar (%(entries)s) för att vara en vanlig Excel-fil. "
                "Spara den på nytt i Excel som .xlsx."
            )
            % {"entries": number_format(directory[0], force_grouping=True)}
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > max_uncompressed:
                raise PackageError(
                    gettext_now(
                        "Filen packas upp till mer än %(max)s, mer än portalen läser. Spara den "
                        "på nytt med bara de rader och kolumner som behövs."
                    )
                    % {"max": filesizeformat(max_uncompressed)}
                )
            _count_tags(archive, members, max_tags)
    except PackageError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        ValueError,
        EOFError,
        OSError,
    ) as error:
        raise PackageError(unreadable_message()) from error
    finally:
        upload.seek(0)


def _count_tags(archive, members, max_tags: int) -> None:
    """Every '<' in the parts: an upper bound of the elements the XML parser would walk,
    counted at C speed (the parser costs microseconds an element, this nanoseconds a byte).

    A worksheet without a <dimension> counts twice: openpyxl then walks the whole sheet once
    to learn its size when the workbook is opened, and again when the rows are read.
    """
    tags = 0
    for member in members:
        with archive.open(member) as part:
            weight = 0
            while chunk := part.read(CHUNK):
                weight = weight or _tag_weight(chunk)
                tags += chunk.count(b"<") * weight
                if tags > max_tags:
                    raise PackageError(
                        gettext_now(
                            "Filen har för mycket innehåll för att läsas på en gång (för många "
                            "celler eller texter). Spara den på nytt med bara de rader och "
                            "kolumner som behövs, eller dela upp den i flera filer."
                        )
                    )


def _tag_weight(first_chunk: bytes) -> int:
    head = first_chunk[:4096]
    if b"worksheet" not in head:
        return 1
    before_data = first_chunk.split(b"sheetData", 1)[0]
    return 1 if b"dimension" in before_data else 2


def zip_stated_size(upload) -> int:
    """The uncompressed size a zip states for all its members (0 if it cannot be read).
    ``zipfile`` never hands out more than a member states, so this bounds any reading."""
    position = upload.tell()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return 0
    finally:
        upload.seek(position)


def zip_directory(upload) -> tuple[int, int] | None:
    """(entries, size of the central directory) as a zip's end record states them, or None
    when the file has no end record (not a zip).

    Read from the file's last 64 KB without walking the directory, so that a zip of tens of
    thousands of entries can be refused before ``zipfile`` builds an object for each. Python's
    ``zipfile`` finds the end record the same way and reads exactly the stated directory
    size, so the two figures bound what it would walk.
    """
    position = upload.tell()
    upload.seek(0, 2)
    size = upload.tell()
    length = min(size, 65_536 + 22)
    upload.seek(size - length)
    tail = upload.read(length)
    upload.seek(position)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    if entries == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: the figures are elsewhere
        at64 = tail.rfind(b"PK\x06\x06")
        if at64 < 0 or len(tail) - at64 < 56:
            return None
        entries = int.from_bytes(tail[at64 + 32 : at64 + 40], "little")
        directory = int.from_bytes(tail[at64 + 40 : at64 + 48], "little")
    return entries, directory
