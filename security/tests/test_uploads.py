"""Every upload form refuses a renamed executable, a renamed HTML page and an oversize file,
with a Swedish message, and stores nothing.

The upload endpoints are found, not listed by hand: every page of the URL table is fetched
as the actors who may write, and every ``multipart/form-data`` form's action is collected. A
new upload form without an entry in UPLOADS fails ``test_every_upload_form_is_covered``.
"""

import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve

from security.tests.test_url_sweep import ACCESS, GROUP_A, database_state
from security.tests.urls_for import url_for
from security.tests.world import PDF

pytestmark = GROUP_A

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
MB = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    actor: str  # who may upload here
    field: str  # the file field
    extension: str  # a name the endpoint accepts
    max_bytes: int
    data: dict | None = None  # the other fields
    type_message: str = "Filtypen stöds inte"
    prefix: str = ""  # the form's prefix

    def fields(self, upload) -> dict:
        named = {**(self.data or {}), self.field: upload}
        return {f"{self.prefix}-{k}" if self.prefix else k: v for k, v in named.items()}


UPLOADS = {
    "agreements:document_create": Upload("forvaltare", "file", ".pdf", 10 * MB, {"title": "T"}),
    # The conference page's forms answer with a redirect and show their errors as messages.
    "conferences:document_add": Upload(
        "registrator", "file", ".pdf", 15 * MB, {"title": "T"}, prefix="dokument"
    ),
    "conferences:invitation_import": Upload(
        "registrator", "file", ".xlsx", 5 * MB, prefix="import"
    ),
    "implementation:progress": Upload(
        "own", "evidence_file", ".pdf", 10 * MB, {"status": "pagar", "comment": "", "next_step": ""}
    ),
    "implementation:bulk_upload": Upload(
        "own", "file", ".xlsx", 5 * MB, type_message="Filen måste vara en Excel-fil"
    ),
}
SIZE_MESSAGE = "Filen är för stor"
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ACTION = re.compile(r'action="([^"]*)"')


def test_every_upload_form_is_covered(world, clients):
    found = set()
    for name in ACCESS:
        url = url_for(name, world.obj)
        # The förvaltare may write wherever anyone may (leads' units, the conferences, …),
        # so every upload form in the portal is on some page the förvaltare gets.
        response = clients["forvaltare"].get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for tag in FORM.findall(response.content.decode()):
            if "multipart/form-data" not in tag:
                continue
            action = ACTION.search(tag)
            target = unescape(action.group(1)) if action and action.group(1) else url
            found.add(resolve(target.split("?")[0]).view_name)
    assert found == set(UPLOADS), f"uppladdningsformulär: {sorted(found)}"


def bad_files(spec: Upload):
    """(what, file, expected message): an ELF and an HTML page under an accepted name, and a
    file of an accepted type one byte over the limit."""
    oversize = (PDF if spec.extension == ".pdf" else b"PK\x03\x04") + b"\x00" * spec.max_bytes
    return [
        ("ELF", SimpleUploadedFile("program" + spec.extension, ELF), spec.type_message),
        ("HTML", SimpleUploadedFile("sida" + spec.extension, HTML), spec.type_message),
        ("för stor", SimpleUploadedFile("stor" + spec.extension, oversize), SIZE_MESSAGE),
    ]


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_upload_refuses_renamed_and_oversize_files(name, world, clients):
    spec = UPLOADS[name]
    url = url_for(name, world.obj)
    before = database_state()
    for what, upload, message in bad_files(spec):
        response = clients[spec.actor].post(url, spec.fields(upload), follow=True)
        assert response.status_code in {200, 400}, (name, what, response.status_code)
        assert message in response.content.decode(), (name, what)
    assert database_state() == before


@pytest.mark.parametrize("name", sorted(n for n, s in UPLOADS.items() if s.extension == ".pdf"))
def test_upload_accepts_a_good_file(name, world, clients, db):
    """The refusals above are about the files: a small file of the right type passes the
    upload checks. (Spreadsheets: the apps' own tests upload good ones.)"""
    spec = UPLOADS[name]
    url = url_for(name, world.obj)
    upload = SimpleUploadedFile("ok.pdf", PDF, "application/pdf")
    database = database_state()
    response = clients[spec.actor].post(url, spec.fields(upload), follow=True)
    assert response.status_code == 200
    assert "Filtypen stöds inte" not in response.content.decode()
    assert database_state() != database, "den goda filen sparades inte"
