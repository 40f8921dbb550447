"""Readiness for the dashboard: heatmaps (rows × phases, rows × levels), drill-down, trends.

Composes ``implementation.selectors`` (the readiness arithmetic lives there: ``Stats``,
``unit_phase_stats``, ``unit_stats``). Rows are the agreement parties: VGR split into its
förvaltningar (each rolled up with its verksamheter, plus one row for VGR's units outside a
förvaltning), the municipalities grouped by kommunalförbund or by delregion. A party without
units is a row with empty cells. Every function makes a fixed number of queries.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Party
from implementation import selectors as impl
from implementation.models import (
    Level,
    MembershipRole,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Unit,
    UnitMembership,
)
from implementation.selectors import Stats

GROUP_BY_FEDERATION = "forbund"
GROUP_BY_DELREGION = "delregion"
GROUPINGS = (GROUP_BY_FEDERATION, GROUP_BY_DELREGION)
SORT_NAME = "namn"
SORT_TOTAL = "totalt"


# --- the county's units, loaded once ----------------------------------------------------------
@dataclass
class County:
    """Everything the readiness sections need, loaded in a fixed number of queries."""

    parties: list[Party]
    units: list[dict]  # pk, party_id, level, parent_id, name, slug, has_lead
    phases: list[Phase]
    phase_stats: dict[tuple[int, int], Stats]  # (unit id, phase id) -> Stats
    by_unit: dict[int, list[tuple[int, Stats]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (uid, pid), value in self.phase_stats.items():
            self.by_unit.setdefault(uid, []).append((pid, value))

    @property
    def unit_totals(self) -> dict[int, Stats]:
        return {uid: impl.total(v for _pid, v in pairs) for uid, pairs in self.by_unit.items()}

    @property
    def without_lead(self) -> int:
        return sum(1 for unit in self.units if not unit["has_lead"])


def _has_lead():
    return Exists(
        UnitMembership.objects.filter(
            unit_id=OuterRef("pk"), role=MembershipRole.LEAD, is_active=True
        )
    )


def county_load() -> County:
    """Parties, units (with whether each has an active lead), phases and stats per
    unit × phase. Five queries."""
    parties = list(
        Party.objects.agreement_parties()
        .select_related("federation", "delregion")
        .order_by("kind", "name")
    )
    units = list(
        Unit.objects.filter(party__is_agreement_party=True)
        .annotate(has_lead=_has_lead())
        .values("pk", "party_id", "level", "parent_id", "name", "slug", "has_lead")
    )
    phases = list(Phase.objects.order_by("order"))
    # None: every unit in one grouped query; units outside ``levels`` are ignored by it.
    stats = impl.unit_phase_stats(None, {u["pk"]: u["level"] for u in units})
    return County(parties, units, phases, stats)


# --- heatmap rows -----------------------------------------------------------------------------
@dataclass
class HeatRow:
    scope: str  # identifies the row for the drill-down ("part-goteborg", "enhet-12", …)
    label: str
    url: str  # the implementation page behind the row
    unit_ids: list[int]
    by_phase: dict[int, Stats] = field(default_factory=dict)
    by_level: dict[str, Stats] = field(default_factory=dict)
    total: Stats = field(default_factory=Stats)

    @property
    def has_units(self) -> bool:
        return bool(self.unit_ids)


@dataclass
class HeatGroup:
    title: str
    scope: str
    rows: list[HeatRow]
    total: HeatRow


def _fill_row(row: HeatRow, county: County, levels: dict[int, str]) -> HeatRow:
    by_phase: dict[int, Stats] = defaultdict(Stats)
    by_level: dict[str, Stats] = defaultdict(Stats)
    for uid in row.unit_ids:
        for pid, value in county.by_unit.get(uid, ()):
            by_phase[pid] = by_phase[pid] + value
            by_level[levels[uid]] = by_level[levels[uid]] + value
    row.by_phase = dict(by_phase)
    row.by_level = dict(by_level)
    row.total = impl.total(by_phase.values())
    return row


def _region_rows(party: Party, units: list[dict]) -> list[HeatRow]:
    """VGR: one row per förvaltning (itself and its verksamheter), one for the rest."""
    forvaltningar = sorted(
        (u for u in units if u["level"] == Level.FORVALTNING), key=lambda u: u["name"]
    )
    taken: set[int] = set()
    rows = []
    for unit in forvaltningar:
        ids = [unit["pk"], *(u["pk"] for u in units if u["parent_id"] == unit["pk"])]
        taken.update(ids)
        url = reverse("implementation:unit", args=[party.slug, unit["slug"]])
        rows.append(HeatRow(f"enhet-{unit['pk']}", unit["name"], url, ids))
    rest = [u["pk"] for u in units if u["pk"] not in taken]
    if rest or not rows:
        label = _("%(party)s – regionövergripande och övriga enheter") % {"party": party.name}
        url = reverse("implementation:party", args=[party.slug])
        rows.append(HeatRow(f"ovrigt-{party.slug}", label, url, rest))
    return rows


def heatmap(county: County, *, grouping: str = GROUP_BY_FEDERATION) -> list[HeatGroup]:
    """Groups of rows with stats per phase and per level, VGR's förvaltningar first."""
    levels = {u["pk"]: u["level"] for u in county.units}
    units_of: dict[int, list[dict]] = defaultdict(list)
    for unit in county.units:
        units_of[unit["party_id"]].append(unit)
    groups: list[HeatGroup] = []
    for party in (p for p in county.parties if p.is_region):
        rows = [_fill_row(r, county, levels) for r in _region_rows(party, units_of[party.pk])]
        groups.append(_group(party.name, f"part-{party.slug}", rows, county, levels))
    buckets: dict[object, list[Party]] = defaultdict(list)
    for party in (p for p in county.parties if not p.is_region):
        key = party.delregion if grouping == GROUP_BY_DELREGION else party.federation
        buckets[key].append(party)
    ordered = sorted(buckets, key=lambda k: (k is None, getattr(k, "order", 0), str(k or "")))
    for key in ordered:
        rows = [
            _fill_row(
                HeatRow(
                    f"part-{p.slug}",
                    p.name,
                    reverse("implementation:party", args=[p.slug]),
                    [u["pk"] for u in units_of[p.pk]],
                ),
                county,
                levels,
            )
            for p in sorted(buckets[key], key=lambda p: p.name)
        ]
        title, scope = _bucket_label(key, grouping)
        groups.append(_group(title, scope, rows, county, levels))
    return groups


def _bucket_label(key, grouping: str) -> tuple[str, str]:
    if key is None:
        if grouping == GROUP_BY_DELREGION:
            return _("Utan delregion"), "utan-delregion"
        return _("Utan kommunalförbund"), "utan-forbund"
    prefix = "delregion" if grouping == GROUP_BY_DELREGION else "forbund"
    return key.name, f"{prefix}-{key.slug}"


def _group(title, scope, rows, county, levels) -> HeatGroup:
    ids = [uid for row in rows for uid in row.unit_ids]
    total = _fill_row(
        HeatRow(scope, _("%(group)s totalt") % {"group": title}, "", ids), county, levels
    )
    return HeatGroup(title, scope, rows, total)


def sort_groups(groups: list[HeatGroup], *, key: str, descending: bool, phases: list[Phase]):
    """Sort the rows inside each group by a column: name, total, a phase code or a level.

    Rows without applicable items sort last whatever the direction."""
    phase_ids = {p.code: p.pk for p in phases}

    def share(row: HeatRow) -> float | None:
        if key == SORT_TOTAL:
            return row.total.done_share
        if key in phase_ids:
            stats = row.by_phase.get(phase_ids[key])
            return stats.done_share if stats else None
        if key in Level.values:
            stats = row.by_level.get(key)
            return stats.done_share if stats else None
        return None

    for group in groups:
        if key == SORT_NAME or not (key == SORT_TOTAL or key in phase_ids or key in Level.values):
            group.rows.sort(key=lambda r: r.label, reverse=descending)
            continue
        known = [r for r in group.rows if share(r) is not None]
        unknown = [r for r in group.rows if share(r) is None]
        known.sort(key=lambda r: (share(r), r.label), reverse=descending)
        group.rows = known + sorted(unknown, key=lambda r: r.label)
    return groups


def county_total(county: County) -> Stats:
    return impl.total(county.phase_stats.values())


# --- drill-down ---------------------------------------------------------------------------------
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


def drill_down(scope: str, *, phase: Phase | None = None, level: str = "") -> DrillDown:
    """The units behind a heatmap cell with their stats in the cell's phase or level, and the
    items of that phase or level with how many of the units have done each. Five queries."""
    units_qs, label = scope_units(scope)
    if level:
        units_qs = units_qs.filter(level=level)
    units = list(units_qs.order_by("party__name", "name"))
    levels = {u.pk: u.level for u in units}
    ids = list(levels)
    if phase is not None:
        per_phase = impl.unit_phase_stats(ids, levels)
        stats = {uid: per_phase.get((uid, phase.pk), Stats()) for uid in ids}
        column = phase.name
    else:
        stats = impl.unit_stats(ids, levels)
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
        total=impl.total(r.stats for r in rows),
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
        .annotate(**impl._aggregates())
        .order_by()
    )
    found = {r["responsibility_id"]: r for r in rows}
    result = []
    for item in items:
        if not per_level.get(item.level):
            continue
        stats = Stats(total=per_level[item.level])
        impl._fill(stats, found.get(item.pk, _ZERO))
        result.append(DrillItem(item, stats))
    return result


_ZERO = {"done": 0, "excluded": 0, "blocked": 0, "in_progress": 0, "points": 0}


def sort_drill(drill: DrillDown, *, key: str, descending: bool) -> DrillDown:
    if key == "andel":
        known = [r for r in drill.units if r.stats.done_share is not None]
        unknown = [r for r in drill.units if r.stats.done_share is None]
        known.sort(key=lambda r: (r.stats.done_share, r.unit.name), reverse=descending)
        drill.units = known + unknown
    else:
        drill.units.sort(key=lambda r: (r.unit.party.name, r.unit.name), reverse=descending)
    return drill


# --- trends -------------------------------------------------------------------------------------
@dataclass
class Series:
    label: str
    points: list[Stats]  # one per week, oldest first


@dataclass
class Trend:
    weeks: list[dt.date]  # Mondays, oldest first
    county: Series
    series: list[Series]  # VGR, then each kommunalförbund


def trends(county: County, *, weeks: int, today: dt.date) -> Trend:
    """Readiness at the end of each of the last ``weeks`` weeks, county-wide and per
    kommunalförbund (VGR as its own series). The same method as
    ``implementation.selectors.readiness_history``: today's state walked back with the deltas
    the progress log stores. One query on top of the loaded county."""
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=i) for i in range(weeks)]
    federation_of = {p.pk: p.federation_id for p in county.parties}
    party_of = {u["pk"]: u["party_id"] for u in county.units}
    now: dict[int | None, Stats] = defaultdict(Stats)
    for uid, value in county.unit_totals.items():
        key = federation_of[party_of[uid]]
        now[key] = now[key] + value
    deltas = _log_deltas(mondays=mondays)
    keys = _series_keys(county)
    per_key = {key: _walk_back(now.get(key, Stats()), deltas.get(key, {}), mondays) for key in keys}
    county_points = [impl.total(per_key[k][i] for k in keys) for i in range(weeks)]
    series = [Series(label, per_key[key]) for key, label in keys.items()]
    return Trend(list(reversed(mondays)), Series(_("Hela länet"), county_points), series)


def _series_keys(county: County) -> dict[int | None, str]:
    keys: dict[int | None, str] = {}
    region = next((p for p in county.parties if p.is_region), None)
    if region is not None:
        keys[None] = region.name
    federations = sorted(
        {p.federation for p in county.parties if p.federation_id},
        key=lambda f: (f.order, f.name),
    )
    for federation in federations:
        keys[federation.pk] = federation.name
    return keys


def _log_deltas(*, mondays: list[dt.date]) -> dict[int | None, dict[dt.date, dict]]:
    """The progress log's deltas per kommunalförbund and week, in one query: a filtered sum
    per week (Monday 00:00 Swedish time to the next), which every database runs natively."""
    starts = [_local_midnight(monday) for monday in mondays]
    aggregates = {}
    for index, start in enumerate(starts):
        window = Q(created_at__gte=start, created_at__lt=start + dt.timedelta(weeks=1))
        for name in ("done", "excluded", "points"):
            aggregates[f"{name}_{index}"] = Sum(f"{name}_delta", filter=window)
    rows = (
        ProgressLog.objects.filter(
            created_at__gte=min(starts),
            responsibility__is_active=True,
            unit__party__is_agreement_party=True,
        )
        .values("unit__party__federation_id")
        .annotate(**aggregates)
        .order_by()
    )
    result: dict[int | None, dict[dt.date, dict]] = defaultdict(dict)
    for row in rows:
        for index, monday in enumerate(mondays):
            result[row["unit__party__federation_id"]][monday] = {
                name: row[f"{name}_{index}"] for name in ("done", "excluded", "points")
            }
    return result


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _walk_back(now: Stats, deltas: dict[dt.date, dict], mondays: list[dt.date]) -> list[Stats]:
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


def completed_count_by_party(since: dt.datetime) -> list[dict]:
    """How many items each party marked Klar since ``since``. One query."""
    return list(
        impl._applicable_progress()
        .filter(status="klar", status_changed_at__gte=since)
        .values("unit__party__slug", "unit__party__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__party__name")
    )
