"""Actions of the joint bodies: ONCE in the owner's next digest, then reminded like checklist
deadlines (first, last, overdue), never after the action is done."""

import datetime as dt

import pytest
import time_machine

from agreements.models import JointBody
from bodies import services as bodies
from bodies.models import Membership
from reminders.models import Kind, Reminder
from reminders.services import reminder_sweep

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def action(reference_data, make_user):
    body = JointBody.objects.get(slug="politisk-referensgrupp")
    secretary = make_user(username="sekr", email="sekr@example.se")
    owner = make_user(
        username="agare", email="agare@example.se", first_name="Åsa", last_name="Ägare"
    )
    Membership.objects.create(body=body, user=secretary, name="Sekr", mandate="sekreterare")
    with time_machine.travel("2026-06-04 16:00 +02:00", tick=False):
        meeting = bodies.meeting_create(actor=secretary, body=body, date=D(2026, 6, 4))
        bodies.meeting_transition(actor=secretary, meeting=meeting, action="call")
        item = bodies.item_add(actor=secretary, meeting=meeting, title="Extramöte i augusti")
        return bodies.outcome_add(
            actor=secretary,
            item=item,
            kind="atgard",
            text="Kalla till extramötet den 24 augusti",
            owner=owner,
            due_date=D(2026, 6, 30),
        )


def _digests(mailbox, user):
    return [m for m in mailbox if m.to == [user.email] and "påminnelser" in m.body]


def test_a_new_action_is_in_the_next_digest_once(action, mailbox):
    owner = action.owner
    with time_machine.travel("2026-06-04 18:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 6, 4))  # given after today's send hour: not today
    assert not Reminder.objects.filter(kind=Kind.BODY_ACTION_NEW).exists()
    with time_machine.travel("2026-06-05 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 6, 5))
        reminder_sweep(today=D(2026, 6, 5))
    with time_machine.travel("2026-06-06 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 6, 6))
    rows = Reminder.objects.filter(recipient=owner, kind=Kind.BODY_ACTION_NEW)
    assert rows.count() == 1
    digests = _digests(mailbox, owner)
    assert len(digests) == 1
    assert "Kalla till extramötet den 24 augusti" in digests[0].body
    assert f"/organ/moten/{action.item.meeting_id}/" in digests[0].body


def test_reminders_follow_the_due_date_and_stop_when_done(action, mailbox):
    owner = action.owner
    with time_machine.travel("2026-06-27 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 6, 27))  # 3 days before: the last reminder
    assert Reminder.objects.filter(recipient=owner, kind=Kind.BODY_ACTION_SECOND).count() == 1
    with time_machine.travel("2026-07-01 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 7, 1))  # overdue
    assert Reminder.objects.filter(recipient=owner, kind=Kind.BODY_ACTION_OVERDUE).count() == 1
    bodies.action_complete(actor=owner, outcome=action)
    with time_machine.travel("2026-07-08 08:00 +02:00", tick=False):
        reminder_sweep(today=D(2026, 7, 8))
    assert Reminder.objects.filter(recipient=owner, kind=Kind.BODY_ACTION_OVERDUE).count() == 1
