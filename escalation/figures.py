"""The escalation ladder's figures for the steering group's dashboard: cases per step and
status, the median days on each step, the share resolved without escalating, per agreement and
delregion, and what happened since a day. Over the cases a user may see
(``selectors.cases_visible_to``; Styrgrupp and Förvaltare: all). Every function makes a fixed
number of queries whatever the number of cases; ``tests/test_figures.py`` checks the figures
against numbers counted by hand.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Coalesce

from agreements.models import Agreement, Delregion
from escalation.models import Case, CaseEvent, CaseStepPeriod, LadderStep
from escalation.selectors import cases_visible_to


@dataclass
class CaseCounts:
    active: int
    overdue: int
    total: int
    systemic: int


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
    periods for the medians. The cases are grouped by agreement and delregion id only (joining their names into
    the grouping made the query four times slower); the names come from ``agreements`` and
    ``delregions`` already loaded by the caller, and any other from one more small query."""
    cases = cases_visible_to(user)
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
    """``end - start`` in days, as a float computed by the database (no datetime objects).

    The portal runs on SQLite and PostgreSQL, the two vendors written out here (no SQL is given
    for any other). The hand-counted medians in ``tests/test_figures.py`` run on
    both: the suite's SQLite pass and CI's PostgreSQL pass."""

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
    """Median days a case spends on each step (ongoing periods count up to now), with the
    durations computed by the database (``DaysBetween``) so that thousands of periods cost no
    datetime conversions. One query, unordered (the periods' default ordering would join and
    sort by case for nothing). Ranking in the
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


def activity_since(*, since: dt.datetime, cases: QuerySet[Case] | None = None) -> dict[str, int]:
    """How many cases were opened, escalated, resolved, reopened and closed since ``since``."""
    K = CaseEvent.Kind
    kinds = {
        "opened": (K.OPENED,),
        "escalated": (K.ESCALATED,),
        "resolved": (K.RESOLVED,),  # a confirmed proposal or a body's decision
        "reopened": (K.REOPENED,),
        "closed": (K.CLOSED,),
    }
    numbers = CaseEvent.objects.filter(
        case__in=Case.objects.all() if cases is None else cases, created_at__gte=since
    ).aggregate(
        **{name: Count("case_id", distinct=True, filter=Q(kind__in=k)) for name, k in kinds.items()}
    )
    return {name: numbers[name] or 0 for name in kinds}


EVENT_KINDS = (CaseEvent.Kind.OPENED, CaseEvent.Kind.ESCALATED, CaseEvent.Kind.RESOLVED)


def events_since(*, since: dt.datetime, cases: QuerySet[Case], limit: int) -> list[CaseEvent]:
    """The latest ``limit`` openings, escalations and resolutions of the cases from ``since``
    on, newest first, with the cases and their parties. One query."""
    return list(
        _of_cases(CaseEvent.objects.all(), cases)
        .filter(created_at__gte=since, kind__in=EVENT_KINDS)
        .select_related("case", "case__reporting_party", "case__receiving_party")
        .order_by("-created_at", "-pk")[:limit]
    )
