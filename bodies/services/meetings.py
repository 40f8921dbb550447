"""Writes of a meeting: create, edit, delete, its moves (``MEETING_FLOW``) and who is called
and attended."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import JointBody
from bodies.audit import TRANSITION_EVENTS, MeetingAction, ParticipantAction
from bodies.models import Meeting, Participant
from bodies.permissions import Action, allowed
from bodies.services._common import changes, check_edit, need, save, strip, unique_date
from bodies.workflow import MEETING_FLOW
from core.audit import audit_actor, record, record_many

State = Meeting.State

MEETING_FIELDS = (
    "date",
    "start_time",
    "end_time",
    "title",
    "place",
    "link",
    "premeeting_notes",
    "note",
)
DATE_FIELDS = ("date", "title", "note")  # what a steering-group member keeps


def _editable_fields(actor, body) -> tuple[str, ...]:
    if allowed(actor, body, Action.EDIT):
        return MEETING_FIELDS
    need(actor, body, Action.EDIT_DATES)
    return DATE_FIELDS


@transaction.atomic
def meeting_create(
    *, actor, body: JointBody, date: dt.date, call_members: bool = True, **fields
) -> Meeting:
    """Create a draft meeting; the body's current members are called by default."""
    names = _editable_fields(actor, body)
    unique_date(body, date)
    meeting = Meeting(body=body, date=date, created_by=actor)
    for name in names:
        if name in fields and name != "date":
            setattr(meeting, name, strip(fields[name]))
    save(actor, meeting)
    rows = []
    if call_members:
        from bodies.selectors import current_members

        rows = Participant.objects.bulk_create(
            [
                Participant(
                    meeting=meeting, membership=m, name=m.name, role_note=m.get_mandate_display()
                )
                for m in current_members(body, on=date)
            ]
        )
        if not all(r.pk for r in rows):  # backends without RETURNING
            rows = list(meeting.participants.all())
        record_many(
            actor=actor,
            action=ParticipantAction.CALLED,
            objs=rows,
            data={"meeting": meeting.pk},
        )
    record(
        actor=actor,
        action=MeetingAction.CREATED,
        obj=meeting,
        data={"date": date.isoformat(), "called": len(rows)},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    names = _editable_fields(actor, meeting.body)
    action = Action.EDIT if names == MEETING_FIELDS else Action.EDIT_DATES
    check_edit(actor, meeting, "details", action)
    if "date" in fields and fields["date"]:
        unique_date(meeting.body, fields["date"], exclude_pk=meeting.pk)
    changed = changes(meeting, names, fields)
    save(actor, meeting)
    record(actor=actor, action=MeetingAction.UPDATED, obj=meeting, data=changed)
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: Meeting) -> None:
    check_edit(actor, meeting, "delete", Action.EDIT_DATES)
    record(
        actor=actor,
        action=MeetingAction.DELETED,
        obj=meeting,
        data={"date": meeting.date.isoformat(), "state": meeting.state},
    )
    with audit_actor(actor):
        meeting.delete()


@transaction.atomic
def meeting_transition(*, actor, meeting: Meeting, action: str) -> Meeting:
    if action not in MEETING_FLOW:
        raise ValidationError(_("Okänd åtgärd."), code="unknown")
    need(actor, meeting.body, Action.EDIT)
    current = Meeting.objects.select_for_update().values_list("state", flat=True).get(pk=meeting.pk)
    if not MEETING_FLOW.allows(action, current):
        meeting.state = current
        if current == State.APPROVED:
            raise ValidationError(_("Protokollet är redan justerat."), code="locked")
        raise ValidationError(
            _("Mötet kan inte ändra status från %(state)s på det sättet.")
            % {"state": meeting.get_state_display()},
            code="state",
        )
    target = MEETING_FLOW.target(action, current)
    meeting.state = target
    if target == State.APPROVED:
        meeting.approved_at, meeting.approved_by = timezone.now(), actor
    save(actor, meeting)
    record(
        actor=actor,
        action=TRANSITION_EVENTS[action],
        obj=meeting,
        data={"state": [current, target]},
    )
    return meeting


# --- participants --------------------------------------------------------------------------
@transaction.atomic
def participant_add(
    *, actor, meeting: Meeting, name: str, role_note: str = "", membership=None
) -> Participant:
    check_edit(actor, meeting, "participants")
    if membership is not None and membership.body_id != meeting.body_id:
        raise ValidationError(_("Ledamoten hör till ett annat organ."))
    row = Participant(
        meeting=meeting,
        membership=membership,
        name=(name or (membership.name if membership else "")).strip(),
        role_note=role_note.strip(),
    )
    if (
        membership is not None
        and Participant.objects.filter(meeting=meeting, membership=membership).exists()
    ):
        raise ValidationError(_("%(name)s är redan kallad.") % {"name": row.name})
    save(actor, row)
    record(
        actor=actor, action=MeetingAction.PARTICIPANT_ADDED, obj=meeting, data={"name": row.name}
    )
    return row


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, attendance: dict[int, str]) -> int:
    """Record who attended (participant pk -> närvarande / förhinder / '')."""
    check_edit(actor, meeting, "participants")
    valid = set(Participant.Attendance.values)
    changed, count = {}, 0
    rows = {p.pk: p for p in meeting.participants.all()}
    with audit_actor(actor):
        for pk, value in attendance.items():
            row = rows.get(pk)
            if row is None or value not in valid:
                raise ValidationError(_("Okänd deltagare eller närvaro."))
            if row.attendance != value:
                changed[row.name] = [row.attendance, value]
                count += 1
                row.attendance = value
                row.save(update_fields=["attendance"])
    if changed:
        record(actor=actor, action=MeetingAction.ATTENDANCE_SET, obj=meeting, data=changed)
    return count


@transaction.atomic
def participant_remove(*, actor, participant: Participant) -> None:
    check_edit(actor, participant.meeting, "participants")
    record(
        actor=actor,
        action=MeetingAction.PARTICIPANT_REMOVED,
        obj=participant.meeting,
        data={"name": participant.name},
    )
    with audit_actor(actor):
        participant.delete()
