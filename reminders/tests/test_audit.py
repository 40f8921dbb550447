"""Explicit audit events of the reminders app (core.audit): the sweep's bulk paths (reminders
recorded, messages queued, opted-out reminders skipped), a retry by a Förvaltare and the
history on the message's page."""

import datetime as dt

import time_machine
from django.urls import reverse

from core.models import AuditEvent
from reminders.models import Kind, Message, MessageStatus, Reminder, ReminderStatus
from reminders.services import message_retry, preference_update, reminder_sweep
from reminders.workflow import MESSAGE_FLOW, REMINDER_FLOW

MORNING = "2026-10-01 08:00 +02:00"
FIRST_OCT = dt.date(2026, 10, 1)


def _events(action: str):
    return AuditEvent.objects.filter(action=action)


def test_the_tables():
    assert MESSAGE_FLOW.allows("retry", MessageStatus.FAILED)
    assert not MESSAGE_FLOW.allows("retry", MessageStatus.SENT)
    assert REMINDER_FLOW.moves_from(ReminderStatus.PENDING) == {"sent", "skipped"}
    assert not REMINDER_FLOW.moves_from(ReminderStatus.SENT)


@time_machine.travel(MORNING, tick=False)
def test_a_sweep_records_every_reminder_and_message_as_the_system(world, mailbox):
    reminder_sweep(today=FIRST_OCT)
    recorded = _events("reminders.reminder.recorded")
    assert recorded.count() == Reminder.objects.count() == 3
    assert {e.object_pk for e in recorded} == {
        str(pk) for pk in Reminder.objects.values_list("pk", flat=True)
    }
    assert set(recorded.values_list("actor", flat=True)) == {None}
    queued = _events("reminders.message.queued")
    assert queued.count() == Message.objects.count() == 3
    message = Message.objects.get(recipient=world.lead)
    event = queued.get(object_pk=str(message.pk))
    assert event.data == {
        "status": ["pending", "sending"],
        "reminders": list(message.reminders.values_list("pk", flat=True)),
    }
    reminder_sweep(today=FIRST_OCT)  # nothing new: nothing recorded twice
    assert recorded.count() == 3 and queued.count() == 3


@time_machine.travel(MORNING, tick=False)
def test_opted_out_reminders_are_recorded_as_skipped(world, mailbox):
    preference_update(
        user=world.lead,
        actor=world.lead,
        escalation_immediately=False,
        opted_out=[Kind.CHECKLIST_FIRST],
    )
    pref = _events("reminders.preference.updated").get()
    assert pref.actor == world.lead and pref.data == {"opted_out": [[], ["checklist_first"]]}
    reminder_sweep(today=FIRST_OCT)
    skipped = Reminder.objects.filter(status=ReminderStatus.SKIPPED)
    assert skipped.exists()
    events = _events("reminders.reminder.skipped")
    assert events.count() == skipped.count()
    assert all(e.data["reason"] == "opted_out" and e.actor is None for e in events)


def test_a_retry_is_recorded_and_shown_on_the_message(world, settings, forvaltare, client):
    settings.EMAIL_BACKEND = "reminders.tests.backends.RefusedBackend"
    with time_machine.travel(MORNING, tick=False):
        reminder_sweep(today=FIRST_OCT)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = Message.objects.get(recipient=world.lead)
    assert message.status == MessageStatus.FAILED
    message_retry(message=message, actor=forvaltare)
    event = _events("reminders.message.retried").get()
    assert (event.actor, event.object_pk) == (forvaltare, str(message.pk))
    assert event.data == {"status": ["failed", "sending"]}
    client.force_login(forvaltare)
    page = client.get(reverse("reminders:message", args=[message.pk])).content.decode()
    assert "Utskicket skickades igen" in page
