"""The exports and the bulk update through an uploaded template (views_manage.bulk_*)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent
from implementation.audit import ProgressAction
from implementation.models import Progress, ProgressLog, Responsibility
from implementation.services import progress_update
from implementation.tests.test_views import PDF, url

pytestmark = pytest.mark.django_db


# --- exports and bulk update -----------------------------------------------------------------
def _sheet(content: bytes, title: str):
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_forvaltning_export_holds_its_verksamheter(
    client, styrgrupp_user, gbg_forvaltning, gbg_verksamhet, v_item, gbg_lead
):
    progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="klar")
    client.force_login(styrgrupp_user)
    response = client.get(url(gbg_forvaltning, "unit_export"))
    summary = _sheet(response.content, "Sammanställning")
    assert summary[0][:3] == ["Förvaltning", "Enhet", "Nivå"]
    rows = {r[1]: r for r in summary[1:]}
    assert rows[gbg_verksamhet.name][7] == 1  # Klara
    assert rows[gbg_forvaltning.name][3] == gbg_lead.get_full_name()
    checklist = _sheet(response.content, "Checklista")
    done = [r for r in checklist if r[5] == v_item.code]
    assert done[0][2] == gbg_verksamhet.name and done[0][8] == "Klar"
    party = client.get(reverse("implementation:party_export", args=["goteborg"]))
    assert len(_sheet(party.content, "Checklista")) == 1 + 19 * 2


def _fill_template(content: bytes, changes: dict) -> SimpleUploadedFile:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Ansvar"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        if key in changes:
            for column, value in changes[key].items():
                row[headers.index(column)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("mall.xlsx", buffer.getvalue())


def test_bulk_round_trip(client, gbg_lead, gbg_forvaltning, gbg_verksamhet, v_item, f_item):
    client.force_login(gbg_lead)
    template = client.get(url(gbg_forvaltning, "bulk_template"))
    rows = _sheet(template.content, "Ansvar")
    assert rows[0] == [
        "enhet",
        "enhetens namn",
        "kod",
        "ansvar",
        "klart senast",
        "status",
        "kommentar",
        "nästa steg",
    ]
    assert len(rows) == 1 + 19 + 19
    blocked_row = next(  # the spreadsheet's row number (1: the headers)
        number
        for number, row in enumerate(rows, start=1)
        if row[0] == gbg_forvaltning.slug and row[2] == f_item.code
    )
    upload = _fill_template(
        template.content,
        {
            (gbg_verksamhet.slug, v_item.code): {"status": "Klar", "kommentar": "Rutin antagen."},
            (gbg_forvaltning.slug, f_item.code): {
                "status": "Hinder",
                "kommentar": "Ingen plats kvar.",
                "nästa steg": "Anmäl till oktober",
            },
        },
    )
    response = client.post(url(gbg_forvaltning, "bulk_upload"), {"file": upload})
    assert response.status_code == 302
    assert Progress.objects.get(unit=gbg_verksamhet, responsibility=v_item).status == "klar"
    blocked = Progress.objects.get(unit=gbg_forvaltning, responsibility=f_item)
    assert (blocked.status, blocked.next_step) == ("hinder", "Anmäl till oktober")
    assert blocked.blocker_reason == "Ingen plats kvar."
    assert ProgressLog.objects.count() == 2
    # The 36 untouched rows wrote nothing: no progress row, no date, no log entry.
    assert Progress.objects.count() == 2
    # One audit event per written item (one INSERT), in the uploader's name.
    events = AuditEvent.objects.filter(action=ProgressAction.BULK_UPDATED)
    assert sorted(events.values_list("object_pk", "actor")) == sorted(
        (str(p.pk), gbg_lead.pk) for p in Progress.objects.all()
    )
    assert events.get(object_pk=str(blocked.pk)).data == {
        "status": ["Ej påbörjad", "Hinder"],
        "kommentar": "Ingen plats kvar.",
        "nästa steg": ["", "Anmäl till oktober"],
        "rad": blocked_row,
    }
    page = client.get(url(gbg_forvaltning, "progress", code=f_item.code)).content.decode()
    assert "Framsteget rapporterades via mall" in page
    stamped = {p.pk: p.updated_at for p in Progress.objects.all()}
    again = client.get(url(gbg_forvaltning, "bulk_template"))
    response = client.post(
        url(gbg_forvaltning, "bulk_upload"), {"file": _fill_template(again.content, {})}
    )
    assert response.status_code == 302
    assert ProgressLog.objects.count() == 2 and Progress.objects.count() == 2
    assert {p.pk: p.updated_at for p in Progress.objects.all()} == stamped
    assert AuditEvent.objects.filter(action=ProgressAction.BULK_UPDATED).count() == 2


def test_bulk_template_status_column_has_an_excel_list(client, gbg_lead, gbg_forvaltning):
    client.force_login(gbg_lead)
    template = client.get(url(gbg_forvaltning, "bulk_template"))
    sheet = load_workbook(io.BytesIO(template.content))["Ansvar"]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"Ej påbörjad,Pågår,Hinder,Klar,Ej aktuellt"'
    assert str(validation.sqref).startswith("F2:F")  # the status column


def test_bulk_upload_of_a_file_claiming_huge_dimensions_is_answered_in_under_a_second(
    client, gbg_lead, gbg_forvaltning
):
    """A 1.5 KB workbook whose <dimension> claims 16 384 columns × 5 000 rows (the issue's
    attack) is read at its real size or refused, fast, and nothing is written."""
    import re
    import time
    import zipfile

    workbook = Workbook()
    workbook.active.append(["enhet", "kod", "status"])
    workbook.active.append([gbg_forvaltning.slug, "x", "Klar"])
    plain = io.BytesIO()
    workbook.save(plain)
    hostile = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD5000"/>', data
                )
                assert text != data
                data = text
            target.writestr(entry, data)
    client.force_login(gbg_lead)
    started = time.perf_counter()
    response = client.post(
        url(gbg_forvaltning, "bulk_upload"),
        {"file": SimpleUploadedFile("mall.xlsx", hostile.getvalue())},
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed
    assert response.status_code in {200, 400}
    assert "Inget sparades" in response.content.decode()
    assert not Progress.objects.exists()


def test_bulk_upload_with_bad_rows_applies_nothing(
    client, gbg_lead, gbg_forvaltning, gbg_verksamhet, boras_verksamhet, v_item
):
    client.force_login(gbg_lead)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["enhet", "kod", "status", "kommentar"])
    sheet.append([gbg_verksamhet.slug, v_item.code, "Klar", ""])  # fine
    sheet.append([gbg_verksamhet.slug, "p9-finns-inte", "Klar", ""])
    sheet.append([boras_verksamhet.slug, v_item.code, "Klar", ""])
    sheet.append([gbg_verksamhet.parent.slug, v_item.code, "Klar", ""])
    sheet.append([gbg_verksamhet.slug, "p2-verksamhet-lokalt-inforande", "Hinder", ""])
    sheet.append([gbg_verksamhet.slug, "p2-verksamhet-nya-arbetsrutiner", "Fixat", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        url(gbg_forvaltning, "bulk_upload"),
        {"file": SimpleUploadedFile("m.xlsx", buffer.getvalue())},
    )
    page = response.content.decode()
    assert "Inget sparades" in page
    # Every error names its row, its item (the title, or the code when unknown) and its unit.
    assert f"Rad 3: ”p9-finns-inte” ({gbg_verksamhet.name}): Okänd kod för ansvar" in page
    title = v_item.title
    assert (
        f"Rad 4: ”{title}” (hemsjukvard-boras): Enheten ”hemsjukvard-boras” hör inte till den "
        "här mallen." in page
    )
    assert f"Rad 5: ”{title}” ({gbg_verksamhet.parent.name}): Ansvaret ”" in page
    lokalt = Responsibility.objects.get(code="p2-verksamhet-lokalt-inforande").title
    assert f"Rad 6: ”{lokalt}” ({gbg_verksamhet.name}): Skriv en kommentar" in page
    assert "Rad 7: ”" in page and "Okänd status: ”Fixat”" in page
    assert not Progress.objects.exists()


def test_bulk_upload_with_wrong_columns_or_type(client, gbg_lead, gbg_forvaltning):
    client.force_login(gbg_lead)
    workbook = Workbook()
    workbook.active.append(["enhet", "status"])
    workbook.active.append(["x", "Klar"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(
        url(gbg_forvaltning, "bulk_upload"),
        {"file": SimpleUploadedFile("m.xlsx", buffer.getvalue())},
    )
    assert "Kolumner saknas: kod" in response.content.decode()
    response = client.post(
        url(gbg_forvaltning, "bulk_upload"), {"file": SimpleUploadedFile("m.pdf", PDF)}
    )
    assert "måste vara en Excel-fil" in response.content.decode()
    assert not Progress.objects.exists()
