"""The registrar's pages: who sees what, forms, check-in, invitations, documents and
bounded queries. The public pages: test_views_public.py."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Party
from conferences import services
from conferences.models import Conference, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory


def login(client, user):
    client.force_login(user)
    return client


def staff_urls(conference, invitation, registration):
    slug = conference.slug
    return {
        "read": [
            reverse("conferences:index"),
            reverse("conferences:detail", args=[slug]),
        ],
        "manage": [
            reverse("conferences:create"),
            reverse("conferences:update", args=[slug]),
            reverse("conferences:participants", args=[slug]),
            reverse("conferences:participants_export", args=[slug, "xlsx"]),
            reverse("conferences:participants_export", args=[slug, "csv"]),
            reverse("conferences:catering", args=[slug]),
            reverse("conferences:attendance", args=[slug]),
            reverse("conferences:checkin", args=[slug]),
            reverse("conferences:invitation_create", args=[slug]),
            reverse("conferences:invitation", args=[invitation.pk]),
            reverse("conferences:invitation_preview", args=[invitation.pk]),
            reverse("conferences:invitation_progress", args=[invitation.pk]),
        ],
        "post": [
            reverse("conferences:status", args=[slug]),
            reverse("conferences:programme_add", args=[slug]),
            reverse("conferences:invitation_send", args=[invitation.pk]),
            reverse("conferences:invitation_groups", args=[invitation.pk]),
            reverse("conferences:checkin_toggle", args=[slug, registration.pk]),
            reverse("conferences:participant_cancel", args=[slug, registration.pk]),
        ],
    }


def test_every_staff_page_renders_for_the_registrar(client, conference, invitation, registrator):
    registration = RegistrationFactory(conference=conference, name="<script>alert(1)</script>")
    login(client, registrator)
    urls = staff_urls(conference, invitation, registration)
    for url in urls["read"] + urls["manage"]:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.get("Content-Type", "").startswith("text/html"):
            assert b"<script>alert(1)</script>" not in response.content, url


def test_anonymous_is_sent_to_login(client, conference, invitation):
    registration = RegistrationFactory(conference=conference)
    urls = staff_urls(conference, invitation, registration)
    for url in urls["read"] + urls["manage"]:
        response = client.get(url)
        assert response.status_code == 302 and "/konto/logga-in/" in response["Location"], url
    for url in urls["post"]:
        assert client.post(url).status_code == 302, url
    assert Registration.objects.get(pk=registration.pk).status == "bekraftad"


def test_lead_sees_nothing(client, conference, invitation, lead):
    registration = RegistrationFactory(conference=conference)
    login(client, lead)
    urls = staff_urls(conference, invitation, registration)
    for url in urls["read"] + urls["manage"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {"attended": "1", "status": "installd"}).status_code == 403, url
    registration.refresh_from_db()
    assert not registration.attended and registration.status == "bekraftad"
    assert Conference.objects.get(pk=conference.pk).status == conference.status


def test_steering_group_reads_but_does_not_manage(client, conference, invitation, styrgrupp_user):
    registration = RegistrationFactory(conference=conference, name="Hemlig Person")
    login(client, styrgrupp_user)
    urls = staff_urls(conference, invitation, registration)
    for url in urls["read"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Hemlig Person" not in response.content
    for url in urls["manage"]:
        assert client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert client.post(url, {"status": "installd"}).status_code == 403, url


def test_forvaltare_manages(client, conference, forvaltare):
    login(client, forvaltare)
    response = client.post(
        reverse("conferences:programme_add", args=[conference.slug]),
        {"program-title": "Inledning", "program-speakers": "Janette Olsson (S)"},
    )
    assert response.status_code == 302
    assert conference.programme.get().speakers == "Janette Olsson (S)"


def test_create_conference_with_bad_input_keeps_what_was_typed(client, registrator):
    login(client, registrator)
    data = {
        "title": "Ny konferens",
        "kind": "blandad",
        "date": "2027-03-10",
        "start_time": "15:00",
        "end_time": "09:00",
        "venue": "",
        "retention_days": "30",
        "offer_hours": "48",
    }
    response = client.post(reverse("conferences:create"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sluttiden måste vara efter starttiden." in text
    assert "Ange en plats" in text
    assert 'value="Ny konferens"' in text
    assert not Conference.objects.filter(title="Ny konferens").exists()
    data.update(end_time="16:00", venue="Regionens hus")
    response = client.post(reverse("conferences:create"), data)
    conference = Conference.objects.get(title="Ny konferens")
    assert response["Location"] == reverse("conferences:detail", args=[conference.slug])
    assert conference.created_at


# --- registrar pages -------------------------------------------------------------------------
def test_export_reads_back(client, conference, registrator):
    RegistrationFactory(
        conference=conference, name="Åsa Öberg", party=Party.objects.get(slug="ale"), diet="Vegansk"
    )
    RegistrationFactory(conference=conference, status="avbokad", name="Avbokad Person")
    login(client, registrator)
    response = client.get(
        reverse("conferences:participants_export", args=[conference.slug, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Namn", "E-postadress", "Organisation", "Kommunalförbund")
    assert rows[1][0] == "Åsa Öberg" and rows[1][2] == "Ale" and rows[1][3] == "GR"
    assert len(rows) == 2
    assert "Vegansk" not in str(rows)
    csv = client.get(reverse("conferences:participants_export", args=[conference.slug, "csv"]))
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("Åsa Öberg;")


def test_checkin_htmx_and_fallback(client, conference, registrator):
    Conference.objects.filter(pk=conference.pk).update(date=timezone.localdate())
    registration = RegistrationFactory(conference=conference)
    login(client, registrator)
    url = reverse("conferences:checkin_toggle", args=[conference.slug, registration.pk])
    response = client.post(url, {"attended": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Incheckad" in response.content.decode()
    assert f'id="deltagare-{registration.pk}"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended
    response = client.post(url, {"attended": "0"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert not registration.attended


def test_invitation_import_page_reports_rows(client, invitation, registrator):
    login(client, registrator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("l.csv", b"e-post;namn\nfel;X\nok@ale.se;Y\n", "text/csv")
    response = client.post(
        reverse("conferences:invitation_import", args=[invitation.pk]), {"import-file": upload}
    )
    assert response.status_code == 400
    assert "Rad 2: ”fel” är ingen giltig e-postadress." in response.content.decode()
    assert not invitation.recipients.exists()


def test_wrong_invitation_id_is_404(client, registrator, reference_data):
    login(client, registrator)
    assert client.get(reverse("conferences:invitation", args=[999999])).status_code == 404


# --- bounded queries ---------------------------------------------------------------------------
def _populate(conference, invitation, n, prefix):
    parties = list(Party.objects.agreement_parties())
    Registration.objects.bulk_create(
        [
            Registration(
                conference=conference,
                name=f"P {i}",
                email=f"{prefix}{i}@x.se",
                party=parties[i % len(parties)],
                role="tjansteperson",
                consent_at=timezone.now(),
                status="bekraftad" if i % 5 else "vantelista",
                diet="Vegansk" if i % 3 == 0 else "",
            )
            for i in range(n)
        ]
    )
    Recipient.objects.bulk_create(
        [
            Recipient(
                invitation=invitation,
                email=f"{prefix}r{i}@x.se",
                source="import",
                party=parties[i % 50],
            )
            for i in range(n)
        ]
    )
    for _ in range(n // 100 + 1):
        ConferenceFactory()


@pytest.mark.parametrize(
    "name",
    ["index", "detail", "participants", "catering", "attendance", "checkin", "invitation"],
)
def test_query_counts_do_not_grow(client, conference, invitation, registrator, count_queries, name):
    login(client, registrator)
    if name == "index":
        url = reverse("conferences:index")
    elif name == "invitation":
        url = reverse("conferences:invitation", args=[invitation.pk])
    else:
        url = reverse(f"conferences:{name}", args=[conference.slug])
    client.get(url)  # warm caches (content types, session)
    _populate(conference, invitation, 10, "s")
    small = count_queries(client.get, url)
    _populate(conference, invitation, 1000, "l")
    large = count_queries(client.get, url)
    assert large == small, (name, small, large)
    assert small <= 25, (name, small)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_upload_download_and_refuse_wrong_type(
    client, conference, registrator, styrgrupp_user, lead, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    login(client, registrator)
    url = reverse("conferences:document_add", args=[conference.slug])
    bad = SimpleUploadedFile("manus.pdf", b"inte en pdf", "application/pdf")
    client.post(url, {"dokument-title": "Manus", "dokument-file": bad})
    assert not conference.documents.exists()
    good = SimpleUploadedFile("manus.pdf", PDF, "application/pdf")
    client.post(url, {"dokument-title": "Manus för inledningen", "dokument-file": good})
    document = conference.documents.get()
    download = reverse("conferences:document_download", args=[conference.slug, document.pk])
    login(client, styrgrupp_user)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    login(client, lead)
    assert client.get(download).status_code == 403


def test_pre_meeting_added_and_shown(client, conference, registrator):
    login(client, registrator)
    client.post(
        reverse("conferences:pre_meeting_add", args=[conference.slug]),
        {
            "formote-date": "2026-12-20",
            "formote-start_time": "15:00",
            "formote-end_time": "16:00",
            "formote-place": "Teams",
            "formote-participants": "Janette Olsson och Bengt Hilmersson",
        },
    )
    meeting = conference.pre_meetings.get()
    assert meeting.place == "Teams"
    page = client.get(reverse("conferences:detail", args=[conference.slug])).content.decode()
    assert "Janette Olsson och Bengt Hilmersson" in page and "kl. 15.00–16.00" in page


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\u2028"])
def test_titles_and_subjects_refuse_line_breaks_and_keep_what_was_typed(
    client, registrator, conference, newline
):
    login(client, registrator)
    data = {
        "title": f"Ny konferens{newline}Bcc: alla@example.se",
        "kind": "blandad",
        "date": "2027-03-10",
        "venue": "Regionens hus",
        "retention_days": "30",
        "offer_hours": "48",
    }
    response = client.post(reverse("conferences:create"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Skriv texten på en rad, utan radbrytningar." in text
    assert "Regionens hus" in text
    assert not Conference.objects.filter(title__startswith="Ny konferens").exists()
    response = client.post(
        reverse("conferences:invitation_create", args=[conference.slug]),
        {"subject": f"Inbjudan{newline}till konferens", "body": "Välkommen!"},
    )
    assert response.status_code == 200
    assert "Skriv texten på en rad, utan radbrytningar." in response.content.decode()
    assert "Välkommen!" in response.content.decode()
    assert not conference.invitations.filter(subject__startswith="Inbjudan").exists()


def test_the_invitation_service_refuses_a_subject_with_a_line_break(conference, registrator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="på en rad"):
        services.invitation_create(
            conference=conference, subject="Ämne\nBcc: x@y.se", body="Text", actor=registrator
        )
