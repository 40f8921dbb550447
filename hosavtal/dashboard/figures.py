"""The dashboard's dates and its "since the last meeting" section, composed of the apps'
selectors and figures (agreements, bodies, implementation.readiness, escalation.figures,
conferences.figures). Nothing is counted here: each app owns its figures.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from agreements import selectors as agreements
from bodies import selectors as bodies
from conferences import figures as conference_figures
from escalation import figures as escalation_figures
from escalation import selectors as escalation
from implementation.readiness import since as readiness_since

ENTRY_INTO_FORCE = dt.date(2027, 1, 1)


RECENT_LIMIT = 25


def meeting_body(slug: str = "", among: list | None = None):
    """The body whose meetings "since the last meeting" counts from: the one named by its
    slug, else the joint steering group (any body works: bodies.selectors). ``among``: the
    bodies already read (no further query)."""
    if among is not None:
        by_slug = {b.slug: b for b in among}
        return by_slug.get(slug) or by_slug.get(bodies.STEERING_SLUG)
    return bodies.body_by_slug(slug or bodies.STEERING_SLUG) or bodies.body_by_slug(
        bodies.STEERING_SLUG
    )


def meetings(body=None) -> list:
    """The body's meetings (bodies.Meeting, newest first); the steering group's by default."""
    return bodies.meeting_dates(body if body is not None else meeting_body())


def previous_meeting(all_meetings: list, today: dt.date):
    """The latest meeting before today (None if there is none)."""
    return next((m for m in all_meetings if m.date < today), None)


def next_meeting(all_meetings: list, today: dt.date):
    return next((m for m in reversed(all_meetings) if m.date >= today), None)


def default_since(all_meetings: list, today: dt.date) -> dt.date:
    """The previous meeting's date; without one, four weeks back."""
    meeting = previous_meeting(all_meetings, today)
    return meeting.date if meeting else today - dt.timedelta(weeks=4)


def entry_date(summary) -> dt.date:
    if summary.main is not None and summary.main.agreement.valid_from:
        return summary.main.agreement.valid_from
    return ENTRY_INTO_FORCE


def days_left(today: dt.date, target: dt.date) -> int:
    return (target - today).days


@dataclass
class Since:
    since: dt.date
    decisions: list  # agreements.selectors.DecisionLine
    completed_count: int
    completed_by_party: list[dict]
    completed_recent: list
    overdue: list
    case_activity: dict[str, int]
    case_events: list  # escalation.models.CaseEvent
    registrations: list[dict]
    blockers: object = None  # implementation.readiness.since.BlockerChanges

    @property
    def registrations_total(self) -> int:
        return sum(r["n"] for r in self.registrations)


def since_start(since: dt.date) -> dt.datetime:
    """The start of the chosen day, Swedish time."""
    return timezone.make_aware(dt.datetime.combine(since, dt.time.min))


def changes_since(
    *, since: dt.date, today: dt.date, user, registrations=None, units_per_level=None
) -> Since:
    """What changed from the start of ``since`` until now. Eleven queries; one fewer each when
    the conference registrations (``Conferences.registrations_since``) and the county's units
    per level (``CountyReadiness.units_per_level``) are given; one more for the blockers that
    arose and were resolved."""
    start = since_start(since)
    cases = escalation.cases_visible_to(user)
    by_party = readiness_since.completed_count_by_party(start)
    return Since(
        since=since,
        decisions=agreements.decision_lines_since(since),
        completed_count=sum(r["n"] for r in by_party),
        completed_by_party=by_party,
        completed_recent=readiness_since.completed_since(start, limit=RECENT_LIMIT),
        blockers=readiness_since.blockers_since(start, limit=RECENT_LIMIT),
        overdue=readiness_since.overdue_since(since, today=today, units_per_level=units_per_level),
        case_activity=escalation_figures.activity_since(since=start, cases=cases),
        case_events=escalation_figures.events_since(since=start, cases=cases, limit=RECENT_LIMIT),
        registrations=registrations
        if registrations is not None
        else conference_figures.registrations_since(start),
    )
