"""Issue 17: a registrar who can run conferences safely (confirmations, undo, attendance,
catering and needs, invitations with answers, calendar files, the rule table). The public
side: test_safety_public.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from agreements.models import Party
from conferences import permissions, selectors, services
from conferences.emails import conference_ics, invitation_token
from conferences.models import Conference, Invitation, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from core.models import OutboxMessage
from core.roles import Role


# --- 1. confirm, explain, undo ------------------------------------------------------------
def test_cancel_conference_asks_explains_and_can_be_undone(client, conference, registrator):
    RegistrationFactory(conference=conference)
    RegistrationFactory(conference=conference, status="vantelista")
    client.force_login(registrator)
    url = reverse("conferences:cancel_conference", args=[conference.slug])
    page = client.get(url).content.decode()
    assert "2 personer" in page and "ångra" in page
    # The old status form only leads to the confirmation page.
    status = client.post(
        reverse("conferences:status", args=[conference.slug]), {"status": "installd"}
    )
    assert status["Location"] == url
    conference.refresh_from_db()
    assert conference.status == Conference.Status.INBJUDAN_SKICKAD
    client.post(url, {"message": "Vi återkommer med nytt datum."})
    conference.refresh_from_db()
    assert conference.status == Conference.Status.INSTALLD
    assert not OutboxMessage.objects.exists()  # nothing goes during the grace period
    detail = client.get(reverse("conferences:detail", args=[conference.slug])).content.decode()
    assert "Ångra inställningen" in detail
    client.post(reverse("conferences:cancel_conference_undo", args=[conference.slug]))
    conference.refresh_from_db()
    assert conference.status == Conference.Status.INBJUDAN_SKICKAD
    assert services.conference_cancellations_notify(now=timezone.now() + dt.timedelta(hours=1)) == 0
    assert not OutboxMessage.objects.exists()


def test_cancelled_conference_mails_everyone_once_after_the_grace_period(conference, registrator):
    RegistrationFactory(conference=conference, email="a@ale.se")
    RegistrationFactory(conference=conference, email="b@ale.se", status="vantelista")
    RegistrationFactory(conference=conference, email="c@ale.se", status="avbokad")
    services.conference_cancel(
        conference=conference, actor=registrator, message="Nytt datum kommer."
    )
    assert services.conference_cancellations_notify() == 0  # still within the grace period
    later = timezone.now() + services.CANCEL_GRACE + dt.timedelta(seconds=1)
    assert services.conference_cancellations_notify(now=later) == 2
    assert services.conference_cancellations_notify(now=later) == 0
    mails = OutboxMessage.objects.filter(kind="konferensanmalan-installd")
    assert sorted(m.to[0] for m in mails) == ["a@ale.se", "b@ale.se"]
    assert all("Nytt datum kommer." in m.text for m in mails)
    with pytest.raises(ValidationError, match="ångra"):
        services.conference_cancel_undo(conference=conference, actor=registrator)


def test_delete_only_without_registrations_and_sent_invitations(client, conference, registrator):
    client.force_login(registrator)
    url = reverse("conferences:delete", args=[conference.slug])
    Invitation.objects.create(conference=conference, subject="S", body="B", created_by=registrator)
    page = client.get(url).content.decode()
    assert "Ta bort konferensen" in page
    registration = RegistrationFactory(conference=conference)
    assert "Det finns anmälningar" in client.get(url).content.decode()
    client.post(url)
    assert Conference.objects.filter(pk=conference.pk).exists()
    registration.delete()
    response = client.post(url)
    assert response["Location"] == reverse("conferences:index")
    assert not Conference.objects.filter(pk=conference.pk).exists()


def test_participant_cancel_and_recipient_remove_ask_first(client, conference, registrator):
    client.force_login(registrator)
    registration = RegistrationFactory(conference=conference, name="Bo Berg")
    url = reverse("conferences:participant_cancel", args=[conference.slug, registration.pk])
    page = client.get(url).content.decode()
    assert "Avboka Bo Berg" in page and "väntelistan" in page
    registration.refresh_from_db()
    assert registration.status == Registration.Status.BEKRAFTAD
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.AVBOKAD
    invitation = Invitation.objects.create(
        conference=conference, subject="S", body="B", created_by=registrator
    )
    recipient = Recipient.objects.create(
        invitation=invitation, email="m@ale.se", source=Recipient.Source.IMPORT
    )
    remove = reverse("conferences:recipient_remove", args=[invitation.pk, recipient.pk])
    assert "m@ale.se" in client.get(remove).content.decode()
    assert Recipient.objects.filter(pk=recipient.pk).exists()
    client.post(remove)
    assert not Recipient.objects.filter(pk=recipient.pk).exists()


# --- 2. attendance you can trust ----------------------------------------------------------
def test_checkin_opens_on_the_day_or_by_a_forvaltare(conference, registrator, forvaltare):
    registration = RegistrationFactory(conference=conference)
    with pytest.raises(ValidationError, match="konferensdagen"):
        services.registration_set_attended(
            registration=registration, attended=True, actor=registrator
        )
    with pytest.raises(ValidationError, match="förvaltare"):
        services.checkin_open_early(conference=conference, actor=registrator)
    services.checkin_open_early(conference=conference, actor=forvaltare)
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(conference).latest("timestamp")
    assert entry.actor == forvaltare and "checkin_opened_at" in entry.changes
    conference.refresh_from_db()
    services.registration_set_attended(registration=registration, attended=True, actor=registrator)
    registration.refresh_from_db()
    assert registration.attended


def test_checkin_on_the_day_and_cancel_clears_attendance(reference_data, registrator):
    conference = ConferenceFactory(date=timezone.localdate())
    registration = RegistrationFactory(conference=conference)
    services.registration_set_attended(registration=registration, attended=True, actor=registrator)
    services.registration_cancel(registration=registration, actor=registrator)
    registration.refresh_from_db()
    assert not registration.attended and registration.attended_at is None
    assert selectors.conference_with_counts(conference.slug).attended == 0


# --- 3. catering and needs ----------------------------------------------------------------
def test_needs_list_is_for_organisers_and_catering_export_is_aggregates_only(
    client, conference, registrator, styrgrupp_user
):
    RegistrationFactory(
        conference=conference,
        name="Nils Needs",
        accessibility="Hörslinga",
        diet_choices="veganskt",
    )
    url = reverse("conferences:needs", args=[conference.slug])
    client.force_login(styrgrupp_user)
    assert client.get(url).status_code == 403
    client.force_login(registrator)
    page = client.get(url).content.decode()
    assert "Nils Needs" in page and "Hörslinga" in page
    export = client.get(reverse("conferences:catering_export", args=[conference.slug]))
    import io

    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "Veganskt" in cells
    assert not any("Nils" in c or "Hörslinga" in c for c in cells)
    participants = client.get(
        reverse("conferences:participants_export", args=[conference.slug, "csv"])
    )
    assert (
        "Hörslinga" not in b"".join(participants.streaming_content).decode("utf-8-sig")
        if (participants.streaming)
        else "Hörslinga" not in participants.content.decode("utf-8-sig")
    )


def test_purge_deletes_diet_choices_and_needs(conference):
    conference.date = timezone.localdate() - dt.timedelta(days=40)
    conference.save()
    r = RegistrationFactory(
        conference=conference, diet_choices="veganskt", accessibility="Rullstol"
    )
    assert services.sensitive_data_purge() == 1
    r.refresh_from_db()
    assert (r.diet_choices, r.accessibility) == ("", "")
    assert selectors.accessibility_needs(conference) == []


# --- 4. invitations with answers ----------------------------------------------------------
@pytest.fixture
def sent_invitation(conference, registrator):
    invitation = Invitation.objects.create(
        conference=conference,
        subject="Inbjudan",
        body="Välkommen",
        created_by=registrator,
        status=Invitation.Status.SKICKAD,
    )
    for name in ("a", "b", "c", "d"):
        Recipient.objects.create(
            invitation=invitation,
            email=f"{name}@ale.se",
            source=Recipient.Source.IMPORT,
            status=Recipient.Status.SKICKAD,
        )
    return invitation


def test_answers_per_recipient_and_decline_link(client, conference, sent_invitation):
    RegistrationFactory(conference=conference, email="a@ale.se")
    RegistrationFactory(conference=conference, email="b@ale.se", status="vantelista")
    RegistrationFactory(conference=conference, email="x@ale.se", status="obekraftad")
    c = sent_invitation.recipients.get(email="c@ale.se")
    url = reverse("conferences:decline", args=[invitation_token(c.pk)])
    page = client.get(url).content.decode()
    assert "Ja, jag tackar nej" in page
    c.refresh_from_db()
    assert c.declined_at is None  # GET (a mail scanner) declines nothing
    assert "Tack för ditt svar" in client.post(url).content.decode()
    c.refresh_from_db()
    assert c.declined_at is not None
    assert selectors.answer_counts(sent_invitation) == {
        "inte_svarat": 1,
        "anmald": 1,
        "vantelista": 1,
        "avbojt": 1,
        "avbokat": 0,
    }
    bad = client.get(reverse("conferences:decline", args=["fel"]))
    assert bad.status_code == 400 and "Länken fungerar inte" in bad.content.decode()


def test_invitation_carries_decline_link_and_deadline_with_time(conference, sent_invitation):
    from conferences.emails import invitation_draft
    from core.outbox import outbox_enqueue_many

    conference.registration_closes = dt.datetime(
        2026, 10, 15, 12, tzinfo=timezone.get_current_timezone()
    )
    conference.save()
    recipient = sent_invitation.recipients.first()
    from django.db import transaction

    with transaction.atomic():
        (message,) = outbox_enqueue_many([invitation_draft(recipient)])
    assert "15 oktober 2026 kl. 12.00" in message.text
    assert "/konferenser/svar/" in message.text and "tacka-nej" in message.text


def test_remind_non_responders_once_per_round(client, conference, sent_invitation, registrator):
    RegistrationFactory(conference=conference, email="a@ale.se")
    client.force_login(registrator)
    url = reverse("conferences:invitation_remind", args=[sent_invitation.pk])
    assert "3 mottagare" in client.get(url).content.decode()
    client.post(url)
    client.post(url)  # a double click starts no second round
    reminders = OutboxMessage.objects.filter(kind="konferensinbjudan-paminnelse")
    assert sorted(m.to[0] for m in reminders) == ["b@ale.se", "c@ale.se", "d@ale.se"]
    sent_invitation.refresh_from_db()
    assert sent_invitation.reminder_round == 1
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(sent_invitation).filter(actor=registrator).exists()
    # A later round reaches each once more (a new key per round), the registered never.
    Invitation.objects.filter(pk=sent_invitation.pk).update(
        reminded_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert services.invitation_remind(invitation=sent_invitation, actor=registrator) == 3
    assert OutboxMessage.objects.filter(kind="konferensinbjudan-paminnelse").count() == 6


def test_paste_box_adds_all_or_nothing_with_errors_per_line(client, conference, registrator):
    invitation = Invitation.objects.create(
        conference=conference, subject="S", body="B", created_by=registrator
    )
    client.force_login(registrator)
    url = reverse("conferences:invitation_paste", args=[invitation.pk])
    bad = client.post(url, {"klistra-text": "Anna A <anna@ale.se>\ninte-en-adress\nanna@ale.se"})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Rad 2" in text and "Rad 3" in text
    assert not invitation.recipients.exists()
    lines = "\n".join(
        [f"Person {n} <p{n}@ale.se>" for n in range(10)] + [f"q{n}@ale.se" for n in range(10)]
    )
    client.post(url, {"klistra-text": lines})
    assert invitation.recipients.count() == 20
    assert invitation.recipients.get(email="p3@ale.se").name == "Person 3"


def test_imported_organisation_names_map_to_their_party(reference_data):
    from conferences.services.recipients import match_party, party_lookup

    lookup = party_lookup()
    assert match_party("Skövde kommun", lookup).slug == "skovde"
    assert match_party("  skövde ", lookup).slug == "skovde"
    assert match_party("Göteborgs Stad", lookup).slug == "goteborg"
    assert match_party("Företaget AB", lookup) is None


# --- 8. calendar files --------------------------------------------------------------------
def test_ics_has_vtimezone_one_uid_domain_and_parses(conference):
    data = conference_ics(conference)
    calendar = Calendar.from_ical(data)
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Stockholm"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"konferens-{conference.pk}@hosportalen.se"
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event["DTSTART"].dt.hour == 9  # the local time, as typed
    # RFC 5545: CRLF line endings, lines folded at 75 octets, the required properties.
    assert b"\r\n" in data and all(len(line) <= 75 for line in data.split(b"\r\n"))
    for required in (b"PRODID:", b"VERSION:2.0", b"DTSTAMP:", b"UID:"):
        assert required in data


# --- the rule table -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (Role.REGISTRATOR, "manage", True),
        (Role.FORVALTARE, "manage", True),
        (Role.STYRGRUPP, "manage", False),
        (Role.STYRGRUPP, "view", True),
        (Role.REGISTRATOR, "see_needs", True),
        (Role.STYRGRUPP, "see_needs", False),
        (Role.REGISTRATOR, "open_checkin_early", False),
        (Role.FORVALTARE, "open_checkin_early", True),
        (Role.REGISTRATOR, "link_evidence", False),
    ],
)
def test_rule_table(make_user, reference_data, role, action, allowed):
    user = make_user(username=f"u-{role}-{action}", role=role)
    assert permissions.allowed(user, action) is allowed


def test_query_counts_of_the_answers_do_not_grow(client, conference, registrator, count_queries):
    invitation = Invitation.objects.create(
        conference=conference, subject="S", body="B", created_by=registrator
    )
    client.force_login(registrator)
    url = reverse("conferences:invitation", args=[invitation.pk])

    def add(n, start):
        for i in range(start, start + n):
            Recipient.objects.create(
                invitation=invitation,
                email=f"r{i}@ale.se",
                source=Recipient.Source.IMPORT,
                status=Recipient.Status.SKICKAD,
            )
            RegistrationFactory(conference=conference, email=f"r{i}@ale.se")

    add(2, 0)
    small = count_queries(client.get, url)
    add(40, 2)
    large = count_queries(client.get, url)
    assert large == small


@pytest.mark.parametrize("name", ["conferences:needs", "conferences:catering_export"])
def test_needs_and_catering_export_query_counts_do_not_grow(
    client, conference, registrator, count_queries, name
):
    client.force_login(registrator)
    url = reverse(name, args=[conference.slug])
    for _ in range(2):
        RegistrationFactory(
            conference=conference, accessibility="Rullstol", diet_choices="veganskt"
        )
    small = count_queries(client.get, url)
    for _ in range(40):
        RegistrationFactory(
            conference=conference, accessibility="Hörslinga", diet="Kosher", diet_choices="annat"
        )
    assert count_queries(client.get, url) == small


def test_cancelling_withdraws_attendance_as_checklist_evidence(reference_data, registrator):
    from conferences.evidence_link import checklist_link_add, conference_evidence
    from implementation.models import Level, Responsibility, Unit

    item = Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")
    ale = Party.objects.get(slug="ale")
    forvaltning = Unit.objects.create(party=ale, level=Level.FORVALTNING, name="F", slug="f")
    unit = Unit.objects.create(
        party=ale, level=Level.VERKSAMHET, parent=forvaltning, name="V", slug="v"
    )
    conference = ConferenceFactory(date=timezone.localdate())
    checklist_link_add(conference=conference, responsibility=item, actor=registrator)
    person = RegistrationFactory(conference=conference, unit=unit)
    services.registration_set_attended(registration=person, attended=True, actor=registrator)
    (line,) = conference_evidence([unit.pk], [item.pk])[(unit.pk, item.pk)]
    assert line.done and "1 närvarade" in line.text
    services.registration_cancel(registration=person, actor=registrator)
    lines = conference_evidence([unit.pk], [item.pk])
    assert not any(line.done for line in lines.get((unit.pk, item.pk), []))


def test_the_registrar_may_open_registration_of_a_planned_conference(client, registrator):
    conference = ConferenceFactory(status=Conference.Status.PLANERAD)
    client.force_login(registrator)
    page = client.get(reverse("conferences:detail", args=[conference.slug])).content.decode()
    assert "Öppna anmälan" in page
    client.post(
        reverse("conferences:status", args=[conference.slug]), {"status": "inbjudan_skickad"}
    )
    conference.refresh_from_db()
    assert conference.status == Conference.Status.INBJUDAN_SKICKAD
    client.logout()
    register = client.get(reverse("conferences:register", args=[conference.slug]))
    assert "Skicka anmälan" in register.content.decode()
