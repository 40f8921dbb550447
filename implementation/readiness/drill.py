"""The drill-down behind a heatmap cell: the units of a row or group with their stats in the
cell's phase or level, the items with how many of the units have done each, and the blocked
items with their reasons.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Party
from implementation.models import Level, Phase, Progress, Responsibility, Status, Unit
from implementation.readiness.counts import (
    applicable_progress,
    fill_stats,
    status_aggregates,
    total,
    unit_phase_stats,
    unit_stats,
)
from implementation.readiness.definition import Stats


class UnknownScope(LookupError):
    pass


def scope_units(scope: str):
    """The units behind a heatmap row or group, and a label. One or two queries."""
    kind, _sep, value = scope.partition("-")
    units = Unit.objects.select_related("party", "parent")
    if kind == "lan":
        return units, _("Hela länet")
    if kind == "part":
        party = Party.objects.filter(slug=value, is_agreement_party=True).first()
        if party is None:
            raise UnknownScope(scope)
        return units.filter(party=party), party.name
    if kind == "enhet" and value.isdigit():
        unit = Unit.objects.filter(pk=int(value), level=Level.FORVALTNING).first()
        if unit is None:
            raise UnknownScope(scope)
        return units.filter(Q(pk=unit.pk) | Q(parent_id=unit.pk)), unit.name
    if kind == "ovrigt":
        party = Party.objects.filter(slug=value, is_agreement_party=True).first()
        if party is None:
            raise UnknownScope(scope)
        rest = units.filter(party=party).exclude(level=Level.FORVALTNING)
        rest = rest.exclude(parent__level=Level.FORVALTNING)
        return rest, _("%(party)s – regionövergripande och övriga enheter") % {"party": party.name}
    if kind in ("forbund", "delregion"):
        field_name = "party__federation" if kind == "forbund" else "party__delregion"
        found = units.filter(**{f"{field_name}__slug": value}).values_list(
            f"{field_name}__name", flat=True
        )
        name = found.first()
        if name is None:
            raise UnknownScope(scope)
        return units.filter(**{f"{field_name}__slug": value}), name
    raise UnknownScope(scope)


@dataclass
class DrillUnit:
    unit: Unit
    stats: Stats
    url: str


@dataclass
class DrillItem:
    item: Responsibility
    stats: Stats


@dataclass
class DrillDown:
    label: str
    column: str
    units: list[DrillUnit]
    items: list[DrillItem]
    total: Stats
    blocked: list = field(default_factory=list)  # Progress rows with status Hinder


def drill_down(scope: str, *, phase: Phase | None = None, level: str = "") -> DrillDown:
    """The units behind a heatmap cell with their stats in the cell's phase or level, and the
    items of that phase or level with how many of the units have done each, and the blocked
    items with their reasons. Six queries."""
    units_qs, label = scope_units(scope)
    if level:
        units_qs = units_qs.filter(level=level)
    units = list(units_qs.order_by("party__name", "name"))
    levels = {u.pk: u.level for u in units}
    ids = list(levels)
    if phase is not None:
        per_phase = unit_phase_stats(ids, levels)
        stats = {uid: per_phase.get((uid, phase.pk), Stats()) for uid in ids}
        column = phase.name
    else:
        stats = unit_stats(ids, levels)
        column = Level(level).label if level else _("Alla faser")
    rows = [
        DrillUnit(u, stats[u.pk], reverse("implementation:unit", args=[u.party.slug, u.slug]))
        for u in units
        if stats[u.pk].total
    ]
    return DrillDown(
        label=label,
        column=str(column),
        units=rows,
        items=_drill_items(units, phase=phase, level=level),
        total=total(r.stats for r in rows),
        blocked=blocked_items(ids, phase_id=phase.pk if phase is not None else None, level=level),
    )


def _drill_items(units: list[Unit], *, phase: Phase | None, level: str) -> list[DrillItem]:
    if not units:
        return []
    items = Responsibility.objects.filter(is_active=True).select_related("phase")
    if phase is not None:
        items = items.filter(phase=phase)
    if level:
        items = items.filter(level=level)
    items = list(items.order_by("phase__order", "level", "order", "code"))
    per_level: dict[str, int] = defaultdict(int)
    for unit in units:
        per_level[unit.level] += 1
    rows = (
        Progress.objects.filter(
            unit__in=[u.pk for u in units],
            responsibility__in=items,
            responsibility__level=F("unit__level"),
        )
        .values("responsibility_id")
        .annotate(**status_aggregates())
        .order_by()
    )
    found = {r["responsibility_id"]: r for r in rows}
    result = []
    for item in items:
        if not per_level.get(item.level):
            continue
        stats = Stats(total=per_level[item.level])
        fill_stats(stats, found.get(item.pk, _ZERO))
        result.append(DrillItem(item, stats))
    return result


_ZERO = {"done": 0, "excluded": 0, "blocked": 0, "in_progress": 0, "points": 0}


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


def sort_drill(drill: DrillDown, *, key: str, descending: bool) -> DrillDown:
    if key == "andel":
        known = [r for r in drill.units if r.stats.done_share is not None]
        unknown = [r for r in drill.units if r.stats.done_share is None]
        known.sort(key=lambda r: (r.stats.done_share, r.unit.name), reverse=descending)
        drill.units = known + unknown
    else:
        drill.units.sort(key=lambda r: (r.unit.party.name, r.unit.name), reverse=descending)
    return drill


def phase_by_code(code: str) -> Phase | None:
    """The phase a heatmap column links to (None: no such phase)."""
    return Phase.objects.filter(code=code).first()
