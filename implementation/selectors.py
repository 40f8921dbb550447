"""Every non-trivial read of implementation tracking, in a bounded number of queries.

What progress means is defined once, in ``implementation.readiness`` (``Stats``: the headline
*andel klara* and the named weighted measure). Here: which pairs are counted. A unit's
applicable items are the active items of its level; a missing progress row counts as Ej
påbörjad; roll-ups weigh every unit × item pair equally. A förvaltning rolls up from itself
and its verksamheter; a party from all its units.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from implementation.models import (
    Evidence,
    Level,
    MembershipRole,
    Phase,
    Progress,
    ProgressLog,
    ReadinessCount,
    ReadinessWeek,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)
from implementation.readiness import summaries
from implementation.readiness.definition import WEIGHTS, Stats

User = get_user_model()


# --- arithmetic (the definition lives in implementation.readiness) ----------------------------
def points_case():
    """The weighted measure's percentage of a progress row's status, as an SQL expression."""
    return summaries.points_case()


def status_aggregates() -> dict:
    """Conditional counts of progress rows per status, and their points (for ``.annotate``)."""
    return {
        "done": Count("pk", filter=Q(status=Status.KLAR)),
        "excluded": Count("pk", filter=Q(status=Status.EJ_AKTUELLT)),
        "blocked": Count("pk", filter=Q(status=Status.HINDER)),
        "in_progress": Count("pk", filter=Q(status=Status.PAGAR)),
        "points": Sum(points_case()),
    }


def applicable_progress() -> QuerySet[Progress]:
    """Progress rows that count: active items of the unit's own level."""
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
    stats = {uid: Stats(total=counts.get(level, 0)) for uid, level in levels.items()}
    for uid, level, status, n in _status_counts(unit_ids, "unit_id"):
        if levels.get(uid) == level:
            add_status(stats[uid], status, n)
    return stats


def _status_counts(unit_ids: Iterable[int] | None, *fields: str):
    """Progress rows of active items counted per ``fields``, the item's level and status:
    tuples (*fields, level, status, n).

    The caller keeps the groups whose level is the unit's own (the applicable rows): the
    level test in Python instead of a join to the units, which on PostgreSQL without fresh
    statistics becomes a hash of every unit × item pair (15 ms at full scale). Plain counts
    per status, folded by ``add_status``, cost less to build than conditional aggregates.
    """
    rows = Progress.objects.filter(responsibility__is_active=True)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    keys = (*fields, "responsibility__level", "status")
    return rows.values(*keys).annotate(n=Count("pk")).order_by().values_list(*keys, "n")


def add_status(target: Stats | None, status: str, n: int) -> None:
    """Add ``n`` progress rows of ``status`` to ``target`` (None: ignored)."""
    if target is not None:
        target.add_status(status, n)


def fill_stats(target: Stats | None, row: dict) -> None:
    """Copy the counts of a ``status_aggregates`` row onto ``target`` (None: ignored)."""
    if target is None:
        return
    target.done = row["done"]
    target.excluded = row["excluded"]
    target.blocked = row["blocked"]
    target.in_progress = row["in_progress"]
    target.points = row["points"] or 0


def unit_phase_stats(
    unit_ids: Iterable[int] | None, levels: dict[int, str], *, counts: dict | None = None
) -> dict:
    """Stats per (unit id, phase id). Two queries (one when ``counts``, the result of
    ``item_counts(by_phase=True)``, is given)."""
    counts = item_counts(by_phase=True) if counts is None else counts
    phases_of_level: dict[str, list[int]] = defaultdict(list)
    for level, phase_id in counts:
        phases_of_level[level].append(phase_id)
    stats = {
        (uid, pid): Stats(total=counts[(level, pid)])
        for uid, level in levels.items()
        for pid in phases_of_level[level]
    }
    for uid, phase_id, level, status, n in _status_counts(
        unit_ids, "unit_id", "responsibility__phase_id"
    ):
        if levels.get(uid) == level:
            add_status(stats.get((uid, phase_id)), status, n)
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


RECENT_ORDER = ("-created_at", "-pk")


LOG_RELATED = ("author", "unit", "unit__party", "responsibility")


def recent_log(
    unit_ids: Iterable[int], *, limit: int = 20, related: Iterable[str] = LOG_RELATED
) -> list[ProgressLog]:
    """The units' latest log entries, newest first. One query.

    Each unit's latest entries come from the (unit, newest first) index. For several units
    on PostgreSQL the query is a union of each unit's latest ``limit`` ids: with ``unit IN
    (...)`` alone the planner may walk the whole log by date and filter (10 ms at 223 000
    entries when its statistics are stale); SQLite cannot order inside a union and plans the
    plain query well. ``related``: the relations to read with each entry (a page that
    knows the unit needs fewer).
    """
    unit_ids = list(unit_ids)
    rows = ProgressLog.objects.filter(unit_id__in=unit_ids)
    if len(unit_ids) > 1 and connection.features.supports_slicing_ordering_in_compound:
        latest = [
            ProgressLog.objects.filter(unit_id=uid).order_by(*RECENT_ORDER).values("pk")[:limit]
            for uid in unit_ids
        ]
        rows = ProgressLog.objects.filter(pk__in=latest[0].union(*latest[1:], all=True))
    return list(rows.select_related(*related).order_by(*RECENT_ORDER)[:limit])


def evidence_of(progress: Progress | None) -> list[Evidence]:
    """An item's named files and links, oldest first. One query (none without progress)."""
    if progress is None:
        return []
    return list(progress.evidence.select_related("added_by").order_by("added_at", "pk"))


def evidence_for_units(unit_ids: Iterable[int]) -> dict[tuple[int, int], list[Evidence]]:
    """Every evidence row of the units' items, keyed by (unit id, item id). One query."""
    found: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    rows = (
        Evidence.objects.filter(progress__unit_id__in=list(unit_ids))
        .annotate(unit_id=F("progress__unit_id"), item_id=F("progress__responsibility_id"))
        .only("pk", "name", "file", "url", "progress_id")
        .order_by("added_at", "pk")
    )
    for row in rows:
        found[(row.unit_id, row.item_id)].append(row)
    return dict(found)


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
        stats=rows_stats(rows, ids),
        leads=leads_for_units(ids),
        due_soon=sorted(due_soon, key=sort),
        overdue=sorted(overdue, key=sort),
        blocked=blocked,
        recent=_with_units(recent_log(ids, limit=10, related=("author", "responsibility")), units),
        rows_by_key={(r.unit.pk, r.item.pk): r for r in rows},
    )


def _with_units(entries: list[ProgressLog], units: list[Unit]) -> list[ProgressLog]:
    """Attach the already loaded units (with their party) to log entries of those units."""
    by_pk = {u.pk: u for u in units}
    for entry in entries:
        entry.unit = by_pk[entry.unit_id]
    return entries


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


def rows_stats(rows: Iterable[ChecklistRow], unit_ids: Iterable[int]) -> dict[int, Stats]:
    """Stats per unit from its checklist rows (every applicable item, with its progress):
    what ``unit_stats`` reads from the database, without a query."""
    stats = {uid: Stats() for uid in unit_ids}
    for row in rows:
        target = stats[row.unit.pk]
        target.total += 1
        target.add_status(row.status)
    return stats


def _row_stats(row: ChecklistRow) -> Stats:
    stats = Stats(total=1)
    stats.add_status(row.status)
    return stats


def forvaltning_rollup(
    unit: Unit, *, own: Stats | None = None
) -> tuple[list[Unit], dict[int, Stats], Stats]:
    """A förvaltning's verksamheter, stats per unit, and the roll-up (itself + verksamheter).

    Two queries: the verksamheter with the number of active items of their level, and their
    progress counted per status (by unit id, so the planner uses the unit index whatever its
    statistics). ``own``, the förvaltning's stats when the caller has them (the unit page sums
    its checklist), saves one more."""
    items = (
        Responsibility.objects.filter(is_active=True, level=OuterRef("level"))
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values("n")
    )
    children = list(
        unit.children.select_related("party")
        .annotate(items=Subquery(items, output_field=IntegerField()))
        .order_by("name")
    )
    stats = {c.pk: Stats(total=c.items or 0) for c in children}
    levels = {c.pk: c.level for c in children}
    if own is None:
        levels[unit.pk] = unit.level
        stats[unit.pk] = Stats(total=item_counts().get(unit.level, 0))
    for uid, level, status, n in _status_counts(levels.keys(), "unit_id"):
        if levels.get(uid) == level:
            add_status(stats[uid], status, n)
    if own is not None:
        stats[unit.pk] = own
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
# Read from the summaries that implementation.readiness.summaries keeps in step with every progress write
# (a few thousand rows instead of every progress row and log entry).
Cell = tuple[int, str, int]  # (party id, level, phase id)


@dataclass
class CountyReadiness:
    cells: dict[Cell, Stats]  # every party with units × level × phase with active items
    without_lead: dict[int, int]  # party id -> units without an active lead (0s omitted)
    item_counts: dict[tuple[str, int], int]  # (level, phase id) -> active items
    units: dict[int, int] = field(default_factory=dict)  # party id -> its units
    phases: list[Phase] = field(default_factory=list)  # every phase, in order
    units_per_level: dict[str, int] = field(default_factory=dict)  # level -> units (in scope)

    def rollup(self, key, *, parties: Iterable[int] | None = None) -> dict:
        """Sum the cells by ``key(party id, level, phase id)``, optionally of some parties."""
        wanted = None if parties is None else set(parties)
        sums: dict = {}
        for cell, v in self.cells.items():
            if wanted is None or cell[0] in wanted:
                acc = sums.setdefault(key(*cell), [0, 0, 0, 0, 0, 0])
                acc[0] += v.total
                acc[1] += v.done
                acc[2] += v.excluded
                acc[3] += v.blocked
                acc[4] += v.in_progress
                acc[5] += v.points
        return {name: Stats(*acc) for name, acc in sums.items()}


def phases_with_item_counts() -> tuple[list[Phase], dict[tuple[str, int], int]]:
    """Every phase in order, and the active items per (level, phase id) as
    ``item_counts(by_phase=True)`` gives them. One query."""
    active = Q(responsibilities__is_active=True)
    phases = list(
        Phase.objects.annotate(
            **{
                f"items_{level}": Count(
                    "responsibilities", filter=active & Q(responsibilities__level=level)
                )
                for level in Level.values
            }
        ).order_by("order")
    )
    counts = {
        (level, phase.pk): getattr(phase, f"items_{level}")
        for phase in phases
        for level in Level.values
        if getattr(phase, f"items_{level}")
    }
    return phases, counts


def county_readiness(*, party=None) -> CountyReadiness:
    """Stats per (party, level, phase), county-wide or for one party, the units without a
    lead per party, and the phases. Three queries whatever the data size."""
    units = Unit.objects.all() if party is None else Unit.objects.filter(party=party)
    unit_rows = (
        units.values("party_id", "level")
        .annotate(n=Count("pk"), without_lead=Count("pk", filter=~Q(_has_lead())))
        .order_by()
    )
    phases, counts = phases_with_item_counts()
    phases_of_level: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (level, phase_id), n in counts.items():
        phases_of_level[level].append((phase_id, n))
    cells: dict[Cell, Stats] = {}
    without_lead: dict[int, int] = defaultdict(int)
    units_of: dict[int, int] = defaultdict(int)
    per_level: dict[str, int] = defaultdict(int)
    for row in unit_rows:
        without_lead[row["party_id"]] += row["without_lead"]
        units_of[row["party_id"]] += row["n"]
        per_level[row["level"]] += row["n"]
        for phase_id, n in phases_of_level[row["level"]]:
            cells[(row["party_id"], row["level"], phase_id)] = Stats(total=row["n"] * n)
    summary = ReadinessCount.objects.filter(
        responsibility__is_active=True, responsibility__level=F("level")
    )
    if party is not None:
        summary = summary.filter(party=party)
    figures = ("done", "excluded", "blocked", "in_progress", "points")
    for party_id, level, phase_id, *values in (
        summary.values("party_id", "level", "responsibility__phase_id")
        .annotate(**{name: Sum(name) for name in figures})
        .order_by()
        .values_list("party_id", "level", "responsibility__phase_id", *figures)
    ):
        fill_stats(cells.get((party_id, level, phase_id)), dict(zip(figures, values, strict=True)))
    without_lead = {k: v for k, v in without_lead.items() if v}
    return CountyReadiness(cells, without_lead, counts, dict(units_of), phases, dict(per_level))


UNIT_FIELDS = ("pk", "party_id", "level", "parent_id", "name", "slug")


def units_with_phase_stats(
    units: QuerySet[Unit], counts: dict[tuple[str, int], int]
) -> tuple[list[dict], dict[tuple[int, int], Stats]]:
    """The units (as dicts of ``UNIT_FIELDS``) and their stats per (unit id, phase id), in one
    query: the units left-joined to their applicable progress rows. ``counts`` is
    ``item_counts(by_phase=True)``. For a few hundred units (VGR's), not the whole county."""
    applicable = Q(
        progress__responsibility__is_active=True, progress__responsibility__level=F("level")
    )

    def count(status: str):
        return Count("progress", filter=applicable & Q(progress__status=status))

    points = Sum(
        Case(
            *[When(applicable & Q(progress__status=s), then=p) for s, p in WEIGHTS.items() if p],
            default=0,
            output_field=IntegerField(),
        )
    )
    figures = ("done", "excluded", "blocked", "in_progress", "points")
    rows = (
        units.values(*UNIT_FIELDS, "progress__responsibility__phase_id")
        .annotate(
            done=count(Status.KLAR),
            excluded=count(Status.EJ_AKTUELLT),
            blocked=count(Status.HINDER),
            in_progress=count(Status.PAGAR),
            points=points,
        )
        .order_by()
        .values_list(*UNIT_FIELDS, "progress__responsibility__phase_id", *figures)
    )
    found: dict[int, dict] = {}
    stats: dict[tuple[int, int], Stats] = {}
    phases_of_level: dict[str, list[int]] = defaultdict(list)
    for level, phase_id in counts:
        phases_of_level[level].append(phase_id)
    width = len(UNIT_FIELDS)
    for row in rows:
        pk, level = row[0], row[2]
        if pk not in found:
            found[pk] = dict(zip(UNIT_FIELDS, row[:width], strict=True))
            for phase_id in phases_of_level[level]:
                stats[(pk, phase_id)] = Stats(total=counts[(level, phase_id)])
        target = stats.get((pk, row[width]))
        if target is not None:
            done, excluded, blocked, in_progress, points_ = row[width + 1 :]
            target.done, target.excluded, target.blocked = done, excluded, blocked
            target.in_progress, target.points = in_progress, points_ or 0
    return list(found.values()), stats


def readiness_by_party() -> dict[int, Stats]:
    """Stats per party id over all its units (parties without units are absent). Three queries."""
    return county_readiness().rollup(lambda party_id, _level, _phase: party_id)


def readiness_by_federation() -> dict[int | None, Stats]:
    """Stats per kommunalförbund id (None: VGR, which belongs to none). Four queries."""
    from agreements.models import Party

    federation_of = dict(Party.objects.values_list("pk", "federation_id"))
    return county_readiness().rollup(lambda party_id, _level, _phase: federation_of[party_id])


def readiness_by_level(*, party=None) -> dict[str, Stats]:
    """Stats per level, county-wide or for one party. Three queries."""
    per_level = county_readiness(party=party).rollup(lambda _party, level, _phase: level)
    return {level: per_level.get(level, Stats()) for level in Level.values}


def readiness_by_phase(
    *, party=None, county: CountyReadiness | None = None
) -> list[tuple[Phase, Stats]]:
    """Stats per phase (in order), county-wide or for one party. Three queries (none when the
    ``county`` readiness is given)."""
    county = county or county_readiness(party=party)
    per_phase = county.rollup(lambda _party, _level, phase_id: phase_id)
    return [(phase, per_phase.get(phase.pk, Stats())) for phase in county.phases]


def weekly_deltas(*, first: dt.date, last: dt.date, by: str | None = None, party=None) -> dict:
    """The log's deltas per week in [first, last] (Mondays), from the weekly summary; with
    ``by`` (a field path from the party, e.g. "party__federation_id") per (value, week).
    One query."""
    rows = ReadinessWeek.objects.filter(week__gte=first, week__lte=last)
    if party is not None:
        rows = rows.filter(party=party)
    fields = ["week"] if by is None else [by, "week"]
    if by is not None and by.startswith("party__"):
        rows = rows.filter(party__is_agreement_party=True)
    result = {}
    for row in (
        rows.values(*fields)
        .annotate(
            done=Sum("done_delta"), excluded=Sum("excluded_delta"), points=Sum("points_delta")
        )
        .order_by()
    ):
        key = row["week"] if by is None else (row[by], row["week"])
        result[key] = row
    return result


def walk_back(now: Stats, deltas: dict[dt.date, dict], mondays: list[dt.date]) -> list[Stats]:
    """Readiness at the end of each week (``mondays`` newest first; result oldest first):
    today's state minus the deltas logged after that week."""
    points, current = [], now
    for monday in mondays:
        points.append(current)
        delta = deltas.get(monday)
        if delta:
            current = Stats(
                total=current.total,
                done=current.done - (delta["done"] or 0),
                excluded=current.excluded - (delta["excluded"] or 0),
                points=current.points - (delta["points"] or 0),
            )
    return list(reversed(points))


def completed_since(since: dt.datetime, *, party=None, limit: int = 500) -> list[Progress]:
    """Items that are Klar and became Klar at or after ``since`` (newest first). One query."""
    rows = (
        applicable_progress()
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


def overdue_since(
    since: dt.date,
    *,
    today: dt.date | None = None,
    party=None,
    units_per_level: dict[str, int] | None = None,
) -> list[OverdueItem]:
    """Items whose due date fell in [since, today) and the number of units still open on them.

    A missing progress row counts as open. Three queries; two when the caller already has the
    units per level of the same scope (``CountyReadiness.units_per_level``).
    """
    today = today or timezone.localdate()
    items = list(
        Responsibility.objects.filter(is_active=True, due_date__gte=since, due_date__lt=today)
        .select_related("phase")
        .order_by("due_date", "order")
    )
    if not items:
        return []
    per_level = units_per_level
    if per_level is None:
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
    """Readiness at the end of each of the last ``weeks`` weeks, oldest first. Four queries.

    Anchored on today's state and walked back with the deltas the progress log stores (summed
    per week in ``ReadinessWeek``), so a week's value is today's minus everything logged after
    that week. Units and items created later are counted in every week (the denominator is
    today's).
    """
    today = today or timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=index) for index in range(weeks)]
    now = total(county_readiness(party=party).cells.values())
    deltas = weekly_deltas(first=mondays[-1], last=this_monday, party=party)
    values = walk_back(now, deltas, mondays)
    return [
        WeekPoint(monday, value) for monday, value in zip(reversed(mondays), values, strict=True)
    ]


def parties_with_units(party_ids: Iterable[int]):
    from agreements.models import Party

    return Party.objects.filter(pk__in=list(party_ids))


def lead_candidates(unit: Unit) -> QuerySet:
    """Active users of the unit's party, for appointing leads and members."""
    return User.objects.filter(party_id=unit.party_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


# --- blockers (for the steering group: where decisions are made) -----------------------------
def blocked_items(
    unit_ids: Iterable[int] | None = None,
    *,
    phase_id: int | None = None,
    level: str = "",
    limit: int = 200,
) -> list[Progress]:
    """Applicable items with status Hinder in the units (None: the whole county), with their
    reason, unit and party, oldest blocker first. One query."""
    rows = applicable_progress().filter(status=Status.HINDER)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    if phase_id is not None:
        rows = rows.filter(responsibility__phase_id=phase_id)
    if level:
        rows = rows.filter(responsibility__level=level)
    rows = rows.select_related("unit", "unit__party", "responsibility", "responsibility__phase")
    return list(rows.order_by("status_changed_at", "pk")[:limit])


@dataclass
class BlockerChanges:
    new: list[ProgressLog]  # entries that set Hinder (the comment is the reason)
    resolved: list[ProgressLog]  # entries that left Hinder


def blockers_since(since: dt.datetime, *, limit: int = 50) -> BlockerChanges:
    """Blockers that arose and that were resolved at or after ``since`` (newest first, active
    items only; the latest ``limit`` changes of either kind). One query."""
    arose = Q(status_after=Status.HINDER) & ~Q(status_before=Status.HINDER)
    ended = Q(status_before=Status.HINDER) & ~Q(status_after=Status.HINDER)
    entries = list(
        ProgressLog.objects.filter(arose | ended, created_at__gte=since)
        .filter(responsibility__is_active=True)
        .select_related("unit", "unit__party", "author", "responsibility")
        .order_by("-created_at", "-pk")[:limit]
    )
    return BlockerChanges(
        new=[e for e in entries if e.status_after == Status.HINDER],
        resolved=[e for e in entries if e.status_after != Status.HINDER],
    )
