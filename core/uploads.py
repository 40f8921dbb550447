"""Upload checks used by every file field: size and real type (sniffed, not trusted)."""

from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
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
        if kind in {"docx", "xlsx"} and guess is not None and guess.mime == "application/zip":
            # Some writers produce a zip that filetype cannot name more precisely.
            return kind if _zip_has_member(upload, "word/" if kind == "docx" else "xl/") else None
        if guess is not None and guess.mime in mimes:
            return kind
    return None


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


def _zip_has_member(upload, prefix: str) -> bool:
    import zipfile

    position = upload.tell()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(prefix) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(position)
