"""What the templates show, prepared from the selectors' figures: heatmap cells with their
text and drill-down links, sort links, and chart geometry."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hosavtal.dashboard import charts
from hosavtal.dashboard.readiness import SORT_NAME, HeatGroup, HeatRow
from implementation.selectors import Stats

ASCENDING, DESCENDING = "stigande", "fallande"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


def heat_css(share: float | None) -> str:
    """A colour band for a share done; the cell always shows the number too."""
    if share is None:
        return "heat-none"
    return f"heat-{min(4, int(share * 5))}"


@dataclass
class Cell:
    stats: Stats | None
    text: str
    detail: str
    css: str
    url: str
    short: str = ""

    @property
    def html(self) -> str:
        """The whole <td>, built here: a heatmap has about a thousand cells and the template
        engine is slow at that size."""
        if self.url:
            inner = format_html(
                '<a href="{}"><span class="db-cell-value">{}</span>'
                '<span class="db-cell-detail" aria-hidden="true">{}</span>'
                '<span class="visually-hidden"> {}</span></a>',
                self.url,
                self.text,
                self.short,
                self.detail,
            )
        else:
            inner = format_html(
                '<span class="db-cell-value">{}</span><span class="visually-hidden"> {}</span>',
                self.text,
                self.detail,
            )
        return format_html('<td class="db-cell {}">{}</td>', self.css, inner)


def cell(stats: Stats | None, *, scope: str, param: str, value: str) -> Cell:
    share = stats.done_share if stats else None
    if stats is None or not stats.applicable:
        return Cell(stats, "–", _("inga ansvar"), "heat-none", "")
    query = urlencode({"omrade": scope, param: value})
    return Cell(
        stats,
        percent(share),
        _("%(done)s av %(applicable)s klara")
        % {"done": stats.done, "applicable": stats.applicable},
        heat_css(share),
        f"{reverse('dashboard:cell')}?{query}",
        f"{stats.done}/{stats.applicable}",
    )


@dataclass
class HeatLine:
    row: HeatRow
    cells: list[Cell]  # one per column, then the row's total
    is_total: bool = False


def heat_lines(groups: list[HeatGroup], *, columns: list[tuple[str, object]], param: str):
    """Per group: its lines (rows, then the group's total), each with a cell per column.

    ``columns`` are (drill-down value, key into the row's stats); ``param`` is "fas" (keys
    are phase ids in ``by_phase``) or "niva" (keys are levels in ``by_level``)."""

    def line(row: HeatRow, is_total: bool = False) -> HeatLine:
        stats = row.by_phase if param == "fas" else row.by_level
        cells = [cell(stats.get(key), scope=row.scope, param=param, value=v) for v, key in columns]
        cells.append(cell(row.total, scope=row.scope, param="fas", value=""))
        return HeatLine(row=row, cells=cells, is_total=is_total)

    return [
        {"group": group, "lines": [line(r) for r in group.rows] + [line(group.total, True)]}
        for group in groups
    ]


def sort_state(request, *, allowed: set[str], default: str = SORT_NAME) -> tuple[str, bool]:
    key = request.GET.get("sortera", default)
    if key not in allowed:
        key = default
    return key, request.GET.get("ordning") == DESCENDING


def sort_links(request, *, keys: list[str], current: str, descending: bool, anchor: str) -> dict:
    """For each sortable column: the URL that sorts by it (toggling the direction when it is
    already the sort key), its aria-sort value and a text marker for sighted users."""
    links = {}
    for key in keys:
        params = request.GET.copy()
        params["sortera"] = key
        toggled = not descending if key == current else key != SORT_NAME
        params["ordning"] = DESCENDING if toggled else ASCENDING
        if key == current:
            aria = "descending" if descending else "ascending"
            marker = " ▼" if descending else " ▲"
        else:
            aria, marker = "none", ""
        links[key] = {
            "url": f"?{params.urlencode()}#{anchor}",
            "aria": aria,
            "marker": marker,
        }
    return links


def query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def trend_chart(trend) -> charts.LineChart:
    labels = [monday.isoformat() for monday in trend.weeks]
    series = [(trend.county.label, [p.done_share for p in trend.county.points])]
    series += [(s.label, [p.done_share for p in s.points]) for s in trend.series]
    return charts.line_chart(labels, series)


def trend_rows(trend) -> list[dict]:
    series = [trend.county, *trend.series]
    return [
        {"week": monday, "values": [s.points[i].done_share for s in series]}
        for i, monday in enumerate(trend.weeks)
    ]


def phase_chart(by_phase) -> charts.BarChart:
    return charts.bar_chart(
        [
            (
                phase.short_name,
                stats.done_share or 0,
                1,
                f"{percent(stats.done_share)} ({stats.done}/{stats.applicable})",
            )
            for phase, stats in by_phase
        ]
    )


def step_chart(escalations) -> charts.BarChart:
    maximum = escalations.max_step_total
    return charts.bar_chart(
        [
            (
                f"{row.step.order}. {row.step.name}",
                row.total,
                maximum,
                _("%(total)s ärenden, %(active)s aktiva")
                % {"total": row.total, "active": row.active},
            )
            for row in escalations.steps
        ]
    )


def capacity_chart(conferences) -> charts.BarChart:
    rows = []
    for row in conferences.rows:
        capacity = row.conference.capacity
        if capacity:
            text = _("%(held)s av %(capacity)s platser") % {"held": row.held, "capacity": capacity}
            rows.append((row.conference.title, min(row.held, capacity), capacity, text))
    return charts.bar_chart(rows)


def conference_columns(conferences) -> list[dict]:
    from hosavtal.dashboard.figures import column_label

    return [
        {
            "key": key,
            "label": column_label(key),
            "short": conferences.short_names.get(key) or column_label(key),
        }
        for key in conferences.federations
    ]


def conference_rows(conferences, today) -> list[dict]:
    """Rows with a cell pair per column; the names of the municipalities without anyone
    registered are listed for coming conferences (for past ones the count says enough)."""
    return [
        {
            "row": row,
            "cells": [row.per_federation.get(k, (0, 0)) for k in conferences.federations],
            "upcoming": not row.conference.date or row.conference.date >= today,
        }
        for row in conferences.rows
    ]


@dataclass
class DecisionLine:
    party: object
    decided_on: object
    outcome: str
    agreements: list
    recorded_at: object


def decision_lines(decisions, *, package_size: int) -> list[DecisionLine]:
    """One line per party, date and outcome (a municipality usually decides on the whole
    package at once), newest registration first."""
    lines: dict[tuple, DecisionLine] = {}
    for decision in decisions:
        key = (decision.party_id, decision.decided_on, decision.outcome)
        if key not in lines:
            lines[key] = DecisionLine(
                decision.party,
                decision.decided_on,
                decision.get_outcome_display(),
                [],
                decision.recorded_at,
            )
        lines[key].agreements.append(decision.agreement.short_title)
    for line in lines.values():
        if package_size and len(line.agreements) == package_size:
            line.agreements = [_("Hela avtalspaketet (%(n)s avtal)") % {"n": package_size}]
    return list(lines.values())
