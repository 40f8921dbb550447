"""The county's readiness as the steering group reads it: rows × phases and rows × levels.

Rows are the agreement parties: VGR split into its förvaltningar (each rolled up with its
verksamheter, plus one row for VGR's units outside a förvaltning), the municipalities grouped
by kommunalförbund or by delregion. A party without units is a row with empty cells. Loaded
once (``county_load``, five queries); everything else here is arithmetic on what it loaded.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Party
from implementation.models import Level, Phase, Unit
from implementation.readiness import counts
from implementation.readiness.county import (
    CountyReadiness,
    county_readiness,
    units_with_phase_stats,
)
from implementation.readiness.definition import Stats

GROUP_BY_FEDERATION = "forbund"


GROUP_BY_DELREGION = "delregion"


GROUPINGS = (GROUP_BY_FEDERATION, GROUP_BY_DELREGION)
SORT_NAME = "namn"
SORT_TOTAL = "totalt"


@dataclass
class County:
    """Everything the readiness sections need, loaded in a fixed number of queries: the
    county-wide summary per (party, level, phase), and VGR's units one by one (VGR's rows are
    its förvaltningar)."""

    parties: list[Party]
    phases: list[Phase]
    readiness: CountyReadiness
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
    county = county_readiness()
    region_ids = [p.pk for p in parties if p.is_region]
    units, stats = units_with_phase_stats(
        Unit.objects.filter(party_id__in=region_ids), county.item_counts
    )
    return County(parties, county.phases, county, units, stats)


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
    row.total = counts.total(by_phase.values())
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


def county_total(county: County) -> Stats:
    return counts.total(county.party_totals().values())


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


def by_phase(county: County) -> list[tuple[Phase, Stats]]:
    """The county's stats per phase, in order (the parties in the heatmap only)."""
    per_phase = county.readiness.rollup(
        lambda _party, _level, phase_id: phase_id, parties=county.party_ids
    )
    return [(phase, per_phase.get(phase.pk, Stats())) for phase in county.phases]


def by_level(groups: list[HeatGroup]) -> list[tuple]:
    """(level value, label, Stats) per level, summed over the heatmap's groups."""
    result = []
    for value, label in Level.choices:
        stats = Stats()
        for group in groups:
            stats = stats + group.total.by_level.get(value, Stats())
        result.append((value, label, stats))
    return result


def level_values() -> list[str]:
    """The levels' values, in order (a heatmap column and sort key each)."""
    return list(Level.values)


def level_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Level.choices]


def level_label(value: str) -> str:
    return str(Level(value).label)
