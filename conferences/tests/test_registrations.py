import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements.models import Party
from conferences import services
from conferences.models import Conference, Registration
from conferences.tests.factories import ConferenceFactory

S = Registration.Status


def statuses(conference):
    return list(
        conference.registrations.order_by("joined_at", "id").values_list("status", flat=True)
    )


def test_seats_are_given_in_order_and_the_rest_wait(conference, register):
    conference.capacity = 3
    conference.save()
    people = register(conference, 5)
    assert [p.status for p in people] == [S.BEKRAFTAD] * 3 + [S.VANTELISTA] * 2
    conference.refresh_from_db()
    assert conference.status == Conference.Status.FULLBOKAD


def test_unlimited_capacity_confirms_everyone(conference, register):
    conference.capacity = None
    conference.save()
    assert {p.status for p in register(conference, 4)} == {S.BEKRAFTAD}


def test_registration_is_audited_without_health_answers(conference, register):
    (person,) = register(conference, 1, diet="Vegansk", allergies="Nötter")
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE
    assert "diet" not in entry.changes_dict
    assert "allergies" not in entry.changes_dict
    assert entry.changes_dict["email"][1] == "person0@kommun.test"


def test_confirmation_mail_has_ics_and_a_personal_link(conference, register, mailbox):
    register(conference, 1)
    (message,) = mailbox
    assert message.to == ["person0@kommun.test"]
    assert "Bekräftelse" in message.subject
    assert "/konferenser/avanmalan/" in message.body
    html = message.alternatives[0][0]
    assert "/konferenser/avanmalan/" in html
    filename, content, mimetype = message.attachments[0]
    assert filename == "konferens.ics" and mimetype == "text/calendar"
    assert "BEGIN:VALARM" in content


def test_one_registration_per_email_case_insensitive(conference, register):
    register(conference, 1)
    with pytest.raises(ValidationError, match="redan en anmälan"):
        register(conference, 1, email="PERSON0@Kommun.Test")
    assert conference.registrations.count() == 1


def test_bad_input_is_refused_with_swedish_messages(conference, register):
    with pytest.raises(ValidationError) as error:
        register(conference, 1, email="inte-en-adress", consent=False, name=" ")
    messages = error.value.message_dict
    assert "giltig e-postadress" in messages["email"][0]
    assert "godkänna" in messages["consent"][0]
    assert "namn" in messages["name"][0]
    with pytest.raises(ValidationError, match="organisation"):
        register(conference, 1, party=None, organisation_other="")
    assert not conference.registrations.exists()


def test_registration_refused_after_closing_and_for_cancelled(conference, register):
    conference.registration_closes = timezone.now() - dt.timedelta(minutes=1)
    conference.save()
    with pytest.raises(ValidationError, match="Anmälan stängde"):
        register(conference, 1)
    conference.registration_closes = None
    conference.status = Conference.Status.INSTALLD
    conference.save()
    with pytest.raises(ValidationError, match="inställd"):
        register(conference, 1)
    undated = ConferenceFactory(date=None, date_note="mars 2027")
    with pytest.raises(ValidationError, match="inte bestämt"):
        register(undated, 1)
    assert not Registration.objects.exists()


def test_registration_not_yet_open(conference, register):
    conference.registration_opens = timezone.now() + dt.timedelta(days=2)
    conference.save()
    with pytest.raises(ValidationError, match="Anmälan öppnar"):
        register(conference, 1)


def test_quota_per_organisation(conference, register):
    conference.quota_per_organisation = 2
    conference.save()
    register(conference, 2)
    with pytest.raises(ValidationError, match="högsta antalet"):
        register(conference, 1, start=2)
    boras = Party.objects.get(slug="boras")
    register(conference, 1, start=3, party=boras)
    assert conference.registrations.count() == 3


def test_cancel_offers_the_seat_to_the_next_in_line(conference, register, mailbox, committed):
    conference.capacity = 2
    conference.save()
    first, _second, third, fourth = register(conference, 4)
    mailbox.clear()
    with time_machine.travel(timezone.now(), tick=False):
        committed(services.registration_cancel, registration=first)
        third.refresh_from_db()
        assert third.status == S.ERBJUDEN
        assert third.offer_expires_at == timezone.now() + dt.timedelta(hours=48)
    fourth.refresh_from_db()
    assert fourth.status == S.VANTELISTA
    first.refresh_from_db()
    assert first.status == S.AVBOKAD and first.diet == ""
    subjects = sorted(m.subject for m in mailbox)
    assert any("avbokad" in s for s in subjects)
    assert any("ledig" in s for s in subjects)
    services.registration_accept_offer(registration=third)
    third.refresh_from_db()
    assert third.status == S.BEKRAFTAD


def test_cancel_twice_is_refused(conference, register):
    (person,) = register(conference, 1)
    services.registration_cancel(registration=person)
    with pytest.raises(ValidationError, match="redan avbokad"):
        services.registration_cancel(registration=person)


def test_expired_offer_moves_on_to_the_next(conference, register, mailbox):
    conference.capacity = 1
    conference.save()
    first, second, third = register(conference, 3)
    services.registration_cancel(registration=first)
    later = timezone.now() + dt.timedelta(hours=49)
    assert services.offers_expire(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.UTGATT
    assert third.status == S.ERBJUDEN
    # Idempotent: nothing more to do at the same moment.
    assert services.offers_expire(now=later) == 0
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError):
        services.registration_accept_offer(registration=second)


def test_offer_never_outlives_the_conference_start(conference, register):
    conference.capacity = 1
    conference.date = timezone.localdate() + dt.timedelta(days=1)
    conference.save()
    first, second = register(conference, 2)
    services.registration_cancel(registration=first)
    second.refresh_from_db()
    assert second.offer_expires_at <= conference.starts_at


def test_nobody_jumps_the_waiting_list(conference, register):
    conference.capacity = 1
    conference.save()
    first, second = register(conference, 2)
    services.registration_cancel(registration=first)  # seat offered to second
    (third,) = register(conference, 1, start=5)
    assert third.status == S.VANTELISTA


def test_registering_again_after_cancelling_goes_last(conference, register):
    conference.capacity = 1
    conference.save()
    first, second = register(conference, 2)
    services.registration_cancel(registration=first)
    again = register(conference, 1)[0]
    assert again.pk == first.pk
    assert again.status == S.VANTELISTA


def test_capacity_reached_notifies_the_registrar_once(conference, register, mailbox, committed):
    conference.capacity = 2
    conference.save()
    register(conference, 2)
    full = [m for m in mailbox if m.subject.startswith("Fullbokat")]
    assert len(full) == 1 and full[0].to == ["arrangor@test.hosportalen.se"]
    first = conference.registrations.first()
    committed(services.registration_cancel, registration=first)
    register(conference, 1, start=10)
    assert len([m for m in mailbox if m.subject.startswith("Fullbokat")]) == 1


def test_capacity_reached_without_organiser_mailbox_is_left_to_the_reminders(
    conference, register, mailbox, committed, registrator
):
    """The registrars are told by the reminders digest (by their preferences), not also here."""
    conference.capacity = 2
    conference.organiser_email = ""
    conference.save()
    register(conference, 2)
    conference.refresh_from_db()
    assert conference.capacity_notified_at is not None
    assert [m for m in mailbox if m.subject.startswith("Fullbokat")] == []


def test_update_changes_details_and_keeps_email(conference, register):
    (person,) = register(conference, 1)
    services.registration_update(
        registration=person,
        name="Nytt Namn",
        role="politiker",
        party=None,
        organisation_other="Annan org",
        diet="Vegetarisk",
    )
    person.refresh_from_db()
    assert person.name == "Nytt Namn" and person.party is None
    assert person.organisation == "Annan org" and person.email == "person0@kommun.test"


def test_attendance_only_for_confirmed(conference, register, registrator):
    conference.capacity = 1
    conference.save()
    confirmed, waiting = register(conference, 2)
    # Check-in opens on the conference day (issue 17): move the day here.
    Conference.objects.filter(pk=conference.pk).update(date=timezone.localdate())
    services.registration_set_attended(registration=confirmed, attended=True, actor=registrator)
    confirmed.refresh_from_db()
    assert confirmed.attended and confirmed.attended_at
    entry = LogEntry.objects.get_for_object(confirmed).order_by("-timestamp", "-pk").first()
    assert entry.actor == registrator and entry.changes_dict["attended"] == ["False", "True"]
    with pytest.raises(ValidationError, match="bekräftade"):
        services.registration_set_attended(registration=waiting, attended=True, actor=registrator)


def test_conference_cancel_tells_everyone(conference, register, registrator, mailbox, committed):
    conference.capacity = 1
    conference.save()
    register(conference, 2)
    mailbox.clear()
    committed(services.conference_cancel, conference=conference, actor=registrator)
    assert len(mailbox) == 0  # the grace period: the registrar may still undo
    later = timezone.now() + services.CANCEL_GRACE + dt.timedelta(seconds=1)
    committed(services.conference_cancellations_notify, now=later)
    assert len(mailbox) == 2
    assert all(m.subject.startswith("Inställd") for m in mailbox)
    content = mailbox[0].attachments[0][1]
    assert "STATUS:CANCELLED" in content


def test_status_transitions(conference, registrator):
    with pytest.raises(ValidationError, match="först på dagen"):
        services.conference_set_status(
            conference=conference, status=Conference.Status.GENOMFORD, actor=registrator
        )
    services.conference_set_status(
        conference=conference, status=Conference.Status.INSTALLD, actor=registrator
    )
    with pytest.raises(ValidationError, match="kan inte gå"):
        services.conference_set_status(
            conference=conference, status=Conference.Status.PLANERAD, actor=registrator
        )
    entry = LogEntry.objects.get_for_object(conference).order_by("-timestamp", "-pk").first()
    assert entry.actor == registrator
    assert entry.changes_dict["status"][1] == Conference.Status.INSTALLD


def test_raising_capacity_offers_seats(conference, register, registrator):
    conference.capacity = 1
    conference.save()
    _first, second = register(conference, 2)
    services.conference_update(conference=conference, actor=registrator, capacity=2)
    second.refresh_from_db()
    assert second.status == S.ERBJUDEN
