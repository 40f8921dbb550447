"""Every non-trivial read of implementation tracking, in a bounded number of queries.

Readiness arithmetic (one place): a unit's applicable items are the active items of its level.
A missing progress row counts as Ej påbörjad. Each status implies a percentage
(``models.STATUS_POINTS``); Ej aktuellt leaves the denominator. Roll-ups weigh every
unit × item pair equally:

- ``done_share`` = items Klar / applicable items (applicable = all − Ej aktuellt);
- ``progress``   = sum of implied percentages / (100 × applicable items).

A förvaltning rolls up from itself and its verksamheter; a party from all its units.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from implementation.models import (
    STATUS_POINTS,
    Level,
    MembershipRole,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)

User = get_user_model()


# --- arithmetic ------------------------------------------------------------------------------
@dataclass
class Stats:
    """Counts over unit × item pairs, and what they mean."""

    total: int = 0  # applicable pairs including Ej aktuellt
    done: int = 0
    excluded: int = 0
    blocked: int = 0
    in_progress: int = 0
    points: int = 0  # sum of implied percentages

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(
            self.total + other.total,
            self.done + other.done,
            self.excluded + other.excluded,
            self.blocked + other.blocked,
            self.in_progress + other.in_progress,
            self.points + other.points,
        )

    @property
    def applicable(self) -> int:
        return self.total - self.excluded

    @property
    def not_started(self) -> int:
        return self.applicable - self.done - self.blocked - self.in_progress

    @property
    def done_share(self) -> float | None:
        return self.done / self.applicable if self.applicable else None

    @property
    def progress(self) -> float | None:
        return self.points / (100 * self.applicable) if self.applicable else None

    @property
    def percent(self) -> int:
        """Progress as a whole percentage (for <progress> elements)."""
        return round((self.progress or 0) * 100)


def _points_case():
    return Case(
        *[When(status=s, then=p) for s, p in STATUS_POINTS.items() if p],
        default=0,
        output_field=IntegerField(),
    )


def _aggregates() -> dict:
    return {
        "done": Count("pk", filter=Q(status=Status.KLAR)),
        "excluded": Count("pk", filter=Q(status=Status.EJ_AKTUELLT)),
        "blocked": Count("pk", filter=Q(status=Status.HINDER)),
        "in_progress": Count("pk", filter=Q(status=Status.PAGAR)),
        "points": Sum(_points_case()),
    }


def _applicable_progress() -> QuerySet[Progress]:
    """Progress rows that count: active items of the unit's own level."""
    from django.db.models import F

    return Progress.objects.filter(
        responsibility__is_active=True, responsibility__level=F("unit__level")
    )


def item_counts(*, by_phase: bool = False) -> dict:
    """Active items per level (or per (level, phase_id)). One query."""
    fields = ["level", "phase_id"] if by_phase else ["level"]
    rows = Responsibility.objects.filter(is_active=True).values(*fields).annotate(n=Count("pk"))
    if by_phase:
        return {(r["level"], r["phase_id"]): r["n"] for r in rows}
    return {r["level"]: r["n"] for r in rows}


def unit_stats(unit_ids: Iterable[int] | None, levels: dict[int, str]) -> dict[int, Stats]:
    """Stats per unit. ``levels`` maps unit id -> level (the caller has the units). Two queries.

    ``unit_ids`` None means every unit (for county-wide roll-ups).
    """
    counts = item_counts()
    rows = _applicable_progress()
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    stats = {uid: Stats(total=counts.get(level, 0)) for uid, level in levels.items()}
    for row in rows.values("unit_id").annotate(**_aggregates()).order_by():
        _fill(stats.get(row["unit_id"]), row)
    return stats


def _fill(target: Stats | None, row: dict) -> None:
    if target is None:
        return
    target.done = row["done"]
    target.excluded = row["excluded"]
    target.blocked = row["blocked"]
    target.in_progress = row["in_progress"]
    target.points = row["points"] or 0


def unit_phase_stats(unit_ids: Iterable[int] | None, levels: dict[int, str]) -> dict:
    """Stats per (unit id, phase id). Two queries."""
    counts = item_counts(by_phase=True)
    phases_of_level: dict[str, list[int]] = defaultdict(list)
    for level, phase_id in counts:
        phases_of_level[level].append(phase_id)
    stats = {
        (uid, pid): Stats(total=counts[(level, pid)])
        for uid, level in levels.items()
        for pid in phases_of_level[level]
    }
    rows = _applicable_progress()
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    for row in (
        rows.values("unit_id", "responsibility__phase_id").annotate(**_aggregates()).order_by()
    ):
        _fill(stats.get((row["unit_id"], row["responsibility__phase_id"])), row)
    return stats


def total(stats: Iterable[Stats]) -> Stats:
    result = Stats()
    for item in stats:
        result = result + item
    return result


# --- leads -----------------------------------------------------------------------------------
def leads_for_units(unit_ids: Iterable[int]) -> dict[int, list]:
    """Active leads of each unit (empty list: no lead). One query."""
    unit_ids = list(unit_ids)
    result: dict[int, list] = {uid: [] for uid in unit_ids}
    memberships = (
        UnitMembership.objects.filter(
            unit_id__in=unit_ids, role=MembershipRole.LEAD, is_active=True
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    for membership in memberships:
        result[membership.unit_id].append(membership.user)
    return result


def members_for_units(unit_ids: Iterable[int]) -> dict[int, list[UnitMembership]]:
    """Active memberships (leads first) of each unit, with their users. One query."""
    unit_ids = list(unit_ids)
    result: dict[int, list] = {uid: [] for uid in unit_ids}
    for membership in (
        UnitMembership.objects.filter(unit_id__in=unit_ids, is_active=True)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name")
    ):
        result[membership.unit_id].append(membership)
    return result


def units_led_by(user) -> QuerySet[Unit]:
    """Units the user leads, including the verksamheter under a förvaltning the user leads."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    led = UnitMembership.objects.filter(
        user=user, role=MembershipRole.LEAD, is_active=True, unit__party_id=user.party_id
    ).values("unit_id")
    return (
        Unit.objects.filter(Q(pk__in=led) | Q(parent_id__in=led))
        .select_related("party", "parent")
        .order_by("parent__name", "name")
    )


def units_of_user(user) -> QuerySet[Unit]:
    """Units whose progress the user writes: led units, their verksamheter, and member units."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    mine = UnitMembership.objects.filter(user=user, is_active=True, unit__party_id=user.party_id)
    led = mine.filter(role=MembershipRole.LEAD).values("unit_id")
    return (
        Unit.objects.filter(Q(pk__in=mine.values("unit_id")) | Q(parent_id__in=led))
        .select_related("party", "parent")
        .order_by("party__name", "parent__name", "name")
    )


def _has_lead():
    return Exists(
        UnitMembership.objects.filter(
            unit_id=OuterRef("pk"), role=MembershipRole.LEAD, is_active=True
        )
    )


def units_without_lead(*, party=None) -> QuerySet[Unit]:
    """Units (of one party, or all) that have no active lead. One query."""
    units = Unit.objects.annotate(has_lead=_has_lead()).filter(has_lead=False)
    if party is not None:
        units = units.filter(party=party)
    return units.select_related("party", "parent").order_by("party__name", "level", "name")


def units_without_lead_count_by_party() -> dict[int, int]:
    rows = (
        Unit.objects.annotate(has_lead=_has_lead())
        .filter(has_lead=False)
        .values("party_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["party_id"]: r["n"] for r in rows}


# --- checklists ------------------------------------------------------------------------------
def active_items(levels: Iterable[str] | None = None) -> list[Responsibility]:
    items = Responsibility.objects.filter(is_active=True).select_related("phase")
    if levels is not None:
        items = items.filter(level__in=list(levels))
    return list(items.order_by("phase__order", "order", "code"))


@dataclass
class ChecklistRow:
    unit: Unit
    item: Responsibility
    progress: Progress | None

    @property
    def status(self) -> str:
        return self.progress.status if self.progress else Status.EJ_PABORJAD

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status not in {Status.KLAR, Status.EJ_AKTUELLT}

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.item.due_date is not None and self.item.due_date < today


def checklist(units: list[Unit], *, with_users: bool = False) -> list[ChecklistRow]:
    """Unit × active item rows of the units' levels with their progress. Two queries."""
    if not units:
        return []
    items = active_items({u.level for u in units})
    progress = Progress.objects.filter(unit__in=units, responsibility__is_active=True)
    if with_users:
        progress = progress.select_related("updated_by")
    found = {(p.unit_id, p.responsibility_id): p for p in progress}
    return [
        ChecklistRow(unit, item, found.get((unit.pk, item.pk)))
        for unit in units
        for item in items
        if item.level == unit.level
    ]


def recent_log(unit_ids: Iterable[int], *, limit: int = 20) -> list[ProgressLog]:
    return list(
        ProgressLog.objects.filter(unit_id__in=list(unit_ids))
        .select_related("author", "unit", "unit__party", "responsibility")
        .order_by("-created_at", "-pk")[:limit]
    )


def item_log(*, unit: Unit, responsibility: Responsibility, limit: int = 200) -> list[ProgressLog]:
    return list(
        ProgressLog.objects.filter(unit=unit, responsibility=responsibility)
        .select_related("author")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass
class MyPage:
    units: list[Unit]
    stats: dict[int, Stats]
    leads: dict[int, list]
    due_soon: list[ChecklistRow]
    overdue: list[ChecklistRow]
    blocked: list[ChecklistRow]
    recent: list[ProgressLog]
    rows_by_key: dict = field(default_factory=dict)


def my_page(user, *, today: dt.date | None = None, horizon_days: int = 30) -> MyPage:
    """What an implementation lead needs on Min sida. A fixed number of queries."""
    today = today or timezone.localdate()
    units = list(units_of_user(user))
    rows = checklist(units)
    horizon = today + dt.timedelta(days=horizon_days)
    due_soon = [
        r for r in rows if r.is_open and r.item.due_date and today <= r.item.due_date <= horizon
    ]
    overdue = [r for r in rows if r.is_overdue(today)]
    blocked = [r for r in rows if r.status == Status.HINDER]
    sort = lambda r: (r.item.due_date, r.unit.name, r.item.order)  # noqa: E731
    ids = [u.pk for u in units]
    return MyPage(
        units=units,
        stats=unit_stats(ids, {u.pk: u.level for u in units}),
        leads=leads_for_units(ids),
        due_soon=sorted(due_soon, key=sort),
        overdue=sorted(overdue, key=sort),
        blocked=blocked,
        recent=recent_log(ids, limit=10),
        rows_by_key={(r.unit.pk, r.item.pk): r for r in rows},
    )


# --- unit, förvaltning and party pages -------------------------------------------------------
def unit_for_page(*, party_slug: str, unit_slug: str) -> Unit:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Unit.objects.select_related("party", "party__federation", "parent"),
        party__slug=party_slug,
        slug=unit_slug,
    )


@dataclass
class PhaseGroup:
    phase: Phase
    rows: list[ChecklistRow]
    stats: Stats


def unit_checklist_by_phase(unit: Unit) -> list[PhaseGroup]:
    rows = checklist([unit], with_users=True)
    groups: dict[int, PhaseGroup] = {}
    for row in rows:
        group = groups.setdefault(row.item.phase_id, PhaseGroup(row.item.phase, [], Stats()))
        group.rows.append(row)
        group.stats = group.stats + _row_stats(row)
    return list(groups.values())


def _row_stats(row: ChecklistRow) -> Stats:
    status = row.status
    return Stats(
        total=1,
        done=int(status == Status.KLAR),
        excluded=int(status == Status.EJ_AKTUELLT),
        blocked=int(status == Status.HINDER),
        in_progress=int(status == Status.PAGAR),
        points=STATUS_POINTS[status] or 0,
    )


def forvaltning_rollup(unit: Unit) -> tuple[list[Unit], dict[int, Stats], Stats]:
    """A förvaltning's verksamheter, stats per unit, and the roll-up (itself + verksamheter)."""
    children = list(unit.children.select_related("party").order_by("name"))
    levels = {unit.pk: unit.level, **{c.pk: c.level for c in children}}
    stats = unit_stats(levels.keys(), levels)
    return children, stats, total(stats.values())


@dataclass
class Matrix:
    units: list[Unit]
    items: list[Responsibility]
    cells: dict[tuple[int, int], ChecklistRow]
    stats: dict[int, Stats]


def forvaltning_matrix(unit: Unit) -> Matrix:
    """A förvaltning's verksamheter × verksamhet items. Four queries."""
    children = list(unit.children.order_by("name"))
    rows = checklist(children)
    items = active_items([Level.VERKSAMHET])
    stats: dict[int, Stats] = defaultdict(Stats)
    for row in rows:
        stats[row.unit.pk] = stats[row.unit.pk] + _row_stats(row)
    return Matrix(
        units=children,
        items=items,
        cells={(r.unit.pk, r.item.pk): r for r in rows},
        stats=dict(stats),
    )


@dataclass
class ForvaltningRow:
    unit: Unit
    children: list[Unit]
    own: Stats
    rollup: Stats


@dataclass
class PartyOverview:
    forvaltningar: list[ForvaltningRow]
    other_units: list[Unit]  # regionövergripande and orphaned units
    stats: dict[int, Stats]
    by_level: dict[str, Stats]
    total: Stats
    leads: dict[int, list]


def party_overview(party) -> PartyOverview:
    """A party's units, roll-up per förvaltning and per level, and leads. Four queries."""
    units = list(Unit.objects.filter(party=party).order_by("name"))
    stats = unit_stats([u.pk for u in units], {u.pk: u.level for u in units})
    children: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.parent_id:
            children[unit.parent_id].append(unit)
    rows, other = [], []
    for unit in units:
        if unit.level == Level.FORVALTNING:
            kids = children.get(unit.pk, [])
            rollup = total([stats[unit.pk], *(stats[k.pk] for k in kids)])
            rows.append(ForvaltningRow(unit, kids, stats[unit.pk], rollup))
        elif unit.level == Level.REGIONOVERGRIPANDE:
            other.append(unit)
    by_level = {
        level: total(stats[u.pk] for u in units if u.level == level) for level in Level.values
    }
    return PartyOverview(
        forvaltningar=rows,
        other_units=other,
        stats=stats,
        by_level=by_level,
        total=total(stats.values()),
        leads=leads_for_units([u.pk for u in units]),
    )


# --- county-wide readiness (for the overview and the steering-group dashboard) ---------------
def _all_units() -> list[dict]:
    return list(Unit.objects.values("pk", "party_id", "level", "parent_id", "party__federation_id"))


def readiness_by_party() -> dict[int, Stats]:
    """Stats per party id over all its units (parties without units are absent). Three queries."""
    units = _all_units()
    stats = unit_stats(None, {u["pk"]: u["level"] for u in units})
    result: dict[int, Stats] = defaultdict(Stats)
    for unit in units:
        result[unit["party_id"]] = result[unit["party_id"]] + stats[unit["pk"]]
    return dict(result)


def readiness_by_federation() -> dict[int | None, Stats]:
    """Stats per kommunalförbund id (None: VGR, which belongs to none). Three queries."""
    units = _all_units()
    stats = unit_stats(None, {u["pk"]: u["level"] for u in units})
    result: dict[int | None, Stats] = defaultdict(Stats)
    for unit in units:
        key = unit["party__federation_id"]
        result[key] = result[key] + stats[unit["pk"]]
    return dict(result)


def readiness_by_level(*, party=None) -> dict[str, Stats]:
    """Stats per level, county-wide or for one party. Three queries."""
    units = [u for u in _all_units() if party is None or u["party_id"] == party.pk]
    stats = unit_stats(
        None if party is None else [u["pk"] for u in units], {u["pk"]: u["level"] for u in units}
    )
    result = {level: Stats() for level in Level.values}
    for unit in units:
        result[unit["level"]] = result[unit["level"]] + stats[unit["pk"]]
    return result


def readiness_by_phase(*, party=None) -> list[tuple[Phase, Stats]]:
    """Stats per phase (in order), county-wide or for one party. Four queries."""
    units = [u for u in _all_units() if party is None or u["party_id"] == party.pk]
    stats = unit_phase_stats(
        None if party is None else [u["pk"] for u in units], {u["pk"]: u["level"] for u in units}
    )
    per_phase: dict[int, Stats] = defaultdict(Stats)
    for (_unit_id, phase_id), value in stats.items():
        per_phase[phase_id] = per_phase[phase_id] + value
    return [(phase, per_phase.get(phase.pk, Stats())) for phase in Phase.objects.order_by("order")]


def completed_since(since: dt.datetime, *, party=None, limit: int = 500) -> list[Progress]:
    """Items that are Klar and became Klar at or after ``since`` (newest first). One query."""
    rows = (
        _applicable_progress()
        .filter(status=Status.KLAR, status_changed_at__gte=since)
        .select_related("unit", "unit__party", "unit__parent", "responsibility", "updated_by")
        .order_by("-status_changed_at")
    )
    if party is not None:
        rows = rows.filter(unit__party=party)
    return list(rows[:limit])


@dataclass
class OverdueItem:
    item: Responsibility
    overdue_units: int  # units where the item is still open
    units: int  # units the item applies to


def overdue_since(since: dt.date, *, today: dt.date | None = None, party=None) -> list[OverdueItem]:
    """Items whose due date fell in [since, today) and the number of units still open on them.

    A missing progress row counts as open. Three queries.
    """
    today = today or timezone.localdate()
    items = list(
        Responsibility.objects.filter(is_active=True, due_date__gte=since, due_date__lt=today)
        .select_related("phase")
        .order_by("due_date", "order")
    )
    if not items:
        return []
    units = Unit.objects.all() if party is None else Unit.objects.filter(party=party)
    per_level = {
        r["level"]: r["n"] for r in units.values("level").annotate(n=Count("pk")).order_by()
    }
    closed = Progress.objects.filter(
        responsibility__in=items, status__in=[Status.KLAR, Status.EJ_AKTUELLT]
    )
    if party is not None:
        closed = closed.filter(unit__party=party)
    closed_counts = dict(
        closed.values("responsibility_id")
        .annotate(n=Count("pk"))
        .values_list("responsibility_id", "n")
    )
    result = []
    for item in items:
        applies = per_level.get(item.level, 0)
        open_units = applies - closed_counts.get(item.pk, 0)
        if open_units > 0:
            result.append(OverdueItem(item, open_units, applies))
    return result


def overdue_rows_for_units(
    units: list[Unit], *, today: dt.date | None = None
) -> list[ChecklistRow]:
    today = today or timezone.localdate()
    return [r for r in checklist(units) if r.is_overdue(today)]


@dataclass
class WeekPoint:
    week_start: dt.date
    stats: Stats


def readiness_history(
    *, weeks: int = 52, party=None, today: dt.date | None = None
) -> list[WeekPoint]:
    """Readiness at the end of each of the last ``weeks`` weeks, oldest first. Five queries.

    Anchored on today's state and walked back with the deltas the progress log stores, so a
    week's value is today's minus everything logged after that week. Units and items created
    later are counted in every week (the denominator is today's).
    """
    today = today or timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    units = [u for u in _all_units() if party is None or u["party_id"] == party.pk]
    now = total(
        unit_stats(
            None if party is None else [u["pk"] for u in units],
            {u["pk"]: u["level"] for u in units},
        ).values()
    )
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    log = ProgressLog.objects.filter(created_at__date__gte=first, responsibility__is_active=True)
    if party is not None:
        log = log.filter(unit__party=party)
    deltas = {
        row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]: row
        for row in log.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            done=Sum("done_delta"), excluded=Sum("excluded_delta"), points=Sum("points_delta")
        )
        .order_by()
    }
    points, current = [], now
    for index in range(weeks):
        monday = this_monday - dt.timedelta(weeks=index)
        points.append(WeekPoint(monday, current))
        delta = deltas.get(monday)
        if delta:
            current = Stats(
                total=current.total,
                done=current.done - (delta["done"] or 0),
                excluded=current.excluded - (delta["excluded"] or 0),
                points=current.points - (delta["points"] or 0),
            )
    return list(reversed(points))


def parties_with_units(party_ids: Iterable[int]):
    from agreements.models import Party

    return Party.objects.filter(pk__in=list(party_ids))


def lead_candidates(unit: Unit) -> QuerySet:
    """Active users of the unit's party, for appointing leads and members."""
    return User.objects.filter(party_id=unit.party_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )
