"""Every non-trivial read of implementation tracking, in a bounded number of queries.

- ``units``: units and the people on them (leads, members, the units a user leads).
- ``checklists``: a unit's applicable items with their progress, the log, the evidence, and
  the pages built on them (Min sida, a unit, a förvaltning's matrix, a party's overview).

Readiness (what progress means, its arithmetic, the county-wide, history and drill-down reads)
lives in ``implementation.readiness``; the names below re-export the reads the pages call, so
that ``from implementation import selectors`` keeps working.
"""

from implementation.readiness.counts import (
    add_status,
    applicable_progress,
    fill_stats,
    forvaltning_rollup,
    item_counts,
    rows_stats,
    status_aggregates,
    total,
    unit_phase_stats,
    unit_stats,
    with_verksamheter,
)
from implementation.readiness.county import (
    Cell,
    CountyReadiness,
    county_readiness,
    phases_with_item_counts,
    readiness_by_federation,
    readiness_by_level,
    readiness_by_party,
    readiness_by_phase,
    units_with_phase_stats,
)
from implementation.readiness.definition import Stats
from implementation.readiness.drill import blocked_items
from implementation.readiness.history import (
    WeekPoint,
    readiness_history,
    walk_back,
    weekly_deltas,
)
from implementation.readiness.since import (
    BlockerChanges,
    OverdueItem,
    blockers_since,
    completed_since,
    overdue_since,
)
from implementation.readiness.summaries import points_case
from implementation.selectors.checklists import (
    LOG_RELATED,
    RECENT_ORDER,
    ChecklistRow,
    ForvaltningRow,
    Matrix,
    MyPage,
    PartyOverview,
    PhaseGroup,
    active_items,
    checklist,
    evidence_for_units,
    evidence_of,
    forvaltning_matrix,
    item_log,
    my_page,
    overdue_rows_for_units,
    party_overview,
    recent_log,
    unit_checklist_by_phase,
)
from implementation.selectors.units import (
    lead_candidates,
    leads_for_units,
    members_for_units,
    parties_with_units,
    unit_for_page,
    units_led_by,
    units_of_user,
    units_without_lead,
    units_without_lead_count_by_party,
)

__all__ = [
    "LOG_RELATED",
    "RECENT_ORDER",
    "BlockerChanges",
    "Cell",
    "ChecklistRow",
    "CountyReadiness",
    "ForvaltningRow",
    "Matrix",
    "MyPage",
    "OverdueItem",
    "PartyOverview",
    "PhaseGroup",
    "Stats",
    "WeekPoint",
    "active_items",
    "add_status",
    "applicable_progress",
    "blocked_items",
    "blockers_since",
    "checklist",
    "completed_since",
    "county_readiness",
    "evidence_for_units",
    "evidence_of",
    "fill_stats",
    "forvaltning_matrix",
    "forvaltning_rollup",
    "item_counts",
    "item_log",
    "lead_candidates",
    "leads_for_units",
    "members_for_units",
    "my_page",
    "overdue_rows_for_units",
    "overdue_since",
    "parties_with_units",
    "party_overview",
    "phases_with_item_counts",
    "points_case",
    "readiness_by_federation",
    "readiness_by_level",
    "readiness_by_party",
    "readiness_by_phase",
    "readiness_history",
    "recent_log",
    "rows_stats",
    "status_aggregates",
    "total",
    "unit_checklist_by_phase",
    "unit_for_page",
    "unit_phase_stats",
    "unit_stats",
    "units_led_by",
    "units_of_user",
    "units_with_phase_stats",
    "units_without_lead",
    "units_without_lead_count_by_party",
    "walk_back",
    "weekly_deltas",
    "with_verksamheter",
]
