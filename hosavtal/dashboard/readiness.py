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

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Party
from implementation import selectors as impl
from implementation.models import (
    Level,
    Phase,
    Progress,
    Responsibility,
    Unit,
)
from implementation.selectors import Stats

GROUP_BY_FEDERATION = "forbund"
GROUP_BY_DELREGION = "delregion"
GROUPINGS = (GROUP_BY_FEDERATION, GROUP_BY_DELREGION)
SORT_NAME = "namn"
SORT_TOTAL = "totalt"


# --- the county's readiness, loaded once ----------------------------------------------------
@dataclass
class County:
    """Everything the readiness sections need, loaded in a fixed number of queries: the
    county-wide summary per (party, level, phase), and VGR's units one by one (VGR's rows are
    its förvaltningar)."""

    parties: list[Party]
    phases: list[Phase]
    readiness: impl.CountyReadiness
    region_units: list[dict]  # pk, party_id, level, parent_id, name, slug
    region_stats: dict[tuple[int, int], Stats]  # (VGR unit id, phase id) -> Stats

    @property
    def party_ids(self) -> list[int]:
        return [p.pk for p in self.parties]

    @property
    def without_lead(self) -> int:
        ids = set(self.party_ids)
        return sum(n for pid, n in self.readiness.without_lead.items() if pid in ids)

    def party_totals(self) -> dict[int, Stats]:
        return self.readiness.rollup(lambda pid, _level, _phase: pid, parties=self.party_ids)


def county_load() -> County:
    """Parties, phases, the county-wide readiness summary, and VGR's units with their stats per
    phase. Five queries."""
    parties = list(
        Party.objects.agreement_parties()
        .select_related("federation", "delregion")
        .order_by("kind", "name")
    )
    county = impl.county_readiness()
    region_ids = [p.pk for p in parties if p.is_region]
    units, stats = impl.units_with_phase_stats(
        Unit.objects.filter(party_id__in=region_ids), county.item_counts
    )
    return County(parties, county.phases, county, units, stats)


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
    units: int = 0  # a party row's units (its unit ids are not loaded)

    @property
    def has_units(self) -> bool:
        return bool(self.unit_ids) or self.units > 0


@dataclass
class HeatGroup:
    title: str
    scope: str
    rows: list[HeatRow]
    total: HeatRow


def _set_cells(row: HeatRow, cells) -> HeatRow:
    """Fill a row from (level, phase id, Stats) triples."""
    by_phase: dict[int, Stats] = defaultdict(Stats)
    by_level: dict[str, Stats] = defaultdict(Stats)
    for level, phase_id, value in cells:
        by_phase[phase_id] = by_phase[phase_id] + value
        by_level[level] = by_level[level] + value
    row.by_phase = dict(by_phase)
    row.by_level = dict(by_level)
    row.total = impl.total(by_phase.values())
    return row


def _region_cells(county: County, unit_ids: list[int]):
    levels = {u["pk"]: u["level"] for u in county.region_units}
    wanted = set(unit_ids)
    return [
        (levels[uid], pid, value)
        for (uid, pid), value in county.region_stats.items()
        if uid in wanted
    ]


def _party_cells(county: County, party_ids: set[int]):
    return [
        (level, pid, value)
        for (party_id, level, pid), value in county.readiness.cells.items()
        if party_id in party_ids
    ]


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
    units_of: dict[int, list[dict]] = defaultdict(list)
    for unit in county.region_units:
        units_of[unit["party_id"]].append(unit)
    groups: list[HeatGroup] = []
    for party in (p for p in county.parties if p.is_region):
        rows = [
            _set_cells(r, _region_cells(county, r.unit_ids))
            for r in _region_rows(party, units_of[party.pk])
        ]
        total = HeatRow(
            f"part-{party.slug}",
            _("%(group)s totalt") % {"group": party.name},
            "",
            [uid for r in rows for uid in r.unit_ids],
        )
        _set_cells(total, _party_cells(county, {party.pk}))
        groups.append(HeatGroup(party.name, f"part-{party.slug}", rows, total))
    buckets: dict[object, list[Party]] = defaultdict(list)
    for party in (p for p in county.parties if not p.is_region):
        key = party.delregion if grouping == GROUP_BY_DELREGION else party.federation
        buckets[key].append(party)
    cells_of: dict[int, list] = defaultdict(list)
    for (party_id, level, pid), value in county.readiness.cells.items():
        cells_of[party_id].append((level, pid, value))
    ordered = sorted(buckets, key=lambda k: (k is None, getattr(k, "order", 0), str(k or "")))
    for key in ordered:
        members = sorted(buckets[key], key=lambda p: p.name)
        rows = [
            _set_cells(
                HeatRow(
                    f"part-{p.slug}",
                    p.name,
                    reverse("implementation:party", args=[p.slug]),
                    [],
                    units=county.readiness.units.get(p.pk, 0),
                ),
                cells_of[p.pk],
            )
            for p in members
        ]
        title, scope = _bucket_label(key, grouping)
        total = HeatRow(
            scope,
            _("%(group)s totalt") % {"group": title},
            "",
            [],
            units=sum(county.readiness.units.get(p.pk, 0) for p in members),
        )
        _set_cells(total, [c for p in members for c in cells_of[p.pk]])
        groups.append(HeatGroup(title, scope, rows, total))
    return groups


def _bucket_label(key, grouping: str) -> tuple[str, str]:
    if key is None:
        if grouping == GROUP_BY_DELREGION:
            return _("Utan delregion"), "utan-delregion"
        return _("Utan kommunalförbund"), "utan-forbund"
    prefix = "delregion" if grouping == GROUP_BY_DELREGION else "forbund"
    return key.name, f"{prefix}-{key.slug}"


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
    return impl.total(county.party_totals().values())


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
        blocked=impl.blocked_items(
            ids, phase_id=phase.pk if phase is not None else None, level=level
        ),
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
        .annotate(**impl.status_aggregates())
        .order_by()
    )
    found = {r["responsibility_id"]: r for r in rows}
    result = []
    for item in items:
        if not per_level.get(item.level):
            continue
        stats = Stats(total=per_level[item.level])
        impl.fill_stats(stats, found.get(item.pk, _ZERO))
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
    the progress log stores (summed per party and week). One query on top of the loaded
    county."""
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=i) for i in range(weeks)]
    federation_of = {p.pk: p.federation_id for p in county.parties}
    now: dict[int | None, Stats] = defaultdict(Stats)
    for party_id, value in county.party_totals().items():
        key = federation_of[party_id]
        now[key] = now[key] + value
    deltas: dict[int | None, dict[dt.date, dict]] = defaultdict(dict)
    found = impl.weekly_deltas(first=mondays[-1], last=this_monday, by="party__federation_id")
    for (federation_id, week), row in found.items():
        deltas[federation_id][week] = row
    keys = _series_keys(county)
    per_key = {
        key: impl.walk_back(now.get(key, Stats()), deltas.get(key, {}), mondays) for key in keys
    }
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


def completed_count_by_party(since: dt.datetime) -> list[dict]:
    """How many items each party marked Klar since ``since``. One query."""
    return list(
        impl.applicable_progress()
        .filter(status="klar", status_changed_at__gte=since)
        .values("unit__party__slug", "unit__party__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__party__name")
    )
