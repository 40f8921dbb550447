"""The whole dashboard in one read, in a fixed number of queries whatever the data size.

The view renders it and the XLSX export writes it, so the page and the file always agree.
Composes the apps' figures: readiness (``implementation.readiness``), the agreements'
adoption, the escalation ladder (``escalation.figures``), the conferences
(``conferences.figures``) and the dates of the steering group's meetings.
"""

import datetime as dt
from dataclasses import dataclass

from agreements import selectors as agreements
from conferences import figures as conference_figures
from escalation import figures as escalation_figures
from hosavtal.dashboard import figures
from implementation.readiness import heatmap, history
from implementation.readiness.definition import Stats
from implementation.readiness.heatmap import County, HeatGroup
from implementation.readiness.history import Trend


@dataclass
class Headline:
    today: dt.date
    entry_date: dt.date
    days_left: int
    adoption: object  # agreements.selectors.AdoptionSummary
    readiness: Stats
    without_lead: int
    cases: escalation_figures.CaseCounts
    next_conference: conference_figures.ConferenceRow | None
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
    escalations: escalation_figures.Escalations
    conferences: conference_figures.Conferences
    meetings: list

    @property
    def levels(self) -> list[tuple[str, str]]:
        return heatmap.level_choices()


def dashboard(
    *,
    user,
    today: dt.date,
    now: dt.datetime,
    since: dt.date,
    meetings: list,
    grouping: str = heatmap.GROUP_BY_FEDERATION,
    weeks: int = 12,
) -> Dashboard:
    """Every section of the steering group's dashboard (see the issue: headline, heatmaps,
    trends, since the last meeting, escalations, conferences)."""
    county = heatmap.county_load()
    groups = heatmap.heatmap(county, grouping=grouping)
    start = figures.since_start(since)
    conferences = conference_figures.conference_figures(
        parties=county.parties, today=today, since=start
    )
    summary = agreements.adoption_summary_of(today, county.parties)
    entry = figures.entry_date(summary)
    escalations = escalation_figures.escalations(
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
        readiness=heatmap.county_total(county),
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
        by_phase=heatmap.by_phase(county),
        by_level=heatmap.by_level(groups),
        trend=history.trends(county, weeks=weeks, today=today),
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
