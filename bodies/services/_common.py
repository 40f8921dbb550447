"""What every write of the bodies app shares: the permission check, the meeting-state check
(under a row lock) and a validated, audited save."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from agreements.models import JointBody
from bodies.models import Meeting
from bodies.permissions import Action, allowed
from bodies.workflow import MEETING_EDITS
from core.audit import audit_actor

State = Meeting.State


def need(actor, body: JointBody, action: Action) -> None:
    if not allowed(actor, body, action):
        raise PermissionDenied(
            _("Du har inte behörighet att göra det här i %(body)s.") % {"body": body}
        )


def check_edit(actor, meeting: Meeting, edit: str, action: Action = Action.EDIT) -> None:
    """Refuse an edit the meeting's state does not allow (``MEETING_EDITS``)."""
    need(actor, meeting.body, action)
    # Re-read the state under a row lock: a concurrent approval wins, the edit is refused.
    state = Meeting.objects.select_for_update().values_list("state", flat=True).get(pk=meeting.pk)
    meeting.state = state
    if not MEETING_EDITS.allows(edit, state):
        if state == State.APPROVED:
            raise ValidationError(
                _("Protokollet är justerat och kan inte längre ändras."), code="locked"
            )
        raise ValidationError(
            _("Det går inte i mötets nuvarande status (%(state)s).")
            % {"state": meeting.get_state_display()},
            code="state",
        )


def save(actor, obj) -> None:
    obj.full_clean()
    with audit_actor(actor):
        obj.save()


def strip(value):
    return value.strip() if isinstance(value, str) else value


def changes(obj, names, fields) -> dict:
    """Set ``fields`` (only ``names``) on ``obj``; return ``{name: [before, after]}`` of what
    changed, JSON-ready."""
    changed = {}
    for name in names:
        if name in fields:
            value = strip(fields[name])
            before = getattr(obj, name)
            if before != value:
                changed[name] = [json_value(before), json_value(value)]
            setattr(obj, name, value)
    return changed


def json_value(value):
    if value is None or isinstance(value, str | int | bool | float):
        return value
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    return str(value)


def unique_date(body: JointBody, date: dt.date, exclude_pk: int | None = None) -> None:
    if Meeting.objects.filter(body=body, date=date).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"date": _("%(body)s har redan ett möte det datumet.") % {"body": body}},
            code="unique",
        )
