import io
import smtplib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from icalendar import Calendar
from openpyxl import Workbook

from agreements.models import Federation, JointBody, Party
from conferences import services, tasks
from conferences.emails import recipient_id_from_token
from conferences.models import Conference, Invitation, Recipient
from core.models import OutboxMessage
from core.tasks import outbox_send_task
from implementation.models import Level, MembershipRole, Unit, UnitMembership

R = Recipient.Status


@pytest.fixture
def invitation(conference, registrator):
    subject, body = services.invitation_default_text(conference)
    return services.invitation_create(
        conference=conference, subject=subject, body=body, actor=registrator
    )


def csv_upload(text: str, name="lista.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(
        "lista.xlsx",
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_default_text_is_prefilled_from_the_conference(reference_data):
    conference = Conference.objects.get(slug="dialogkonferens-2026-10-15")
    subject, body = services.invitation_default_text(conference)
    assert subject == f"Inbjudan: {conference.title}"
    assert "15 oktober 2026" in body
    assert "kl. 09.00–15.00" in body
    assert "Regionens hus, Bergslagsgatan 2, 411 04 Göteborg" in body
    assert "Det bjuds på fika och lunch." in body
    assert "Karin Looström Muth" in body and "Kristina Lännergren" in body


def test_groups_add_functional_addresses_with_forwarding_note(invitation, registrator):
    vastkom = JointBody.objects.get(slug="vastkom")
    vastkom.email = "info@vastkom.se"
    vastkom.save()
    result = services.recipients_add_groups(
        invitation=invitation, groups={"kommunalforbund"}, actor=registrator
    )
    with_address = Federation.objects.exclude(email="").count() + 1
    assert result.added == with_address
    rows = list(invitation.recipients.all())
    assert all(r.forward_note for r in rows)
    missing = [r for r in rows if r.status == R.SAKNAR_ADRESS]
    assert len(missing) == Federation.objects.filter(email="").count()
    assert sorted(result.without_address) == sorted(r.organisation for r in missing)
    # Adding again duplicates nothing.
    again = services.recipients_add_groups(
        invitation=invitation, groups={"kommunalforbund"}, actor=registrator
    )
    assert again.added == 0 and again.duplicates == with_address
    assert invitation.recipients.count() == len(rows)


def test_municipality_registries_and_leads(invitation, registrator, make_user):
    services.recipients_add_groups(invitation=invitation, groups={"kommuner"}, actor=registrator)
    municipal = invitation.recipients.filter(source=Recipient.Source.KOMMUN)
    assert municipal.count() == 49
    assert (
        municipal.filter(status=R.SAKNAR_ADRESS).count()
        == Party.objects.municipalities().filter(registry_email="").count()
    )
    forvaltning = Unit.objects.filter(party__slug="vgr", level=Level.FORVALTNING).first()
    lead = make_user(username="lead-vgr", email="lead@vgr.test", party=forvaltning.party)
    UnitMembership.objects.create(unit=forvaltning, user=lead, role=MembershipRole.LEAD)
    services.recipients_add_groups(
        invitation=invitation, groups={"forvaltningar"}, actor=registrator
    )
    row = invitation.recipients.get(email="lead@vgr.test")
    assert row.unit == forvaltning and row.source == Recipient.Source.FORVALTNING
    without = invitation.recipients.filter(
        source=Recipient.Source.FORVALTNING, status=R.SAKNAR_ADRESS
    )
    assert (
        without.count()
        == Unit.objects.filter(party__slug="vgr", level=Level.FORVALTNING).count() - 1
    )
    with pytest.raises(ValidationError, match="nivåer"):
        services.recipients_add_groups(invitation=invitation, groups={"ledare"}, actor=registrator)


def test_import_csv_and_xlsx(invitation, registrator):
    result = services.recipients_import(
        invitation=invitation,
        upload=csv_upload("e-post;namn;organisation\nA@Ale.se;Anna;Ale\nb@borås.se;Bo;Annat\n"),
        actor=registrator,
    )
    assert result.added == 2
    anna = invitation.recipients.get(email="a@ale.se")
    assert anna.party.slug == "ale" and anna.source == Recipient.Source.IMPORT
    result = services.recipients_import(
        invitation=invitation,
        upload=xlsx_upload([["E-post", "Namn"], ["a@ale.se", "Anna"], ["c@lerum.se", "Cecilia"]]),
        actor=registrator,
    )
    assert (result.added, result.duplicates) == (1, 1)


def test_import_a_plain_list_of_addresses(invitation, registrator):
    upload = csv_upload("E-post\nanna@ale.se\nbo@lerum.se\n")
    result = services.recipients_import(invitation=invitation, upload=upload, actor=registrator)
    assert result.added == 2
    assert set(invitation.recipients.values_list("email", flat=True)) == {
        "anna@ale.se",
        "bo@lerum.se",
    }


def test_import_with_bad_rows_imports_nothing(invitation, registrator):
    upload = csv_upload("e-post;namn\nok@ale.se;Ok\ninte-en-adress;Fel\n;Tom\nok@ale.se;Dubblett\n")
    with pytest.raises(services.ImportRejected) as rejected:
        services.recipients_import(invitation=invitation, upload=upload, actor=registrator)
    lines = rejected.value.lines()
    assert lines == [
        "Rad 3: ”inte-en-adress” är ingen giltig e-postadress.",
        "Rad 4: e-postadress saknas.",
        "Rad 5: ok@ale.se finns redan på rad 2.",
    ]
    assert not invitation.recipients.exists()
    with pytest.raises(services.ImportRejected) as rejected:
        services.recipients_import(
            invitation=invitation, upload=csv_upload("namn\nAnna\n"), actor=registrator
        )
    assert "Kolumner saknas" in rejected.value.lines()[0]


def test_database_refuses_the_same_address_twice(invitation):
    Recipient.objects.create(invitation=invitation, email="x@ale.se", source="import")
    with pytest.raises(IntegrityError):
        Recipient.objects.create(invitation=invitation, email="X@ale.se", source="import")


def _with_people(invitation, registrator, count=3):
    text = "e-post;namn\n" + "".join(f"p{i}@ale.se;Person {i}\n" for i in range(count))
    services.recipients_import(invitation=invitation, upload=csv_upload(text), actor=registrator)


def test_send_delivers_each_recipient_once_with_link_and_ics(
    invitation, registrator, mailbox, committed
):
    _with_people(invitation, registrator, 3)
    Recipient.objects.create(
        invitation=invitation, organisation="Utan adress", source="kommun", status=R.SAKNAR_ADRESS
    )
    queued = committed(services.invitation_send, invitation=invitation, actor=registrator)
    assert queued == 3
    assert sorted(m.to[0] for m in mailbox) == ["p0@ale.se", "p1@ale.se", "p2@ale.se"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SKICKAD
    assert invitation.conference.status == Conference.Status.INBJUDAN_SKICKAD
    assert invitation.recipients.filter(status=R.SKICKAD).count() == 3
    message = mailbox[0]
    assert message.alternatives[0][1] == "text/html"
    link = next(w for w in message.body.split() if "/konferenser/anmalan/" in w)
    recipient = Recipient.objects.get(pk=recipient_id_from_token(link.split("inbjudan=")[1]))
    assert recipient.email == message.to[0]
    calendar = Calendar.from_ical(message.attachments[0][1])
    event = calendar.walk("VEVENT")[0]
    conference = invitation.conference
    assert str(event["SUMMARY"]) == conference.title
    assert event.decoded("DTSTART") == conference.starts_at
    assert event.decoded("DTEND") == conference.ends_at
    assert "Regionens hus" in str(event["LOCATION"])
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER").total_seconds() == -86400


def test_task_run_twice_sends_once(
    invitation, registrator, mailbox, django_capture_on_commit_callbacks
):
    _with_people(invitation, registrator, 4)
    with django_capture_on_commit_callbacks(execute=False):
        services.invitation_send(invitation=invitation, actor=registrator)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.invitation_dispatch(invitation.pk) == 4
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.invitation_dispatch(invitation.pk) == 0  # a redelivered task
    outbox_send_task(list(OutboxMessage.objects.values_list("pk", flat=True)))
    assert len(mailbox) == 4
    assert sorted(m.to[0] for m in mailbox) == sorted(f"p{i}@ale.se" for i in range(4))
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert invitation.recipients.filter(status=R.SKICKAD).count() == 4


def test_a_claimed_recipient_is_not_sent_by_a_second_worker(
    invitation, registrator, mailbox, django_capture_on_commit_callbacks
):
    _with_people(invitation, registrator, 1)
    with django_capture_on_commit_callbacks(execute=False):
        services.invitation_send(invitation=invitation, actor=registrator)
    with django_capture_on_commit_callbacks(execute=False):
        services.invitation_dispatch(invitation.pk)
    row = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=row.pk).update(  # another worker has it, and is alive
        state=OutboxMessage.State.SENDING, claimed_at=timezone.now()
    )
    assert outbox_send_task([row.pk]) == 0
    assert mailbox == []
    assert invitation.recipients.get().status == R.KOAD


def test_failed_sends_are_logged_and_retried(invitation, registrator, mailbox, committed):
    _with_people(invitation, registrator, 2)
    real_send = "django.core.mail.backends.locmem.EmailBackend.send_messages"
    refusal = smtplib.SMTPDataError(554, "Meddelandet avvisas")
    with mock.patch(real_send, side_effect=refusal):
        committed(services.invitation_send, invitation=invitation, actor=registrator)
    failed = invitation.recipients.filter(status=R.MISSLYCKAD)
    assert failed.count() == 2
    assert failed.first().error == "SMTPDataError: 554 Meddelandet avvisas"
    with pytest.raises(ValidationError, match="ingen mottagare"):
        services.invitation_send(invitation=invitation, actor=registrator)
    committed(services.invitation_retry_failed, invitation=invitation, actor=registrator)
    assert len(mailbox) == 2
    assert invitation.recipients.filter(status=R.SKICKAD).count() == 2
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert OutboxMessage.objects.count() == 2  # the same rows, sent again


def test_resend_goes_only_to_the_unsent(invitation, registrator, mailbox, committed):
    _with_people(invitation, registrator, 2)
    committed(services.invitation_send, invitation=invitation, actor=registrator)
    services.recipients_import(
        invitation=invitation,
        upload=csv_upload("e-post\np0@ale.se\nny@ale.se\n"),
        actor=registrator,
    )
    mailbox.clear()
    committed(services.invitation_send, invitation=invitation, actor=registrator)
    assert [m.to for m in mailbox] == [["ny@ale.se"]]


def test_text_locked_once_sending_started_and_sent_rows_stay(invitation, registrator, committed):
    _with_people(invitation, registrator, 1)
    committed(services.invitation_send, invitation=invitation, actor=registrator)
    with pytest.raises(ValidationError, match="kan inte ändras"):
        services.invitation_update(invitation=invitation, subject="x", body="y", actor=registrator)
    with pytest.raises(ValidationError, match="kan inte tas bort"):
        services.recipient_remove(recipient=invitation.recipients.get(), actor=registrator)


def test_cancelled_conference_cannot_be_invited_to(invitation, registrator):
    _with_people(invitation, registrator, 1)
    Conference.objects.filter(pk=invitation.conference_id).update(status="installd")
    with pytest.raises(ValidationError, match="inställd"):
        services.invitation_send(invitation=invitation, actor=registrator)
