import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from implementation.models import (
    Evidence,
    Level,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)
from implementation.services import progress_update
from implementation.tests.conftest import appoint

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(unit, name="unit", **kwargs):
    return reverse(
        f"implementation:{name}", kwargs={"party": unit.party.slug, "unit": unit.slug, **kwargs}
    )


def progress_url(unit, item):
    return url(unit, "progress", code=item.code)


# --- reading ---------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, gbg_verksamhet):
    for path in (
        reverse("implementation:index"),
        url(gbg_verksamhet),
        reverse("implementation:my_page"),
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


def test_every_logged_in_user_reads_every_party(client, other_lead, gbg_verksamhet, v_item):
    client.force_login(other_lead)
    for path in (
        reverse("implementation:index"),
        reverse("implementation:party", args=["goteborg"]),
        url(gbg_verksamhet),
        url(gbg_verksamhet.parent, "matrix"),
        progress_url(gbg_verksamhet, v_item),
        reverse("implementation:phases"),
        reverse("implementation:without_lead"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get(progress_url(gbg_verksamhet, v_item)).content.decode()
    assert "Rapportera" not in page  # read-only: no form


# --- writing progress ------------------------------------------------------------------------
def test_lead_reports_progress_on_a_verksamhet_of_their_forvaltning(
    client, gbg_lead, gbg_verksamhet, v_item
):
    client.force_login(gbg_lead)
    response = client.post(
        progress_url(gbg_verksamhet, v_item),
        {
            "status": "pagar",
            "comment": "Rutin påbörjad.",
            "next_step": "Remiss till cheferna",
            "evidence_url": "https://intra.goteborg.se/rutin",
        },
    )
    assert response.status_code == 302
    progress = Progress.objects.get(unit=gbg_verksamhet, responsibility=v_item)
    assert (progress.status, progress.next_step) == ("pagar", "Remiss till cheferna")
    link = progress.evidence.get()
    assert (link.url, link.name, link.file.name) == (
        "https://intra.goteborg.se/rutin",
        "https://intra.goteborg.se/rutin",
        "",
    )
    status_entry, link_entry = ProgressLog.objects.order_by("created_at", "pk").reverse()[:2]
    assert {status_entry.comment, link_entry.comment} == {
        "Rutin påbörjad.",
        "Länk tillagd: ”https://intra.goteborg.se/rutin”",
    }
    assert {e.author for e in ProgressLog.objects.all()} == {gbg_lead}


def test_lead_of_another_party_gets_403_and_nothing_changes(
    client, boras_lead, gbg_verksamhet, v_item
):
    client.force_login(boras_lead)
    response = client.post(progress_url(gbg_verksamhet, v_item), {"status": "klar"})
    assert response.status_code == 403
    response = client.post(
        reverse("implementation:quick_status", args=[gbg_verksamhet.pk, v_item.pk]),
        {"status": "klar"},
    )
    assert response.status_code == 403
    assert not Progress.objects.exists()


def test_styrgrupp_reads_but_cannot_write(client, styrgrupp_user, gbg_verksamhet, v_item):
    client.force_login(styrgrupp_user)
    assert client.get(url(gbg_verksamhet)).status_code == 200
    assert client.post(progress_url(gbg_verksamhet, v_item), {"status": "klar"}).status_code == 403
    assert client.get(url(gbg_verksamhet, "bulk_upload")).status_code == 403
    assert client.get(reverse("implementation:item_create")).status_code == 403
    assert not Progress.objects.exists()


def test_verksamhet_lead_cannot_write_the_forvaltning_or_a_sibling(
    client, lead, gbg_verksamhet, gbg_verksamhet2, f_item, v_item
):
    appoint(gbg_verksamhet, lead)
    client.force_login(lead)
    assert client.post(progress_url(gbg_verksamhet2, v_item), {"status": "klar"}).status_code == 403
    assert (
        client.post(progress_url(gbg_verksamhet.parent, f_item), {"status": "klar"}).status_code
        == 403
    )
    assert client.post(progress_url(gbg_verksamhet, v_item), {"status": "klar"}).status_code == 302


def test_missing_comment_and_illegal_status_keep_the_input(
    client, gbg_lead, gbg_verksamhet, v_item
):
    client.force_login(gbg_lead)
    response = client.post(
        progress_url(gbg_verksamhet, v_item), {"status": "hinder", "next_step": "Mitt utkast"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv en kommentar som förklarar varför status är Hinder." in page
    assert "Mitt utkast" in page
    response = client.post(progress_url(gbg_verksamhet, v_item), {"status": "okand"})
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Progress.objects.exists()


def test_evidence_file_is_checked_and_served_through_a_permission_view(
    client, gbg_lead, other_lead, gbg_verksamhet, v_item, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(gbg_lead)
    bad = SimpleUploadedFile("rutin.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        progress_url(gbg_verksamhet, v_item), {"status": "pagar", "evidence_file": bad}
    )
    assert "Filtypen stöds inte" in response.content.decode()
    big = SimpleUploadedFile(
        "stor.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(
        progress_url(gbg_verksamhet, v_item), {"status": "pagar", "evidence_file": big}
    )
    assert "Filen är för stor" in response.content.decode()
    assert not Progress.objects.exists()
    good = SimpleUploadedFile("rutin.pdf", PDF, content_type="application/pdf")
    response = client.post(
        progress_url(gbg_verksamhet, v_item), {"status": "pagar", "evidence_file": good}
    )
    assert response.status_code == 302
    kept = Evidence.objects.get()
    client.force_login(other_lead)  # every logged-in user may read the evidence
    response = client.get(url(gbg_verksamhet, "evidence", code=v_item.code, pk=kept.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.logout()
    assert (
        client.get(url(gbg_verksamhet, "evidence", code=v_item.code, pk=kept.pk)).status_code == 302
    )


def test_several_named_files_and_links_are_kept_logged_and_removed_from_storage(
    client, gbg_lead, gbg_verksamhet, v_item, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(gbg_lead)
    page = progress_url(gbg_verksamhet, v_item)
    for name in ("Rutin", "Protokoll"):
        upload = SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")
        data = {"status": "pagar", "evidence_name": name, "evidence_file": upload}
        assert client.post(page, data).status_code == 302
    data = {"status": "pagar", "evidence_name": "Intranät", "evidence_url": "https://intra.se/r"}
    assert client.post(page, data).status_code == 302
    kept = {e.name: e for e in Evidence.objects.all()}
    assert set(kept) == {"Rutin", "Protokoll", "Intranät"}
    rutin = kept["Rutin"].file.name
    assert (tmp_path / rutin).exists() and (tmp_path / kept["Protokoll"].file.name).exists()
    shown = client.get(page).content.decode()
    assert "Rutin</a>" in shown and "Protokoll</a>" in shown and "Intranät</a>" in shown
    with django_capture_on_commit_callbacks(execute=True):
        data = {"status": "pagar", "remove_evidence": [kept["Rutin"].pk]}
        assert client.post(page, data).status_code == 302
    assert not (tmp_path / rutin).exists(), "den borttagna filen ligger kvar"
    assert (tmp_path / kept["Protokoll"].file.name).exists()
    assert set(Evidence.objects.values_list("name", flat=True)) == {"Protokoll", "Intranät"}
    comments = list(
        ProgressLog.objects.exclude(comment="").order_by("pk").values_list("comment", flat=True)
    )
    assert comments == [
        "Fil tillagd: ”Rutin”",
        "Fil tillagd: ”Protokoll”",
        "Länk tillagd: ”Intranät”",
        "Fil borttagen: ”Rutin”",
    ]
    # A removal that fails (an illegal status in the same post) keeps the file.
    data = {"status": "hinder", "remove_evidence": [kept["Protokoll"].pk]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, data)
    assert (tmp_path / kept["Protokoll"].file.name).exists()
    assert Evidence.objects.filter(name="Protokoll").exists()


# --- Min sida --------------------------------------------------------------------------------
def test_quick_status_with_htmx_saves_and_returns_the_updated_area(
    client, gbg_lead, gbg_verksamhet, reference_data
):
    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    client.force_login(gbg_lead)
    path = reverse("implementation:quick_status", args=[gbg_verksamhet.pk, item.pk])
    response = client.post(
        path, {"status": "klar", "comment": "Rutinen är antagen."}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "har nu status Klar" in page and 'id="mina-enheter"' in page
    assert "<html" not in page
    assert Progress.objects.get().status == Status.KLAR
    assert ProgressLog.objects.get().comment == "Rutinen är antagen."


def test_quick_status_refuses_hinder_without_comment(
    client, gbg_lead, gbg_verksamhet, reference_data
):
    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    client.force_login(gbg_lead)
    path = reverse("implementation:quick_status", args=[gbg_verksamhet.pk, item.pk])
    response = client.post(
        path, {"status": "hinder", "comment": "", "section": "forsenade"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    # The error is at the row: the chosen status stays, the comment is marked and described.
    row_id = f"forsenade-{gbg_verksamhet.pk}-{item.pk}"
    row = html.split(f'<li class="ia-item" id="{row_id}">')[1].split("</li>")[0]
    assert '<details class="ia-quick-details" open>' in row
    assert '<option value="hinder" selected>Hinder</option>' in row
    assert f'aria-invalid="true" aria-describedby="fel-{row_id}"' in row
    assert (
        f'<div class="invalid-feedback d-block" id="fel-{row_id}" role="alert">Skriv en kommentar'
        in row
    )
    assert html.count('aria-invalid="true"') == 1  # only that row
    response = client.post(path, {"status": "hinder", "comment": ""})  # without JavaScript
    assert response.status_code == 400
    assert "Skriv en kommentar" in response.content.decode()
    assert not Progress.objects.exists()
    response = client.post(path, {"status": "pagar", "comment": ""})
    assert response.status_code == 302 and response["Location"] == reverse("implementation:my_page")


def test_my_page_lists_my_units_overdue_and_recent(
    client, gbg_lead, gbg_verksamhet, reference_data
):
    import time_machine

    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    progress_update(
        unit=gbg_verksamhet, responsibility=item, actor=gbg_lead, status="pagar", comment="Igång"
    )
    client.force_login(gbg_lead)
    with time_machine.travel("2026-06-01 10:00 +0200", tick=False):
        page = client.get(reverse("implementation:my_page")).content.decode()
    assert gbg_verksamhet.name in page and gbg_verksamhet.parent.name in page
    assert "Ska vara klart inom 30 dagar" in page and "Igång" in page
    with time_machine.travel("2026-07-01 10:00 +0200", tick=False):
        page = client.get(reverse("implementation:my_page")).content.decode()
    assert "Försenat" in page


# --- units and leads -------------------------------------------------------------------------
def test_forvaltning_lead_adds_and_renames_verksamheter_but_not_elsewhere(
    client, gbg_lead, gbg_forvaltning, boras_forvaltning
):
    client.force_login(gbg_lead)
    response = client.post(
        url(gbg_forvaltning, "verksamhet_create"), {"name": "Hemsjukvård Väster"}
    )
    unit = Unit.objects.get(name="Hemsjukvård Väster")
    assert (
        response.status_code == 302
        and unit.parent == gbg_forvaltning
        and unit.level == Level.VERKSAMHET
    )
    response = client.post(url(unit, "unit_edit"), {"name": "Hemsjukvård Västra"})
    unit.refresh_from_db()
    assert response.status_code == 302 and unit.name == "Hemsjukvård Västra"
    assert client.get(url(boras_forvaltning, "verksamhet_create")).status_code == 403
    assert client.get(url(gbg_forvaltning, "unit_edit")).status_code == 403
    assert client.get(reverse("implementation:unit_create", args=["goteborg"])).status_code == 403


def test_forvaltning_lead_appoints_leads_of_own_party_only(
    client, gbg_lead, gbg_verksamhet, make_user, other_lead
):
    colleague = make_user(username="kollega", party=gbg_lead.party)
    client.force_login(gbg_lead)
    response = client.post(url(gbg_verksamhet, "members"), {"user": colleague.pk, "role": "lead"})
    assert response.status_code == 302
    assert UnitMembership.objects.filter(unit=gbg_verksamhet, user=colleague, role="lead").exists()
    response = client.post(url(gbg_verksamhet, "members"), {"user": other_lead.pk, "role": "lead"})
    assert "Välj ett giltigt alternativ" in response.content.decode()
    membership = UnitMembership.objects.get(user=colleague)
    client.post(url(gbg_verksamhet, "member_end", pk=membership.pk))
    membership.refresh_from_db()
    assert not membership.is_active


def test_forvaltare_edits_phases_and_items(client, forvaltare, gbg_verksamhet, v_item, gbg_lead):
    progress_update(unit=gbg_verksamhet, responsibility=v_item, actor=gbg_lead, status="pagar")
    client.force_login(forvaltare)
    response = client.post(
        reverse("implementation:item_edit", args=[v_item.code]),
        {
            "phase": v_item.phase_id,
            "title": "Ta fram rutiner för eskaleringstrappan",
            "description": "",
            "due_date": "2026-11-30",
        },
    )
    assert response.status_code == 302
    v_item.refresh_from_db()
    assert v_item.title == "Ta fram rutiner för eskaleringstrappan"
    assert (
        ProgressLog.objects.get().responsibility_title
        == "Konkretisera och ta fram rutiner kopplade till eskaleringstrappan"
    )
    client.post(reverse("implementation:item_toggle", args=[v_item.code]))
    v_item.refresh_from_db()
    assert not v_item.is_active
    response = client.post(
        reverse("implementation:phase_edit", args=["p2"]),
        {
            "short_name": "Fas 2",
            "name": "Implementering",
            "description": "",
            "starts_on": "2026-12-01",
            "ends_on": "2026-06-01",
        },
    )
    assert "Slutdatum kan inte vara före startdatum." in response.content.decode()


def test_development_need_created_and_edited(client, gbg_lead, gbg_verksamhet, v_item):
    client.force_login(gbg_lead)
    response = client.post(
        url(gbg_verksamhet, "need_create"),
        {
            "title": "SIP-rutin",
            "owner": "Enhetschef",
            "description": "",
            "responsibility": v_item.pk,
        },
    )
    assert response.status_code == 302
    need = gbg_verksamhet.needs.get()
    response = client.post(
        url(gbg_verksamhet, "need_edit", pk=need.pk),
        {"title": "SIP-rutin", "owner": "Enhetschef", "status": "pagar", "description": ""},
    )
    need.refresh_from_db()
    assert need.status == "pagar"
    assert "SIP-rutin" in client.get(url(gbg_verksamhet)).content.decode()


def test_quick_status_without_any_change_says_so(client, gbg_lead, gbg_verksamhet, reference_data):
    item = Responsibility.objects.get(code="p1-verksamhet-eskaleringstrappan")
    client.force_login(gbg_lead)
    path = reverse("implementation:quick_status", args=[gbg_verksamhet.pk, item.pk])
    response = client.post(path, {"status": "ej_paborjad", "comment": ""}, HTTP_HX_REQUEST="true")
    assert "Inget ändrades" in response.content.decode()
    assert not ProgressLog.objects.exists()
