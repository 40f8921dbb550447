import datetime as dt
import io

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Party
from conferences import services
from conferences.emails import (
    MANAGE_SALT,
    invitation_token,
    manage_token,
    registration_token_from_link,
)
from conferences.models import Conference, Invitation, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory

PASSWORD = "losenord-for-test-123"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def invitation(conference, registrator):
    return Invitation.objects.create(
        conference=conference, subject="Inbjudan", body="Välkommen", created_by=registrator
    )


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


# --- public pages ----------------------------------------------------------------------------
def _form(**overrides):
    return {
        "name": "Anna Andersson",
        "email": "anna@ale.se",
        "party": str(Party.objects.get(slug="ale").pk),
        "role": "tjansteperson",
        "title": "Enhetschef",
        "diet": "Vegetarisk",
        "consent": "on",
        **overrides,
    }


def test_public_registration_without_account(client, conference, mailbox, settings):
    url = reverse("conferences:register", args=[conference.slug])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "raderas automatiskt 30 dagar efter konferensen" in text
    assert "sammanräknade antal" in text
    response = client.post(url, _form())
    registration = Registration.objects.get(email="anna@ale.se")
    # Double opt-in (issue 17): nothing held, and the link goes by e-mail only.
    assert registration.status == "obekraftad" and registration.party.slug == "ale"
    assert response["Location"] == reverse("conferences:check_email", args=[conference.slug])
    link = manage_token(registration)
    client.post(reverse("conferences:confirm", args=[link]))
    registration.refresh_from_db()
    assert registration.status == "bekraftad"
    assert registration_token_from_link(link) == registration.token
    manage = client.get(reverse("conferences:manage", args=[link]))
    assert "Tack! Din anmälan är bekräftad" in manage.content.decode()


def test_public_page_exposes_nothing_else(client, conference):
    RegistrationFactory(conference=conference, name="Annan Deltagare", email="annan@ale.se")
    page = client.get(reverse("conferences:register", args=[conference.slug]))
    text = page.content.decode()
    assert "Annan Deltagare" not in text and "annan@ale.se" not in text
    assert "Huvudmeny" not in text


def test_public_registration_bad_input_keeps_values(client, conference):
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(email="inte-en-adress", consent="", name="<b>Fet</b> Namn"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "giltig e-postadress" in text
    assert "godkänna" in text
    assert "&lt;b&gt;Fet&lt;/b&gt; Namn" in text
    assert not Registration.objects.exists()


def test_public_registration_closed_and_cancelled(client, conference):
    conference.registration_closes = timezone.now() - dt.timedelta(hours=1)
    conference.save()
    url = reverse("conferences:register", args=[conference.slug])
    assert "Anmälan stängde" in client.get(url).content.decode()
    assert client.post(url, _form()).status_code == 400
    Conference.objects.filter(pk=conference.pk).update(status="installd", registration_closes=None)
    assert "inställd" in client.get(url).content.decode()
    assert not Registration.objects.exists()


def test_personal_link_prefills_and_links_the_recipient(client, invitation):
    recipient = Recipient.objects.create(
        invitation=invitation, email="lea@ale.se", name="Lea Lind", source="import"
    )
    url = reverse("conferences:register", args=[invitation.conference.slug])
    token = invitation_token(recipient.pk)
    page = client.get(f"{url}?inbjudan={token}").content.decode()
    assert 'value="lea@ale.se"' in page and 'value="Lea Lind"' in page
    client.post(url, _form(email="lea@ale.se", inbjudan=token))
    assert Registration.objects.get().recipient == recipient


def test_manage_link_change_cancel_and_tampering(client, conference, register):
    (person,) = register(conference, 1)
    token = manage_token(person)
    url = reverse("conferences:manage", args=[token])
    response = client.post(
        url, {"name": "Ändrat Namn", "party": "", "organisation_other": "SKR", "role": "politiker"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Ändrat Namn" and person.organisation == "SKR"
    client.post(reverse("conferences:cancel", args=[token]))
    person.refresh_from_db()
    assert person.status == "avbokad"
    tampered = client.get(reverse("conferences:manage", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400
    assert "Länken är ogiltig" in tampered.content.decode()
    forged = signing.dumps("inte-en-token", salt=MANAGE_SALT)
    assert client.get(reverse("conferences:manage", args=[forged])).status_code == 400
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        expired = client.get(url)
    assert expired.status_code == 400
    assert "slutat gälla" in expired.content.decode()


def test_accept_offer_through_the_link(client, conference, register, committed):
    conference.capacity = 1
    conference.save()
    first, second = register(conference, 2)
    committed(services.registration_cancel, registration=first)
    url = reverse("conferences:manage", args=[manage_token(second)])
    assert "Tacka ja till platsen" in client.get(url).content.decode()
    client.post(reverse("conferences:accept", args=[manage_token(second)]))
    second.refresh_from_db()
    assert second.status == "bekraftad"


def test_public_ics(client, conference):
    response = client.get(reverse("conferences:ics", args=[conference.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VALARM" in response.content


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


def test_public_page_in_english(client, conference):
    client.cookies["hos_language"] = "en"
    text = client.get(reverse("conferences:register", args=[conference.slug])).content.decode()
    assert f"Registration for {conference.title}" in text
    assert "How we handle your data" in text
    assert "Send registration" in text


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


def test_registration_unit_must_belong_to_the_chosen_party(client, conference):
    from implementation.models import Unit

    unit = Unit.objects.filter(party__slug="vgr").first()
    url = reverse("conferences:register", args=[conference.slug])
    response = client.post(url, _form(unit=str(unit.pk)))  # party is Ale
    assert response.status_code == 400
    assert "Enheten hör inte till" in response.content.decode()
    client.post(url, _form(unit=str(unit.pk), party=str(unit.party_id)))
    assert Registration.objects.get().unit == unit


def test_registration_unit_that_is_no_unit_is_refused_and_a_chosen_one_kept(client, conference):
    from implementation.models import Unit

    url = reverse("conferences:register", args=[conference.slug])
    for bad in ("999999999", "abc"):
        response = client.post(url, _form(unit=bad))
        assert response.status_code == 400
        assert 'id="id_unit"' in response.content.decode()
    assert "Enheten hör inte till" in client.post(url, _form(unit="999999999")).content.decode()
    unit = Unit.objects.filter(party__slug="vgr").first()
    chosen = _form(unit=str(unit.pk), party=str(unit.party_id), name="")
    page = client.post(url, chosen).content.decode()
    assert f'<option value="{unit.pk}" selected>' in page  # kept while another field is fixed
    assert not Registration.objects.exists()


def test_registration_unit_list_is_kept_until_a_unit_changes(client, conference, count_queries):
    from implementation.models import Level, Unit

    url = reverse("conferences:register", args=[conference.slug])
    client.get(url)
    warm = count_queries(lambda: client.get(url))
    ale = Party.objects.get(slug="ale")
    unit = Unit.objects.create(party=ale, level=Level.FORVALTNING, name="Vård och omsorg Ale")
    cold = count_queries(lambda: client.get(url))
    assert cold == warm + 1  # the unit list is read again: the new unit is an audited change
    assert "Vård och omsorg Ale" in client.get(url).content.decode()
    unit.name = "Omsorgsförvaltningen Ale"
    unit.save()
    page = client.get(url).content.decode()
    assert "Omsorgsförvaltningen Ale" in page and "Vård och omsorg Ale" not in page


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

    from conferences import services

    with pytest.raises(ValidationError, match="på en rad"):
        services.invitation_create(
            conference=conference, subject="Ämne\nBcc: x@y.se", body="Text", actor=registrator
        )
