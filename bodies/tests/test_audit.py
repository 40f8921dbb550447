"""Explicit audit events of the bodies app (core.audit): a transition, the bulk paths (the
members called to a new meeting, attendance, a per-capsulam decision) and the history shown on
the meeting's page."""

import datetime as dt

import pytest
from django.urls import reverse

from bodies import services
from bodies.audit import MeetingAction, ParticipantAction
from bodies.models import Meeting, Membership, Participant
from bodies.workflow import MEETING_EDITS, MEETING_FLOW
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretary, body):
    return services.meeting_create(
        actor=secretary, body=body, date=dt.date(2026, 6, 4), title="Referensgruppen"
    )


def _events(action, **filters):
    return AuditEvent.objects.filter(action=action.value, **filters)


def test_the_meeting_flow_is_one_table():
    assert [t.action for t in MEETING_FLOW.actions_from(Meeting.State.CALLED)] == [
        "hold",
        "back_to_draft",
    ]
    assert not MEETING_FLOW.actions_from(Meeting.State.APPROVED)
    assert not any(MEETING_EDITS.allows(e, Meeting.State.APPROVED) for e in MEETING_EDITS.actions())


def test_a_new_meeting_records_each_called_member_in_one_go(meeting, secretary):
    called = list(meeting.participants.all())
    assert called
    rows = _events(ParticipantAction.CALLED)
    assert rows.count() == len(called)
    assert {e.object_pk for e in rows} == {str(p.pk) for p in called}
    assert all(e.actor == secretary and e.data == {"meeting": meeting.pk} for e in rows)
    created = _events(MeetingAction.CREATED).get()
    assert created.object_pk == str(meeting.pk)
    assert created.data == {"date": "2026-06-04", "called": len(called)}


def test_a_transition_records_the_move(meeting, secretary):
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    event = _events(MeetingAction.CALLED).get()
    assert (event.actor, event.object_pk) == (secretary, str(meeting.pk))
    assert event.data == {"state": ["utkast", "kallad"]}


def test_attendance_is_one_event_naming_each_change(meeting, secretary):
    rows = list(meeting.participants.order_by("pk")[:2])
    changed = services.attendance_set(
        actor=secretary,
        meeting=meeting,
        attendance={rows[0].pk: "narvarande", rows[1].pk: "forhinder"},
    )
    assert changed == 2
    event = _events(MeetingAction.ATTENDANCE_SET).get()
    assert event.actor == secretary
    assert event.data == {rows[0].name: ["", "narvarande"], rows[1].name: ["", "forhinder"]}
    assert Participant.Attendance.PRESENT == "narvarande"


def test_a_per_capsulam_decision_names_who_agreed(secretary, body):
    agreed = list(Membership.objects.filter(body=body).order_by("pk")[:2])
    outcome = services.per_capsulam_decide(
        actor=secretary, body=body, text="Beslut.", decided_on=dt.date(2026, 1, 5), agreed=agreed
    )
    event = AuditEvent.objects.get(action="bodies.body.per_capsulam")
    assert (event.actor, event.object_pk) == (secretary, str(body.pk))
    assert event.data["outcome"] == outcome.pk
    assert event.data["agreed"] == [m.name for m in agreed]


def test_the_meeting_page_shows_the_event(client, meeting, secretary):
    services.meeting_transition(actor=secretary, meeting=meeting, action="call")
    client.force_login(secretary)
    page = client.get(reverse("bodies:meeting", args=[meeting.pk])).content.decode()
    assert "Mötet markerades som kallat" in page
