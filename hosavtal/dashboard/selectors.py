"""The whole dashboard in one read, in a fixed number of queries whatever the data size.

The view renders it and the XLSX export writes it, so the page and the file always agree.
"""

import datetime as dt
from dataclasses import dataclass

from agreements import selectors as agreements
from hosavtal.dashboard import figures, readiness
from hosavtal.dashboard.readiness import County, HeatGroup, Trend
from implementation.models import Level
from implementation.selectors import Stats


@dataclass
class Headline:
    today: dt.date
    entry_date: dt.date
    days_left: int
    adoption: object  # agreements.selectors.AdoptionSummary
    readiness: Stats
    without_lead: int
    cases: figures.CaseCounts
    next_conference: figures.ConferenceRow | None
    previous_meeting: object | None
    next_meeting: object | None


@dataclass
class Dashboard:
    headline: Headline
    county: County
    groups: list[HeatGroup]
    by_phase: list[tuple]  # (Phase, Stats) county-wide
    by_level: list[tuple]  # (level value, label, Stats) county-wide
    trend: Trend
    since: figures.Since
    escalations: figures.Escalations
    conferences: figures.Conferences
    meetings: list

    @property
    def levels(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Level.choices]


def dashboard(
    *,
    user,
    today: dt.date,
    now: dt.datetime,
    since: dt.date,
    meetings: list,
    grouping: str = readiness.GROUP_BY_FEDERATION,
    weeks: int = 12,
) -> Dashboard:
    """Every section of the steering group's dashboard (see the issue: headline, heatmaps,
    trends, since the last meeting, escalations, conferences)."""
    county = readiness.county_load()
    groups = readiness.heatmap(county, grouping=grouping)
    start = figures.since_start(since)
    conferences = figures.conference_figures(parties=county.parties, today=today, since=start)
    summary = agreements.adoption_summary_of(today, county.parties)
    entry = figures.entry_date(summary)
    escalations = figures.escalations(
        user=user,
        today=today,
        now=now,
        agreements=[count.agreement for count in summary.per_agreement],
        delregions={p.delregion for p in county.parties if p.delregion_id},
    )
    headline = Headline(
        today=today,
        entry_date=entry,
        days_left=figures.days_left(today, entry),
        adoption=summary,
        readiness=readiness.county_total(county),
        without_lead=county.without_lead,
        cases=escalations.counts,
        next_conference=conferences.upcoming,
        previous_meeting=figures.previous_meeting(meetings, today),
        next_meeting=figures.next_meeting(meetings, today),
    )
    return Dashboard(
        headline=headline,
        county=county,
        groups=groups,
        by_phase=_by_phase(county),
        by_level=_by_level(groups),
        trend=readiness.trends(county, weeks=weeks, today=today),
        since=figures.changes_since(
            since=since,
            today=today,
            user=user,
            registrations=conferences.registrations_since,
            units_per_level=county.readiness.units_per_level,
        ),
        escalations=escalations,
        conferences=conferences,
        meetings=meetings,
    )


def _by_phase(county: County) -> list[tuple]:
    per_phase = county.readiness.rollup(
        lambda _party, _level, phase_id: phase_id, parties=county.party_ids
    )
    return [(phase, per_phase.get(phase.pk, Stats())) for phase in county.phases]


def _by_level(groups: list[HeatGroup]) -> list[tuple]:
    result = []
    for value, label in Level.choices:
        stats = Stats()
        for group in groups:
            stats = stats + group.total.by_level.get(value, Stats())
        result.append((value, label, stats))
    return result
