"""Writes of the dashboard: the steering group's meeting dates (Förvaltare keep them)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_actor
from hosavtal.dashboard.permissions import can_manage_meetings
from hosavtal.models import SteeringMeeting


def _check(actor) -> None:
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bara förvaltare får ändra styrgruppens mötesdatum."))


def _unique_date(date: dt.date, *, exclude_pk: int | None = None) -> None:
    clash = SteeringMeeting.objects.filter(date=date).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"date": _("Det finns redan ett styrgruppsmöte det datumet.")}, code="unique"
        )


@transaction.atomic
def meeting_create(*, actor, date: dt.date, title: str = "", note: str = "") -> SteeringMeeting:
    """Record a meeting of the joint steering group (audited)."""
    _check(actor)
    _unique_date(date)
    meeting = SteeringMeeting(date=date, title=title.strip(), note=note.strip(), created_by=actor)
    meeting.full_clean()
    with audit_actor(actor):
        meeting.save()
    return meeting


@transaction.atomic
def meeting_update(
    *, actor, meeting: SteeringMeeting, date: dt.date, title: str = "", note: str = ""
) -> SteeringMeeting:
    _check(actor)
    _unique_date(date, exclude_pk=meeting.pk)
    meeting.date, meeting.title, meeting.note = date, title.strip(), note.strip()
    meeting.full_clean()
    with audit_actor(actor):
        meeting.save()
    return meeting


@transaction.atomic
def meeting_delete(*, actor, meeting: SteeringMeeting) -> None:
    _check(actor)
    with audit_actor(actor):
        meeting.delete()
