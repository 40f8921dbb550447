"""Attachments on cases and comments: type and size checked, text extracted and refused when
it holds a personnummer or samordningsnummer, downloads only for those who read the case."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from escalation import services
from escalation.attachments import check_attachment, extract_text
from escalation.models import Attachment, CaseEvent

from .files import docx_bytes, pdf_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

CLEAN = "Rutin for overrapportering, dnr RS 2026-01234, tel 031-123 45 67"


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("rutin.pdf", pdf_bytes(CLEAN), "pdf"),
        ("rutin.docx", docx_bytes("Rutin för ", "överrapportering ", "2026-10-15"), "docx"),
        ("lista.xlsx", xlsx_bytes([("Datum", "Antal"), ("2026-10-15", 3)]), "xlsx"),
    ],
)
def test_clean_files_are_accepted_with_their_text_read(name, data, kind):
    assert check_attachment(upload(name, data)) == kind
    assert "2026" in extract_text(upload(name, data), kind)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("journal.pdf", pdf_bytes("Patient 19121212-1212 skrevs ut")),
        # Word split the number over three runs, with an en dash: still found.
        ("anteckning.docx", docx_bytes("Gäller 121212", "\u2013", "1212 i hemsjukvården")),
        ("lista.xlsx", xlsx_bytes([("Namn", "Nummer"), ("X", 191212121212)])),
        ("samordning.xlsx", xlsx_bytes([("Nummer",), ("701063-2391",)])),
        ("121212-1212.pdf", pdf_bytes(CLEAN)),  # in the file's name
    ],
)
def test_files_holding_an_identity_number_are_refused(name, data):
    with pytest.raises(ValidationError) as error:
        check_attachment(upload(name, data))
    message = error.value.messages[0]
    assert "personnummer eller samordningsnummer" in message and "XXXX" in message


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Filtypen stöds inte"),
        ("skript.docx", b"#!/bin/sh\necho hej\n", "Filtypen stöds inte"),
        ("trasig.pdf", b"%PDF-1.4\n" + b"x" * 200, "gick inte att läsa"),
        ("stor.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "för stor"),
    ],
)
def test_wrong_broken_or_too_large_files_are_refused(name, data, why):
    with pytest.raises(ValidationError) as error:
        check_attachment(upload(name, data))
    assert why in error.value.messages[0]


def test_a_zip_bomb_is_refused_without_unpacking_it():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * (60 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        check_attachment(upload("bomb.docx", out.getvalue()))
    assert "packas upp till" in error.value.messages[0]


def test_a_comment_with_a_file_through_the_page_and_the_download_rules(
    client, open_case, boras_lead, vgr_lead, gbg_lead, styrgrupp_user
):
    case = open_case()
    client.force_login(vgr_lead)
    response = client.post(
        reverse("escalation:comment", args=[case.pk]),
        {"text": "Vår rutin bifogas.", "file": upload("rutin.pdf", pdf_bytes(CLEAN))},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.kind, attachment.uploaded_by) == (
        "rutin.pdf",
        "pdf",
        vgr_lead,
    )
    assert attachment.event.kind == CaseEvent.Kind.COMMENT
    assert "rutin" not in attachment.file.name  # stored under a random name
    assert LogEntry.objects.get_for_object(attachment).get().actor == vgr_lead
    url = reverse("escalation:attachment", args=[case.pk, attachment.pk])
    assert url in client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    for reader in (boras_lead, styrgrupp_user):  # the other party, a reader
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Type"] == "application/pdf"
        assert 'attachment; filename="rutin.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(gbg_lead)  # no relation to the case
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    # The same file under another case's address is not found either.
    other = open_case()
    client.force_login(boras_lead)
    assert (
        client.get(reverse("escalation:attachment", args=[other.pk, attachment.pk])).status_code
        == 404
    )


def test_a_refused_file_loses_nothing_and_saves_nothing(client, open_case, vgr_lead):
    case = open_case()
    client.force_login(vgr_lead)
    response = client.post(
        reverse("escalation:comment", args=[case.pk]),
        {
            "text": "Kommentaren som inte får försvinna.",
            "file": upload("journal.pdf", pdf_bytes("Pnr 19121212-1212")),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "personnummer eller samordningsnummer" in page
    assert "Kommentaren som inte får försvinna." in page
    assert not Attachment.objects.exists()
    assert case.events.count() == 1


def test_readers_may_not_attach(client, open_case, styrgrupp_user):
    case = open_case()
    client.force_login(styrgrupp_user)
    response = client.post(
        reverse("escalation:attach", args=[case.pk]),
        {"file": upload("rutin.pdf", pdf_bytes(CLEAN))},
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_attach_to_the_case_itself(open_case, vgr_lead):
    case = open_case()
    saved = services.case_attach(
        case=case, actor=vgr_lead, files=[upload("lista.xlsx", xlsx_bytes([("a", 1)]))]
    )
    assert [a.event_id for a in saved] == [None]
    assert case.events.filter(kind=CaseEvent.Kind.ATTACHED, text="lista.xlsx").exists()
