"""Headline, escalation, conference and "since last meeting" figures for the dashboard.

Composes the apps' selectors (agreements, implementation, escalation, conferences); where a
figure has no selector it is one bounded query here. County-wide: the steering group sees every
escalation case (``escalation.selectors.cases_visible_to``).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, Q, When
from django.db.models import Case as DbCase
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors as agreements
from agreements.models import Party
from conferences import selectors as conferences
from conferences.models import Conference, Registration
from escalation import selectors as escalation
from escalation.models import Case, CaseEvent, LadderStep
from hosavtal.models import SteeringMeeting
from implementation import selectors as impl

ENTRY_INTO_FORCE = dt.date(2027, 1, 1)
RECENT_LIMIT = 25


# --- meetings -----------------------------------------------------------------------------------
def meetings() -> list[SteeringMeeting]:
    return list(SteeringMeeting.objects.order_by("-date"))


def previous_meeting(all_meetings: list[SteeringMeeting], today: dt.date):
    """The latest meeting before today (None if there is none)."""
    return next((m for m in all_meetings if m.date < today), None)


def next_meeting(all_meetings: list[SteeringMeeting], today: dt.date):
    return next((m for m in reversed(all_meetings) if m.date >= today), None)


def default_since(all_meetings: list[SteeringMeeting], today: dt.date) -> dt.date:
    """The previous meeting's date; without one, four weeks back."""
    meeting = previous_meeting(all_meetings, today)
    return meeting.date if meeting else today - dt.timedelta(weeks=4)


# --- headline -----------------------------------------------------------------------------------
@dataclass
class CaseCounts:
    active: int
    overdue: int
    total: int
    systemic: int


def entry_date(summary) -> dt.date:
    if summary.main is not None and summary.main.agreement.valid_from:
        return summary.main.agreement.valid_from
    return ENTRY_INTO_FORCE


def days_left(today: dt.date, target: dt.date) -> int:
    return (target - today).days


# --- escalation ---------------------------------------------------------------------------------
@dataclass
class StepRow:
    step: LadderStep
    by_status: dict[str, int]
    median_days: float | None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def active(self) -> int:
        return sum(self.by_status.get(s, 0) for s in Case.ACTIVE)

    @property
    def resolved(self) -> int:
        return self.by_status.get(Case.Status.RESOLVED, 0)

    @property
    def closed(self) -> int:
        return self.by_status.get(Case.Status.CLOSED, 0)


@dataclass
class Escalations:
    steps: list[StepRow]
    counts: CaseCounts
    first_step_share: float | None
    per_agreement: list[dict]
    per_delregion: list[dict]

    @property
    def max_step_total(self) -> int:
        return max((row.total for row in self.steps), default=0)


def escalations(*, user, today: dt.date, now: dt.datetime) -> Escalations:
    """The ladder's figures over every case the user may see (Styrgrupp: all), in three
    queries: the steps, the cases grouped once by everything the section counts, and the step
    periods for the medians (``escalation.selectors.median_days_per_step``). The arithmetic
    matches ``escalation.selectors`` (tested against it)."""
    cases = escalation.cases_visible_to(user)
    steps = list(LadderStep.objects.order_by("order"))
    groups = list(_case_groups(cases, today))
    medians = escalation.median_days_per_step(cases=cases, now=now)
    per_step: dict[int, dict[str, int]] = {}
    for row in groups:
        by_status = per_step.setdefault(row["step_order"], {})
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
    return Escalations(
        steps=[StepRow(s, per_step.get(s.order, {}), medians.get(s.order)) for s in steps],
        counts=_counts(groups),
        first_step_share=_first_step_share(groups, steps[0].order if steps else 1),
        per_agreement=_per(groups, "agreement_id", "agreement__short_title"),
        per_delregion=_per(groups, "delregion_id", "delregion__name"),
    )


def _case_groups(cases, today: dt.date):
    overdue = Q(status__in=Case.ACTIVE, step_deadline__lt=today)
    return (
        cases.annotate(
            is_overdue=DbCase(When(overdue, then=True), default=False, output_field=BooleanField()),
            has_outcome=DbCase(
                When(outcome__gt="", then=True), default=False, output_field=BooleanField()
            ),
        )
        .values(
            "step_order",
            "status",
            "is_systemic",
            "is_overdue",
            "has_outcome",
            "agreement_id",
            "agreement__short_title",
            "delregion_id",
            "delregion__name",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def _counts(groups: list[dict]) -> CaseCounts:
    return CaseCounts(
        active=sum(r["n"] for r in groups if r["status"] in Case.ACTIVE),
        overdue=sum(r["n"] for r in groups if r["is_overdue"]),
        total=sum(r["n"] for r in groups),
        systemic=sum(r["n"] for r in groups if r["is_systemic"]),
    )


def _first_step_share(groups: list[dict], first_order: int) -> float | None:
    """Of the cases resolved (or closed after resolution), the share never escalated."""
    resolved = [
        r
        for r in groups
        if r["status"] == Case.Status.RESOLVED
        or (r["status"] == Case.Status.CLOSED and r["has_outcome"])
    ]
    total = sum(r["n"] for r in resolved)
    if not total:
        return None
    return sum(r["n"] for r in resolved if r["step_order"] == first_order) / total


def _per(groups: list[dict], key: str, name: str) -> list[dict]:
    result: dict = {}
    for row in groups:
        entry = result.setdefault(
            row[key], {key: row[key], name: row[name], "total": 0, "active": 0, "systemic": 0}
        )
        entry["total"] += row["n"]
        entry["active"] += row["n"] if row["status"] in Case.ACTIVE else 0
        entry["systemic"] += row["n"] if row["is_systemic"] else 0
    return sorted(result.values(), key=lambda e: (e[name] is None, e[name] or ""))


# --- conferences --------------------------------------------------------------------------------
@dataclass
class ConferenceRow:
    conference: Conference
    per_federation: dict[str, tuple[int, int]]  # federation label -> (registered, attended)
    missing: list[Party]

    @property
    def held(self) -> int:
        return self.conference.confirmed + self.conference.offered

    @property
    def capacity_share(self) -> float | None:
        capacity = self.conference.capacity
        return self.held / capacity if capacity else None


@dataclass
class Conferences:
    rows: list[ConferenceRow]
    federations: list[str]  # column labels: each kommunalförbund, then VGR, then others
    upcoming: ConferenceRow | None
    municipalities: int = 0
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    short_names: dict[str, str] = field(default_factory=dict)


OTHER = "__other__"
REGION = "__region__"


def conference_figures(*, parties: list[Party], today: dt.date) -> Conferences:
    """Registrations (seat holders and waiting list) and attendance per conference and
    kommunalförbund, and the municipalities with no one registered. Two queries."""
    listed = [c for c in conferences.conference_list() if c.status != Conference.Status.INSTALLD]
    per_party = (
        Registration.objects.filter(conference__in=[c.pk for c in listed])
        .filter(Q(status__in=conferences.ACTIVE) | Q(attended=True))
        .values("conference_id", "party_id", "party__kind", "party__federation__name")
        .annotate(
            registered=Count("pk", filter=Q(status__in=conferences.ACTIVE)),
            attended=Count("pk", filter=Q(attended=True)),
        )
        .order_by()
    )
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    represented: dict[int, set[int]] = {}
    for row in per_party:
        label = _federation_label(row)
        before = cells.setdefault(row["conference_id"], {}).get(label, (0, 0))
        cells[row["conference_id"]][label] = (
            before[0] + row["registered"],
            before[1] + row["attended"],
        )
        if row["party__kind"] == Party.Kind.KOMMUN and row["registered"]:
            represented.setdefault(row["conference_id"], set()).add(row["party_id"])
    municipalities = [p for p in parties if not p.is_region]
    rows = [
        ConferenceRow(
            c,
            cells.get(c.pk, {}),
            [p for p in municipalities if p.pk not in represented.get(c.pk, set())],
        )
        for c in listed
    ]
    upcoming = next((r for r in rows if r.conference.date and r.conference.date >= today), None)
    return Conferences(
        rows=rows,
        federations=_federation_columns(parties),
        upcoming=upcoming,
        municipalities=len(municipalities),
        totals=_totals(rows),
        short_names={p.federation.name: p.federation.short_name for p in parties if p.federation},
    )


def column_label(column: str) -> str:
    """The heading of a conference column: a kommunalförbund, VGR or other organisations."""
    if column == REGION:
        return _("VGR")
    if column == OTHER:
        return _("Övriga")
    return column


def _federation_label(row: dict) -> str:
    if row["party__kind"] == Party.Kind.REGION:
        return REGION
    return row["party__federation__name"] or OTHER


def _federation_columns(parties: list[Party]) -> list[str]:
    federations = sorted(
        {p.federation for p in parties if p.federation_id}, key=lambda f: (f.order, f.name)
    )
    return [f.name for f in federations] + [REGION, OTHER]


def _totals(rows: list[ConferenceRow]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        for label, (registered, attended) in row.per_federation.items():
            before = totals.get(label, (0, 0))
            totals[label] = (before[0] + registered, before[1] + attended)
    return totals


# --- since the last meeting ---------------------------------------------------------------------
@dataclass
class Since:
    since: dt.date
    decisions: list
    completed_count: int
    completed_by_party: list[dict]
    completed_recent: list
    overdue: list
    case_activity: dict[str, int]
    case_events: list[CaseEvent]
    registrations: list[dict]

    @property
    def registrations_total(self) -> int:
        return sum(r["n"] for r in self.registrations)


EVENT_KINDS = (CaseEvent.Kind.OPENED, CaseEvent.Kind.ESCALATED, CaseEvent.Kind.RESOLVED)


def since_start(since: dt.date) -> dt.datetime:
    """The start of the chosen day, Swedish time."""
    return timezone.make_aware(dt.datetime.combine(since, dt.time.min))


def changes_since(*, since: dt.date, today: dt.date, user) -> Since:
    """What changed from the start of ``since`` until now. Eleven queries."""
    from hosavtal.dashboard.readiness import completed_count_by_party

    start = since_start(since)
    cases = escalation.cases_visible_to(user)
    by_party = completed_count_by_party(start)
    return Since(
        since=since,
        decisions=agreements.decisions_since(since),
        completed_count=sum(r["n"] for r in by_party),
        completed_by_party=by_party,
        completed_recent=impl.completed_since(start, limit=RECENT_LIMIT),
        overdue=impl.overdue_since(since, today=today),
        case_activity=escalation.activity_since(since=start, cases=cases),
        case_events=list(
            CaseEvent.objects.filter(case__in=cases, created_at__gte=start, kind__in=EVENT_KINDS)
            .select_related("case", "case__reporting_party", "case__receiving_party")
            .order_by("-created_at", "-pk")[:RECENT_LIMIT]
        ),
        registrations=list(
            Registration.objects.filter(joined_at__gte=start)
            .values("conference__slug", "conference__title", "conference__date")
            .annotate(
                n=Count("pk"),
                holding=Count("pk", filter=Q(status__in=conferences.HOLDING)),
                cancelled=Count("pk", filter=Q(status=Registration.Status.AVBOKAD)),
            )
            .order_by("conference__date", "conference__title")
        ),
    )
