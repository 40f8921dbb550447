"""Every write of the conferences app records its audit event (core.audit) — one per object
on the bulk paths — and the status tables (conferences.workflow) decide the moves."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.audit import ConferenceAction, InvitationAction, RecipientAction
from conferences.audit import RegistrationAction as RA
from conferences.models import Conference, Recipient, Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from conferences.workflow import CONFERENCE_FLOW, REGISTRATION_FLOW
from core.models import AuditEvent

St = Conference.Status
S = Registration.Status
R = Recipient.Status


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action.value, **filters).order_by("pk"))


def test_a_status_change_is_recorded_with_actor_and_before_after(conference, registrator):
    conference.status = St.PLANERAD
    conference.save()
    services.conference_set_status(
        conference=conference, status=St.INBJUDAN_SKICKAD, actor=registrator
    )
    (event,) = events(ConferenceAction.STATUS_CHANGED)
    assert event.actor == registrator
    assert event.object_pk == str(conference.pk)
    assert event.data == {"status": [St.PLANERAD, St.INBJUDAN_SKICKAD]}


def test_the_conference_page_shows_the_event_in_its_history(client, conference, registrator):
    services.conference_update(conference=conference, actor=registrator, venue="Nya salen")
    client.force_login(registrator)
    page = client.get(reverse("conferences:detail", args=[conference.slug])).content.decode()
    assert "Konferensen ändrades" in page


def test_the_table_refuses_a_move_it_does_not_have(conference, registrator):
    conference.status = St.GENOMFORD
    conference.save()
    with pytest.raises(ValidationError, match="kan inte gå"):
        services.conference_set_status(conference=conference, status=St.PLANERAD, actor=registrator)
    assert not CONFERENCE_FLOW.allows("andra", St.INSTALLD)
    assert CONFERENCE_FLOW.moves_from(St.FULLBOKAD) == {
        St.INBJUDAN_SKICKAD,
        St.GENOMFORD,
        St.INSTALLD,
    }
    assert REGISTRATION_FLOW.moves_from(S.VANTELISTA) == {S.ERBJUDEN, S.AVBOKAD}
    assert not AuditEvent.objects.exists()


def test_marking_held_records_one_event_per_conference_as_the_system(reference_data):
    today = dt.date(2027, 3, 10)
    past = [
        ConferenceFactory(date=today - dt.timedelta(days=n), status=St.INBJUDAN_SKICKAD)
        for n in (1, 2, 3)
    ]
    ConferenceFactory(date=today - dt.timedelta(days=4), status=St.INSTALLD)
    services.conferences_mark_held(today=today)
    marked = events(ConferenceAction.MARKED_HELD)
    assert sorted(e.object_pk for e in marked) == sorted(str(c.pk) for c in past)
    assert {e.actor_id for e in marked} == {None}
    assert marked[0].data == {"status": [St.INBJUDAN_SKICKAD, St.GENOMFORD]}


# --- invitations: the bulk paths ------------------------------------------------------------
def test_imported_and_pasted_recipients_are_recorded_one_event_each(invitation, registrator):
    upload = SimpleUploadedFile(
        "lista.csv", "e-post;namn\nen@a.se;En\ntva@a.se;Två\n".encode(), content_type="text/csv"
    )
    services.recipients_import(invitation=invitation, upload=upload, actor=registrator)
    services.recipients_paste(
        invitation=invitation, text="tre@a.se\nen@a.se\nfyra@a.se", actor=registrator
    )
    added = events(RecipientAction.ADDED)
    assert len(added) == 4 == invitation.recipients.count()
    assert {e.actor_id for e in added} == {registrator.pk}
    assert [e.data["how"] for e in added] == ["import", "import", "inklistrade", "inklistrade"]
    rounds = events(InvitationAction.RECIPIENTS_ADDED, object_pk=str(invitation.pk))
    assert [e.data["added"] for e in rounds] == [2, 2]
    assert rounds[1].data["duplicates"] == 1


def _sent(invitation, registrator, addresses):
    services.recipients_paste(invitation=invitation, text="\n".join(addresses), actor=registrator)
    return services.invitation_send(invitation=invitation, actor=registrator)


def test_sending_records_each_queued_recipient_and_the_round(invitation, registrator):
    invitation.conference.status = St.PLANERAD
    invitation.conference.save()
    assert _sent(invitation, registrator, ["a@a.se", "b@a.se", "c@a.se"]) == 3
    queued = events(RecipientAction.QUEUED)
    assert len(queued) == 3 and {e.actor_id for e in queued} == {registrator.pk}
    (sent,) = events(InvitationAction.SENT)
    assert sent.data == {"status": ["utkast", "skickas"], "queued": 3}
    (opened,) = events(ConferenceAction.STATUS_CHANGED)  # sending opened registration
    assert opened.data == {"status": [St.PLANERAD, St.INBJUDAN_SKICKAD]}


def test_a_reminder_round_records_every_reminded_recipient(invitation, registrator):
    _sent(invitation, registrator, ["a@a.se", "b@a.se"])
    Recipient.objects.update(status=R.SKICKAD, sent_at=timezone.now())
    assert services.invitation_remind(invitation=invitation, actor=registrator) == 2
    reminded = events(RecipientAction.REMINDED)
    assert len(reminded) == 2
    assert {e.actor_id for e in reminded} == {registrator.pk}
    assert {e.data["round"] for e in reminded} == {1}
    (round_,) = events(InvitationAction.REMINDED)
    assert round_.data == {"round": 1, "recipients": 2}


def test_retrying_failed_sends_records_each_requeued_recipient(invitation, registrator):
    _sent(invitation, registrator, ["a@a.se", "b@a.se", "c@a.se"])
    Recipient.objects.filter(email__in=["a@a.se", "b@a.se"]).update(status=R.MISSLYCKAD)
    assert services.invitation_retry_failed(invitation=invitation, actor=registrator) == 2
    requeued = events(RecipientAction.REQUEUED)
    assert sorted(e.object_repr for e in requeued) == ["a@a.se", "b@a.se"]


def test_an_invitation_done_sending_is_recorded_once_as_the_system(invitation, registrator):
    _sent(invitation, registrator, ["a@a.se"])
    Recipient.objects.update(status=R.SKICKAD)
    services.invitation_refresh_status(invitation.pk)
    services.invitation_refresh_status(invitation.pk)
    (done,) = events(InvitationAction.FINISHED)
    assert done.actor is None and done.data == {"status": ["skickas", "skickad"]}


# --- registrations ------------------------------------------------------------------------
def test_offers_lapsing_and_seats_offered_are_recorded_per_registration(conference, register):
    conference.capacity = 2
    conference.save()
    first, second, third, fourth = register(conference, 4)
    services.registration_cancel(registration=first)
    services.registration_cancel(registration=second)
    offered = events(RA.OFFERED)
    assert [e.object_pk for e in offered] == [str(third.pk), str(fourth.pk)]
    later = timezone.now() + dt.timedelta(hours=49)
    assert services.offers_expire(now=later) == 2
    lapsed = events(RA.OFFER_LAPSED)
    assert len(lapsed) == 2 and {e.actor_id for e in lapsed} == {None}
    assert lapsed[0].data == {"status": [S.ERBJUDEN, S.UTGATT]}


def test_expired_unconfirmed_registrations_are_recorded_before_they_go(conference, register):
    made = register(conference, 3, confirmed=False)
    later = timezone.now() + dt.timedelta(days=3)
    assert services.unconfirmed_expire(now=later) == 3
    expired = events(RA.EXPIRED)
    assert sorted(e.object_pk for e in expired) == sorted(str(r.pk) for r in made)
    assert not Registration.objects.exists()


def test_check_in_is_recorded_and_the_purge_records_rows_not_answers(reference_data, registrator):
    conference = ConferenceFactory(date=dt.date(2026, 10, 15), retention_days=30)
    answered = RegistrationFactory(conference=conference, allergies="Nötter")
    RegistrationFactory(conference=conference)
    with time_machine.travel(dt.datetime(2026, 10, 15, 10, tzinfo=dt.UTC)):
        services.registration_set_attended(registration=answered, attended=True, actor=registrator)
    (checked_in,) = events(RA.CHECKED_IN)
    assert checked_in.actor == registrator and checked_in.data == {"attended": [False, True]}
    with time_machine.travel(dt.datetime(2026, 11, 14, 12, tzinfo=dt.UTC)):
        services.sensitive_data_purge()
    (purged,) = events(RA.SENSITIVE_PURGED)
    assert purged.object_pk == str(answered.pk) and "Nötter" not in str(purged.data)
    (summary,) = events(ConferenceAction.SENSITIVE_PURGED, object_pk=str(conference.pk))
    assert summary.data == {"registrations": 1}
