"""Headline, escalation, conference and "since last meeting" figures for the dashboard.

Composes the apps' selectors (agreements, implementation, escalation, conferences); where a
figure has no selector it is one bounded query here. County-wide: the steering group sees every
escalation case (``escalation.selectors.cases_visible_to``).
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import selectors as agreements
from agreements.models import Agreement, Delregion, Party
from bodies import selectors as bodies
from conferences import selectors as conferences
from conferences.models import Conference, Registration
from escalation import selectors as escalation
from escalation.models import Case, CaseEvent, CaseStepPeriod, LadderStep
from implementation import selectors as impl

ENTRY_INTO_FORCE = dt.date(2027, 1, 1)
RECENT_LIMIT = 25


# --- meetings -----------------------------------------------------------------------------------
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


def escalations(
    *, user, today: dt.date, now: dt.datetime, agreements=(), delregions=()
) -> Escalations:
    """The ladder's figures over every case the user may see (Styrgrupp: all), in three
    queries: the steps, the cases grouped once by everything the section counts, and the step
    periods for the medians. The arithmetic matches ``escalation.selectors`` (tested against
    it). The cases are grouped by agreement and delregion id only (joining their names into
    the grouping made the query four times slower); the names come from ``agreements`` and
    ``delregions`` already loaded by the caller, and any other from one more small query."""
    cases = escalation.cases_visible_to(user)
    steps = list(LadderStep.objects.order_by("order"))
    groups = list(_case_groups(cases, today))
    _name_groups(groups, agreements, delregions)
    medians = median_days_per_step(cases=cases, now=now)
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


def _of_cases(rows, cases):
    """``rows`` (with a ``case`` foreign key) of the given cases; unfiltered when ``cases`` is
    every case (Styrgrupp and Förvaltare), which spares the database a subquery."""
    if not cases.query.where:
        return rows
    return rows.filter(case__in=cases)


class DaysBetween(Func):
    """``end - start`` in days, as a float computed by the database (no datetime objects)."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


def median_days_per_step(*, cases, now: dt.datetime) -> dict[int, float]:
    """Median days a case spends on each step (ongoing periods count up to now): the same
    figure as ``escalation.selectors.median_days_per_step``, with the durations computed by the
    database so that thousands of periods cost no datetime conversions. One query, unordered
    (the periods' default ordering would join and sort by case for nothing). Ranking in the
    database instead (window functions) was measured three times slower on SQLite."""
    ended = Coalesce(F("ended_at"), Value(now, output_field=DateTimeField()))
    periods = (
        _of_cases(CaseStepPeriod.objects.all(), cases)
        .order_by()
        .values_list("step_order", DaysBetween(ended, F("started_at")))
    )
    sql, params = periods.query.sql_with_params()
    spent: dict[int, list[float]] = {}
    with connection.cursor() as cursor:  # plain numbers: no per-row converters needed
        cursor.execute(sql, params)
        for order, days in cursor.fetchall():
            spent.setdefault(order, []).append(float(days))
    return {order: round(statistics.median(days), 1) for order, days in sorted(spent.items())}


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
            "delregion_id",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def _name_groups(groups: list[dict], agreements, delregions) -> None:
    """Adds ``agreement__short_title`` and ``delregion__name`` to each group."""
    titles = {a.pk: a.short_title for a in agreements}
    names = {d.pk: d.name for d in delregions}
    wanted = {g["agreement_id"] for g in groups} - titles.keys()
    if wanted:
        titles.update(Agreement.objects.filter(pk__in=wanted).values_list("pk", "short_title"))
    wanted = {g["delregion_id"] for g in groups if g["delregion_id"]} - names.keys()
    if wanted:
        names.update(Delregion.objects.filter(pk__in=wanted).values_list("pk", "name"))
    for group in groups:
        group["agreement__short_title"] = titles[group["agreement_id"]]
        group["delregion__name"] = names.get(group["delregion_id"])


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
    registrations_since: list[dict] | None = None  # see ``conference_figures``


OTHER = "__other__"
REGION = "__region__"


def conference_figures(
    *, parties: list[Party], today: dt.date, since: dt.datetime | None = None
) -> Conferences:
    """Registrations (seat holders and waiting list) and attendance per conference and
    kommunalförbund, and the municipalities with no one registered. Two queries.

    With ``since``, the same grouped query also counts the registrations made from then on
    (every conference, cancelled ones too), which ``changes_since`` would otherwise query:
    ``Conferences.registrations_since``, in the shape of ``Since.registrations``."""
    counted = {
        "registered": Count("pk", filter=Q(status__in=conferences.ACTIVE)),
        "attended": Count("pk", filter=Q(attended=True)),
    }
    registrations = Registration.objects.all()
    if since is None:
        every = list(conferences.conference_list())
        listed = [c for c in every if c.status != Conference.Status.INSTALLD]
        registrations = registrations.filter(conference__in=[c.pk for c in listed]).filter(
            Q(status__in=conferences.ACTIVE) | Q(attended=True)
        )
    else:
        new = Q(joined_at__gte=since)
        counted["new"] = Count("pk", filter=new)
        counted["new_holding"] = Count("pk", filter=new & Q(status__in=conferences.HOLDING))
        counted["new_cancelled"] = Count("pk", filter=new & Q(status=Registration.Status.AVBOKAD))
        for name, status in SEAT_COUNTS.items():
            counted[name] = Count("pk", filter=Q(status=status))
    per_party = list(
        registrations.values("conference_id", "party_id", "party__kind", "party__federation__name")
        .annotate(**counted)
        .order_by()
    )
    if since is not None:
        # Every registration is in ``per_party``: the seat counts of ``conference_list`` are
        # its sums, which spares that query's grouping by every column of the conferences.
        every = _with_seat_counts(per_party)
        listed = [c for c in every if c.status != Conference.Status.INSTALLD]
    listed_ids = {c.pk for c in listed}
    cells: dict[int, dict[str, tuple[int, int]]] = {}
    represented: dict[int, set[int]] = {}
    for row in per_party:
        if row["conference_id"] not in listed_ids or not (row["registered"] or row["attended"]):
            continue
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
        registrations_since=None if since is None else _registrations_since(per_party, every),
        rows=rows,
        federations=_federation_columns(parties),
        upcoming=upcoming,
        municipalities=len(municipalities),
        totals=_totals(rows),
        short_names={p.federation.name: p.federation.short_name for p in parties if p.federation},
    )


SEAT_COUNTS = {
    "confirmed": Registration.Status.BEKRAFTAD,
    "offered": Registration.Status.ERBJUDEN,
    "waiting": Registration.Status.VANTELISTA,
}
COUNTED = (*SEAT_COUNTS, "attended")


def _with_seat_counts(per_party: list[dict]) -> list[Conference]:
    """``conferences.conference_list()``: its conferences, order and counts (confirmed,
    offered, waiting, attended), the counts summed from ``per_party`` instead of a grouped
    join."""
    sums: dict[int, dict[str, int]] = {}
    for row in per_party:
        entry = sums.setdefault(row["conference_id"], dict.fromkeys(COUNTED, 0))
        for name in COUNTED:
            entry[name] += row[name]
    every = list(Conference.objects.order_by(F("date").asc(nulls_last=True), "start_time", "title"))
    for conference in every:
        for name, value in sums.get(conference.pk, dict.fromkeys(COUNTED, 0)).items():
            setattr(conference, name, value)
    return every


def _registrations_since(per_party: list[dict], every: list[Conference]) -> list[dict]:
    """Per conference with registrations made since the date: as ``changes_since`` queries
    them, in the database's order (date, then title; NULL dates where the database puts
    them)."""
    by_conference: dict[int, list[int]] = {}
    for row in per_party:
        if row["new"]:
            sums = by_conference.setdefault(row["conference_id"], [0, 0, 0])
            sums[0] += row["new"]
            sums[1] += row["new_holding"]
            sums[2] += row["new_cancelled"]
    nulls_last = connection.features.nulls_order_largest
    result = [
        {
            "conference__slug": c.slug,
            "conference__title": c.title,
            "conference__date": c.date,
            "n": by_conference[c.pk][0],
            "holding": by_conference[c.pk][1],
            "cancelled": by_conference[c.pk][2],
        }
        for c in every
        if c.pk in by_conference
    ]
    return sorted(
        result,
        key=lambda r: (
            (r["conference__date"] is None) == nulls_last,
            r["conference__date"] or dt.date.min,
            r["conference__title"],
        ),
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
    decisions: list  # agreements.selectors.DecisionLine
    completed_count: int
    completed_by_party: list[dict]
    completed_recent: list
    overdue: list
    case_activity: dict[str, int]
    case_events: list[CaseEvent]
    registrations: list[dict]
    blockers: object = None  # implementation.selectors.BlockerChanges

    @property
    def registrations_total(self) -> int:
        return sum(r["n"] for r in self.registrations)


EVENT_KINDS = (CaseEvent.Kind.OPENED, CaseEvent.Kind.ESCALATED, CaseEvent.Kind.RESOLVED)


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
    from hosavtal.dashboard.readiness import completed_count_by_party

    start = since_start(since)
    cases = escalation.cases_visible_to(user)
    by_party = completed_count_by_party(start)
    return Since(
        since=since,
        decisions=agreements.decision_lines_since(since),
        completed_count=sum(r["n"] for r in by_party),
        completed_by_party=by_party,
        completed_recent=impl.completed_since(start, limit=RECENT_LIMIT),
        blockers=impl.blockers_since(start, limit=RECENT_LIMIT),
        overdue=impl.overdue_since(since, today=today, units_per_level=units_per_level),
        case_activity=escalation.activity_since(since=start, cases=cases),
        case_events=list(
            _of_cases(CaseEvent.objects.all(), cases)
            .filter(created_at__gte=start, kind__in=EVENT_KINDS)
            .select_related("case", "case__reporting_party", "case__receiving_party")
            .order_by("-created_at", "-pk")[:RECENT_LIMIT]
        ),
        registrations=registrations
        if registrations is not None
        else list(
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
