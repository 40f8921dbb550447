"""Readiness counted from the progress rows: the applicable pairs of a set of units, per unit
and per (unit, phase), and the roll-ups of a förvaltning. What a status counts as is
``definition``; here only which pairs are counted. A unit's applicable items are the active
items of its level; a missing progress row counts as Ej påbörjad; roll-ups weigh every
unit × item pair equally. A förvaltning rolls up from itself and its verksamheter.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery

from implementation.models import Progress, Responsibility, Unit
from implementation.readiness.definition import Stats
from implementation.readiness.summaries import status_aggregates

__all__ = [
    "add_status",
    "applicable_progress",
    "fill_stats",
    "forvaltning_rollup",
    "item_counts",
    "row_stats",
    "rows_stats",
    "status_aggregates",
    "total",
    "unit_phase_stats",
    "unit_stats",
    "with_verksamheter",
]


def applicable_progress() -> QuerySet[Progress]:
    """Progress rows that count: active items of the unit's own level, current units."""
    return Progress.objects.filter(
        responsibility__is_active=True,
        responsibility__level=F("unit__level"),
        unit__retired_at=None,
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


def rows_stats(rows: Iterable, unit_ids: Iterable[int]) -> dict[int, Stats]:
    """Stats per unit from its checklist rows (every applicable item, with its progress;
    anything with ``unit`` and ``status``): what ``unit_stats`` reads from the database,
    without a query."""
    stats = {uid: Stats() for uid in unit_ids}
    for row in rows:
        target = stats[row.unit.pk]
        target.total += 1
        target.add_status(row.status)
    return stats


def row_stats(row) -> Stats:
    """One checklist row (one applicable pair) as ``Stats``."""
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


def with_verksamheter(own: Stats, verksamheter: Iterable[Stats]) -> Stats:
    """A förvaltning's roll-up: its own pairs and its verksamheters'."""
    return total([own, *verksamheter])
