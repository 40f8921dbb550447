"""The board, the exports, the agreements' documents and pages, and the register."""

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from agreements import services
from agreements.models import AgreementDocument, Decision, Party
from agreements.tests.conftest import TODAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- board ----------------------------------------------------------------------------------
def test_board_shows_counts_condition_missing_and_late(
    client, styrgrupp_user, record, party, frozen
):
    record(party("vgr"), day=dt.date(2025, 11, 4))
    record(party("ale"))
    client.force_login(styrgrupp_user)
    page = client.get(reverse("agreements:board")).content.decode()
    assert "1 av 49 kommuner har antagit avtalet." in page
    assert "Västra Götalandsregionen antog avtalet 4 november 2025." in page
    assert "Villkoret är inte uppfyllt" in page
    assert "48 kommuner har inte antagit allt" in page
    assert "Inget beslut efter 31 maj 2026 och inget planerat beslutsdatum." in page
    assert 'class="status status-ok">Antaget' in page


def test_board_filters_work_without_javascript(client, lead, record, party, frozen):
    record(party("ale"))
    client.force_login(lead)
    page = client.get(reverse("agreements:board"), {"forbund": "gr", "utfall": "antaget"})
    text = page.content.decode()
    assert "1 part visas." in text
    assert '<th scope="row"><a href="/avtal/parter/ale/">Ale</a>' in text
    assert '<th scope="row"><a href="/avtal/parter/lerum/">' not in text
    bad = client.get(reverse("agreements:board"), {"forbund": "finns-inte"})
    assert bad.status_code == 200
    assert "50 parter visas." in bad.content.decode()


def test_board_query_count_is_the_same_for_50_and_5000_decisions(
    client, lead, party, new_agreements, frozen, django_assert_max_num_queries, count_queries
):

    client.force_login(lead)
    url = reverse("agreements:board")
    parties = list(Party.objects.agreement_parties())

    def make(days: int) -> None:
        rows = []
        for offset in range(days):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
            for p in parties:
                rows.append(
                    Decision(
                        party=p,
                        agreement=new_agreements[offset % 5],
                        decided_on=day,
                        body="regionfullmaktige" if p.is_region else "kommunfullmaktige",
                        outcome="antaget",
                    )
                )
        Decision.objects.bulk_create(rows)

    make(1)  # 50 decisions
    assert Decision.objects.count() == 50
    small = count_queries(client.get, url)
    make_more = 100  # 100 days × 50 parties = 5 000 decisions
    Decision.objects.all().delete()
    make(make_more)
    assert Decision.objects.count() == 5000
    large = count_queries(client.get, url)
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(url)


def test_index_and_party_pages_have_bounded_queries(
    client, lead, record, party, frozen, count_queries
):
    client.force_login(lead)
    ale = party("ale")
    index = reverse("agreements:index")
    party_url = reverse("agreements:party_detail", args=["ale"])
    small = (count_queries(client.get, index), count_queries(client.get, party_url))
    for offset in range(20):
        record(ale, day=dt.date(2026, 1, 5) + dt.timedelta(days=offset), outcome="ej_beslutat")
    large = (count_queries(client.get, index), count_queries(client.get, party_url))
    assert small == large


# --- exports --------------------------------------------------------------------------------
def test_xlsx_export_has_the_status_and_every_decision(client, lead, record, party, frozen):
    record(party("vgr"), day=dt.date(2025, 11, 4))
    record(
        party("dals-ed"),
        day=dt.date(2026, 5, 25),
        outcome="uppskjutet",
        planned_date=dt.date(2026, 6, 17),
    )
    record(party("dals-ed"), day=dt.date(2026, 6, 17))
    client.force_login(lead)
    response = client.get(reverse("agreements:register_xlsx"))
    assert (
        response["Content-Disposition"] == 'attachment; filename="beslutsregister-2026-11-22.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Aktuell status", "Alla beslut"]
    status = list(workbook["Aktuell status"].iter_rows(values_only=True))
    assert status[0][:3] == ("Part", "Kommunalförbund", "Hälso- och sjukvårdsavtal")
    assert len(status) == 51
    rows = {row[0]: row for row in status[1:]}
    assert rows["Västra Götalandsregionen"][2] == "Antaget"
    assert rows["Dals-Ed"][2:] == ("Antaget",) * 5 + ("Ja", "Nej")
    assert rows["Ale"][2] == "Inget beslut registrerat" and rows["Ale"][-1] == "Ja"
    decisions = list(workbook["Alla beslut"].iter_rows(values_only=True))
    assert decisions[0][:7] == (
        "Part",
        "Kommunalförbund",
        "Delregion",
        "Avtal",
        "Beslutsdatum",
        "Beslutande organ",
        "Utfall",
    )
    assert len(decisions) == 1 + 15
    postponed = next(r for r in decisions if r[6] == "Bordlagt/uppskjutet")
    assert postponed[0] == "Dals-Ed"
    assert postponed[4].date() == dt.date(2026, 5, 25)
    assert postponed[7].date() == dt.date(2026, 6, 17)
    cell = workbook["Alla beslut"].cell(2, 5)
    assert cell.number_format == "yyyy-mm-dd"


def test_csv_export_uses_swedish_headers_and_iso_dates(client, lead, record, party, frozen):
    record(party("ale"))
    client.force_login(lead)
    response = client.get(reverse("agreements:register_csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Part" and rows[0][4] == "Beslutsdatum"
    assert rows[1][:7] == [
        "Ale",
        "Göteborgsregionen",
        "SIMBA",
        rows[1][3],
        "2026-04-20",
        "Kommunfullmäktige",
        "Antaget",
    ]
    assert len(rows) == 6


# --- documents ------------------------------------------------------------------------------
def test_a_registrator_uploads_a_pdf_that_is_served_through_a_checked_view(
    client, registrator, lead, main_agreement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(registrator)
    url = reverse("agreements:document_create", args=[main_agreement.slug])
    upload = SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"title": "Avtalstext", "file": upload})
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    download = reverse("agreements:document_download", args=[document.pk])
    detail = client.get(reverse("agreements:agreement_detail", args=[main_agreement.slug]))
    assert download in detail.content.decode()
    assert "/media/" not in detail.content.decode()
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
    client.force_login(lead)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_wrong_upload_is_refused_and_the_title_is_kept(client, registrator, main_agreement):
    client.force_login(registrator)
    url = reverse("agreements:document_create", args=[main_agreement.slug])
    upload = SimpleUploadedFile("avtal.pdf", b"plain text", content_type="application/pdf")
    response = client.post(url, {"title": "Min rubrik", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Filtypen stöds inte" in page
    assert 'value="Min rubrik"' in page
    assert not AgreementDocument.objects.exists()


def test_a_lead_may_not_add_or_remove_documents(client, lead, registrator, main_agreement):
    document = services.document_add(
        actor=registrator, agreement=main_agreement, title="Länk", url="https://www.vgregion.se/"
    )
    client.force_login(lead)
    url = reverse("agreements:document_create", args=[main_agreement.slug])
    assert client.post(url, {"title": "X", "url": "https://example.org/"}).status_code == 403
    delete = reverse("agreements:document_delete", args=[document.pk])
    assert client.post(delete).status_code == 403
    assert AgreementDocument.objects.count() == 1
    client.force_login(registrator)
    assert client.post(delete).status_code == 302
    assert not AgreementDocument.objects.exists()


def test_agreement_pages_describe_state_and_timeline(client, lead, frozen):
    client.force_login(lead)
    index = client.get(reverse("agreements:index")).content.decode()
    assert "Träder i kraft 1 januari 2027 om samtliga kommuner antar avtalet." in index
    assert "Gäller till och med 31 december 2026." in index
    assert "Regionfullmäktige säger upp det gamla avtalet och ingår det nya" in index
    assert index.count("<h1") == 1
    detail = client.get(reverse("agreements:agreement_detail", args=["hos-avtal-2027"]))
    text = detail.content.decode()
    assert "eskaleringstrappan" in text
    assert "Betalningsansvar" in text or "betalningsansvar" in text
    assert "0 av 49 kommuner har antagit detta." in text
    assert TODAY.year == 2026


def test_the_board_is_available_in_english(client, lead, frozen, settings):
    client.force_login(lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("agreements:board")).content.decode()
    assert "0 of 49 municipalities have adopted the agreement." in page
    assert "The condition is not met" in page


# --- the register ---------------------------------------------------------------------------
def test_register_lists_filters_and_paginates(client, lead, record, party, new_agreements, frozen):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        record(party("ale"))
    with time_machine.travel(dt.datetime(2026, 6, 20, 9, tzinfo=dt.UTC), tick=False):
        record(party("vara"), day=dt.date(2026, 6, 17))
    client.force_login(lead)
    url = reverse("agreements:register")
    page = client.get(url).content.decode()
    assert "10 beslut." in page
    gr = client.get(url, {"forbund": "gr"}).content.decode()
    assert "5 beslut." in gr and "/avtal/parter/vara/" not in gr
    since = client.get(url, {"sedan": "2026-06-01"}).content.decode()
    assert "5 beslut." in since and "/avtal/parter/ale/" not in since
    assert 'value="2026-06-01"' in since
    one = client.get(url, {"avtal": new_agreements[0].slug, "utfall": "antaget"}).content.decode()
    assert "2 beslut." in one
    bad = client.get(url, {"sedan": "igår"})
    assert bad.status_code == 200
    assert "Fyll i ett giltigt datum" in bad.content.decode()


def test_register_query_count_is_the_same_for_few_and_many_decisions(
    client, lead, record, party, new_agreements, frozen, count_queries
):
    client.force_login(lead)
    url = reverse("agreements:register")
    record(party("ale"))
    small = count_queries(client.get, url)
    for offset, p in enumerate(Party.objects.agreement_parties()[:30]):
        record(p, day=dt.date(2026, 3, 2) + dt.timedelta(days=offset % 20), outcome="ej_beslutat")
    assert Decision.objects.count() > 100
    large = count_queries(client.get, url)
    second_page = count_queries(client.get, url + "?page=2")
    assert small == large == second_page


def _board_row(page: str, slug: str) -> str:
    start = page.index(f'<th scope="row"><a href="/avtal/parter/{slug}/">')
    return page[start : page.index("</tr>", start)]


def test_board_cells_show_status_lateness_and_planned_date_in_both_languages(
    client, lead, record, party, frozen, settings
):
    postponed = Decision.Outcome.POSTPONED
    record(party("ale"))
    record(party("vara"), outcome=postponed, planned_date=dt.date(2026, 12, 10))
    record(party("lerum"), outcome=postponed, planned_date=dt.date(2026, 10, 1))
    client.force_login(lead)
    page = client.get(reverse("agreements:board")).content.decode()

    ale, vara = _board_row(page, "ale"), _board_row(page, "vara")
    lerum, mark = _board_row(page, "lerum"), _board_row(page, "mark")
    assert ale.count('<td><span class="status status-ok">Antaget</span></td>') == 5
    planned = (
        '<td><span class="status status-warn">Bordlagt/uppskjutet</span>'
        '<br><span class="small">planerat 2026-12-10</span></td>'
    )
    assert vara.count(planned) == 5
    late = '<span class="status status-bad">Försenad</span>'
    assert "Försenad" not in ale + vara
    assert lerum.count(late) == 5 and "planerat 2026-10-01" in lerum
    none = f'<td><span class="status status-neutral">Inget beslut registrerat</span> {late}</td>'
    assert mark.count(none) == 5
    assert mark.count("<td>") == 5 and '<td class="latest-decision">–</td>' in mark

    # The labels are translated once per language: English after Swedish, then Swedish again.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("agreements:board")).content.decode()
    assert _board_row(english, "vara").count("Tabled/postponed</span>") == 5
    assert _board_row(english, "vara").count("planned 2026-12-10") == 5
    assert _board_row(english, "mark").count("No decision recorded</span>") == 5
    assert "Bordlagt/uppskjutet" not in _board_row(english, "vara")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    again = client.get(reverse("agreements:board")).content.decode()
    assert _board_row(again, "ale").count("Antaget</span>") == 5
