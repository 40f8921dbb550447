"""County-wide readiness (the overview, the steering group's dashboard, the history), read
from the summaries ``summaries`` keeps in step with every progress write (a few thousand rows
instead of every progress row and log entry): ``Stats`` per (party, level, phase) and the
roll-ups by party, kommunalförbund, level and phase.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from implementation.models import (
    Level,
    MembershipRole,
    Phase,
    ReadinessCount,
    Unit,
    UnitMembership,
)
from implementation.readiness.counts import fill_stats
from implementation.readiness.definition import FIGURES, Stats
from implementation.readiness.summaries import status_aggregates


def has_lead():
    """Whether a unit (the outer query's) has an active lead, as an SQL expression."""
    return Exists(
        UnitMembership.objects.filter(
            unit_id=OuterRef("pk"), role=MembershipRole.LEAD, is_active=True
        )
    )


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
        .annotate(n=Count("pk"), without_lead=Count("pk", filter=~Q(has_lead())))
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
    for party_id, level, phase_id, *values in (
        summary.values("party_id", "level", "responsibility__phase_id")
        .annotate(**{name: Sum(name) for name in FIGURES})
        .order_by()
        .values_list("party_id", "level", "responsibility__phase_id", *FIGURES)
    ):
        fill_stats(cells.get((party_id, level, phase_id)), dict(zip(FIGURES, values, strict=True)))
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
    rows = (
        units.values(*UNIT_FIELDS, "progress__responsibility__phase_id")
        .annotate(**status_aggregates("progress__", applicable))
        .order_by()
        .values_list(*UNIT_FIELDS, "progress__responsibility__phase_id", *FIGURES)
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
        fill_stats(target, dict(zip(FIGURES, row[width + 1 :], strict=True)))
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
