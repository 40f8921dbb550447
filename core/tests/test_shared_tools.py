import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar
from openpyxl import Workbook, load_workbook

from core.exports import Sheet, csv_response, xlsx_bytes
from core.ics import IcsEvent, ics_bytes
from core.tabular import TableError, read_table


def test_xlsx_round_trip_with_iso_dates():
    data = xlsx_bytes([Sheet("Beslut", ["Part", "Datum"], [["Ale", dt.date(2026, 5, 20)]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["Part", "Datum"]
    assert sheet["B2"].value.date() == dt.date(2026, 5, 20)
    assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_csv_has_bom_semicolons_and_iso_dates():
    response = csv_response("x.csv", ["Part", "Datum"], [["Ale", dt.date(2026, 5, 20)]])
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffPart;Datum")
    assert "Ale;2026-05-20" in text
    assert 'filename="x.csv"' in response["Content-Disposition"]


def test_ics_has_event_and_alarm():
    data = ics_bytes(
        [
            IcsEvent(
                uid="k1@hos",
                summary="Dialogkonferens",
                start=dt.datetime(2026, 10, 15, 7, tzinfo=dt.UTC),
                end=dt.datetime(2026, 10, 15, 13, tzinfo=dt.UTC),
                location="Regionens hus",
                alarm_before=dt.timedelta(hours=2),
            )
        ]
    )
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Dialogkonferens"
    assert str(event["location"]) == "Regionens hus"
    alarm = event.walk("VALARM")[0]
    assert alarm["trigger"].dt == -dt.timedelta(hours=2)


def _xlsx_upload(rows, name="lista.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_read_table_from_xlsx_and_csv():
    rows = read_table(
        _xlsx_upload([["Namn", "E-post"], ["Åsa", "asa@x.se"], [None, None]]),
        required=["namn", "e-post"],
    )
    assert [(r.number, r.values) for r in rows] == [(2, {"namn": "Åsa", "e-post": "asa@x.se"})]
    csv_file = SimpleUploadedFile("l.csv", "Namn;E-post\nBo;bo@x.se\n".encode("cp1252"))
    assert read_table(csv_file, required=["namn", "e-post"])[0].values["namn"] == "Bo"


def test_read_table_refuses_wrong_columns_and_types():
    with pytest.raises(TableError, match="Kolumner saknas: e-post"):
        read_table(_xlsx_upload([["Namn"], ["Åsa"]]), required=["namn", "e-post"])
    with pytest.raises(TableError, match="Okända kolumner: telefon"):
        read_table(_xlsx_upload([["Namn", "Telefon"], ["Åsa", "1"]]), required=["namn"])
    with pytest.raises(TableError, match="Excel-fil"):
        read_table(SimpleUploadedFile("x.pdf", b"%PDF-1.4"), required=["namn"])


def test_read_table_accepts_a_single_column_csv():
    upload = SimpleUploadedFile("l.csv", b"E-post\nasa@x.se\nbo@x.se\n")
    rows = read_table(upload, required=["e-post"])
    assert [r.values["e-post"] for r in rows] == ["asa@x.se", "bo@x.se"]
