"""Readiness over time: today's state walked back week by week with the deltas the progress
log stores (summed per party and week in ``ReadinessWeek``), county-wide, for one party or per
kommunalförbund. A week's value is today's minus everything logged after that week; units and
items created later are counted in every week (the denominator is today's).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from implementation.models import ReadinessWeek
from implementation.readiness.counts import total
from implementation.readiness.county import county_readiness
from implementation.readiness.definition import Stats
from implementation.readiness.heatmap import County


def weekly_deltas(*, first: dt.date, last: dt.date, by: str | None = None, party=None) -> dict:
    """The log's deltas per week in [first, last] (Mondays), from the weekly summary; with
    ``by`` (a field path from the party, e.g. "party__federation_id") per (value, week).
    One query."""
    rows = ReadinessWeek.objects.filter(week__gte=first, week__lte=last)
    if party is not None:
        rows = rows.filter(party=party)
    fields = ["week"] if by is None else [by, "week"]
    if by is not None and by.startswith("party__"):
        rows = rows.filter(party__is_agreement_party=True)
    result = {}
    for row in (
        rows.values(*fields)
        .annotate(
            done=Sum("done_delta"), excluded=Sum("excluded_delta"), points=Sum("points_delta")
        )
        .order_by()
    ):
        key = row["week"] if by is None else (row[by], row["week"])
        result[key] = row
    return result


def walk_back(now: Stats, deltas: dict[dt.date, dict], mondays: list[dt.date]) -> list[Stats]:
    """Readiness at the end of each week (``mondays`` newest first; result oldest first):
    today's state minus the deltas logged after that week."""
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


@dataclass
class WeekPoint:
    week_start: dt.date
    stats: Stats


def readiness_history(
    *, weeks: int = 52, party=None, today: dt.date | None = None
) -> list[WeekPoint]:
    """Readiness at the end of each of the last ``weeks`` weeks, oldest first. Four queries.

    Anchored on today's state and walked back with the deltas the progress log stores (summed
    per week in ``ReadinessWeek``), so a week's value is today's minus everything logged after
    that week. Units and items created later are counted in every week (the denominator is
    today's).
    """
    today = today or timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=index) for index in range(weeks)]
    now = total(county_readiness(party=party).cells.values())
    deltas = weekly_deltas(first=mondays[-1], last=this_monday, party=party)
    values = walk_back(now, deltas, mondays)
    return [
        WeekPoint(monday, value) for monday, value in zip(reversed(mondays), values, strict=True)
    ]


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
    found = weekly_deltas(first=mondays[-1], last=this_monday, by="party__federation_id")
    for (federation_id, week), row in found.items():
        deltas[federation_id][week] = row
    keys = _series_keys(county)
    per_key = {key: walk_back(now.get(key, Stats()), deltas.get(key, {}), mondays) for key in keys}
    county_points = [total(per_key[k][i] for k in keys) for i in range(weeks)]
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
