"""Checklists (a unit's applicable items with their progress), the log, the evidence, and the
pages built on them: Min sida, a unit's page, a förvaltning's matrix, a party's overview. The
figures on them are ``implementation.readiness``'s."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F
from django.utils import timezone

from implementation.models import (
    Evidence,
    Level,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
)
from implementation.readiness.counts import (
    row_stats,
    rows_stats,
    total,
    unit_stats,
    with_verksamheter,
)
from implementation.readiness.definition import Stats
from implementation.selectors.units import leads_for_units, units_of_user


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
        group.stats = group.stats + row_stats(row)
    return list(groups.values())


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
        stats[row.unit.pk] = stats[row.unit.pk] + row_stats(row)
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
            rollup = with_verksamheter(stats[unit.pk], (stats[k.pk] for k in kids))
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


def overdue_rows_for_units(
    units: list[Unit], *, today: dt.date | None = None
) -> list[ChecklistRow]:
    today = today or timezone.localdate()
    return [r for r in checklist(units) if r.is_overdue(today)]
