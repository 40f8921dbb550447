"""Writes of the dashboard's meeting pages: a body's meeting dates and notes. The meetings are
``bodies.Meeting`` rows; every write goes through ``bodies.services`` (its rule table decides:
the body's secretary, the Förvaltare and — for the steering group — its members)."""

import datetime as dt

from bodies import services as bodies
from hosavtal.dashboard import figures


def meeting_create(*, actor, date: dt.date, title: str = "", note: str = "", body=None):
    """Record a meeting of the body (the joint steering group by default), audited."""
    return bodies.meeting_create(
        actor=actor, body=body or figures.meeting_body(), date=date, title=title, note=note
    )


def meeting_update(*, actor, meeting, date: dt.date, title: str = "", note: str = ""):
    return bodies.meeting_update(actor=actor, meeting=meeting, date=date, title=title, note=note)


def meeting_delete(*, actor, meeting) -> None:
    bodies.meeting_delete(actor=actor, meeting=meeting)
