"""Every upload form refuses a renamed executable, a renamed HTML page and an oversize file,
with a Swedish message, and stores nothing.

The upload endpoints are found, not listed by hand: every page of the URL table is fetched
as the actors who may write, and every ``multipart/form-data`` form's action is collected. A
new upload form without an entry in UPLOADS fails ``test_every_upload_form_is_covered``.
"""

import functools
import re
import time
from dataclasses import dataclass
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve

from core.testing.hostile_files import hostile_set
from implementation.bulk import TEMPLATE_HEADERS
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
    # An IdP's SAML metadata (accounts): XML only, checked as metadata before it is kept.
    "accounts:idp_create": Upload(
        "forvaltare",
        "metadata_file",
        ".xml",
        2 * MB,
        {
            "name": "IdP",
            "slug": "idp",
            "attr_organisation": "o",
            "attr_email": "mail",
            "attr_given_name": "givenName",
            "attr_surname": "sn",
        },
    ),
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
    # Escalation attachments (PDF, DOCX, XLSX) also have their text read and checked for
    # personnummer, so the sweep's bare PDF would be refused as unreadable: good files of all
    # three kinds are tested in escalation/tests/test_attachments.py.
    "escalation:attach": Upload("own", "file", ".docx", 10 * MB),
    "escalation:comment": Upload("own", "file", ".docx", 10 * MB, {"text": "Kommentar"}),
    # A party's organisation (onboarding): XLSX or CSV, checked as a dry run first.
    "onboarding:import": Upload("forvaltare", "file", ".xlsx", 5 * MB),
    # Joint documents: version files, remiss answers (the personal link and the registrar),
    # dispatch attachments; PDF, DOCX or XLSX stored unread.
    "documents:version_create": Upload("forvaltare", "files", ".pdf", 10 * MB, {"stage": "utkast"}),
    "documents:file_add": Upload("forvaltare", "file", ".pdf", 10 * MB),
    "documents:answer": Upload("forvaltare", "file", ".pdf", 10 * MB, {"answer": "yttrande"}),
    "documents:answer_record": Upload(
        "forvaltare", "file", ".pdf", 10 * MB, {"answer": "yttrande", "received_on": "2026-02-01"}
    ),
    "documents:dispatch_create": Upload(
        "forvaltare",
        "attachments",
        ".pdf",
        20 * MB,
        {"subject": "U", "text": "T", "audiences": "registratorer"},
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


# --- hostile spreadsheets ------------------------------------------------------------------
# Forms that read the table they receive (core.tabular), with the header of what they read.
TABLE_HEADERS = {
    "conferences:invitation_import": ["e-post", "namn", "organisation"],
    "implementation:bulk_upload": TEMPLATE_HEADERS,
    "onboarding:import": ["Nivå", "Enhet", "Förvaltning", "Förnamn", "Efternamn", "E-post"],
}
SWEDISH_REFUSALS = (
    "Filtypen stöds inte",
    "Excel-fil",
    "för många delar",
    "packas upp till",
    "gick inte att läsa",
    "för mycket innehåll",
    "kolumner",
    "tecken",
)


@functools.cache
def _hostile(header: tuple[str, ...]):
    return hostile_set(list(header))


def file_rows() -> tuple:
    """The number of rows of every model that holds an uploaded file."""
    from django.apps import apps
    from django.db import models

    return tuple(
        model._default_manager.count()
        for model in apps.get_models()
        if any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)
    )


@pytest.mark.parametrize("name", sorted(UPLOADS))
def test_upload_answers_hostile_spreadsheets_fast(name, world, clients):
    """The hostile set (claimed dimensions, a zip of 50 000 entries, zip bombs, a million
    shared strings, rows of 16 384 real cells, wrong types under the right name, CSV with
    endless lines and columns) against every upload form, named as a spreadsheet: each answer
    comes in under two seconds, with a Swedish message. A form that reads tables refuses
    every file and writes nothing; a form that stores files unread refuses the zips built
    to exhaust a reader and every wrong type, and may keep a small valid workbook."""
    spec = UPLOADS[name]
    table = name in TABLE_HEADERS
    cases = _hostile(tuple(TABLE_HEADERS.get(name, ["e-post", "namn"])))
    url = url_for(name, world.obj)
    before, files_before = database_state(), file_rows()
    for case in cases:
        upload = SimpleUploadedFile("fientlig" + case.extension, case.data)
        savepoint = transaction.savepoint()
        started = time.perf_counter()
        response = clients[spec.actor].post(url, spec.fields(upload), follow=True)
        seconds = time.perf_counter() - started
        page = response.content.decode()
        changed, stored = database_state() != before, file_rows() != files_before
        transaction.savepoint_rollback(savepoint)
        assert response.status_code in {200, 400}, (name, case.name, response.status_code)
        assert seconds < 2.0, f"{name} {case.name}: {seconds:.2f} s"
        if table:
            # A file read at its real size (far-row) fails the form's own row checks.
            expected = case.message or "Rad "
            assert expected in page or spec.type_message in page, (name, case.name)
            assert not changed, f"{name} {case.name}: ändrade databasen"
        elif not stored:
            assert any(text in page for text in SWEDISH_REFUSALS), (name, case.name)
        else:
            assert case.name in VALID_WORKBOOKS, f"{name} {case.name}: sparades"
    assert database_state() == before


# Files that hurt only a reader: a form that stores files without reading them may keep them
# (a small valid workbook; a zip whose stated sizes are small, which nothing here unpacks).
VALID_WORKBOOKS = {
    "claimed-dimensions",
    "far-row",
    "huge-shared-strings",
    "wide-real-rows",
    "lying-zip-bomb",
}
