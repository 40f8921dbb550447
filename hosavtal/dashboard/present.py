"""What the templates show, prepared from the selectors' figures: heatmap cells with their
text and drill-down links, sort links, and chart geometry."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from conferences.figures import column_label
from hosavtal.dashboard import charts
from implementation.readiness.counts import total as stats_total
from implementation.readiness.definition import Stats
from implementation.readiness.heatmap import SORT_NAME, HeatGroup, HeatRow

ASCENDING, DESCENDING = "stigande", "fallande"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


def heat_lines(groups: list[HeatGroup], *, columns: list[tuple[str, object]], param: str):
    """Per group: the HTML of its lines (rows, then the group's total), each with a cell per
    column, as one string (``html``).

    ``columns`` are (drill-down value, key into the row's stats); ``param`` is "fas" (keys
    are phase ids in ``by_phase``) or "niva" (keys are levels in ``by_level``). Written in
    one pass, not through the template engine: a heatmap has about a thousand cells, so labels
    are translated and the drill-down path reversed once per map. A cell shows the share done
    and links to the drill-down; its colour band (heat-0 … heat-4) follows the share."""
    base = reverse("dashboard:cell")
    none_cell = format_html(
        '<td class="db-cell heat-none"><span class="db-cell-value">–</span>'
        '<span class="visually-hidden"> {}</span></td>',
        _("inga ansvar"),
    )
    detail = _("%(done)s av %(applicable)s klara")
    no_units = format_html(' <span class="status status-neutral">{}</span>', _("inga enheter"))
    keys = [key for _value, key in columns]
    suffixes = [urlencode({param: value}) for value, _key in columns]
    total_suffix = urlencode({"fas": ""})

    def td(stats: Stats | None, href: str):
        if stats is None or not stats.applicable:
            return none_cell
        done, applicable = stats.done, stats.applicable
        return format_html(
            '<td class="db-cell heat-{}"><a href="{}"><span class="db-cell-value">{} %</span>'
            '<span class="db-cell-detail" aria-hidden="true">{}/{}</span>'
            '<span class="visually-hidden"> {}</span></a></td>',
            min(4, int(stats.done_share * 5)),
            href,
            stats.done_percent,
            done,
            applicable,
            detail % {"done": done, "applicable": applicable},
        )

    def line(row: HeatRow, is_total: bool = False):
        stats = row.by_phase if param == "fas" else row.by_level
        prefix = f"{base}?{urlencode({'omrade': row.scope})}&"
        cells = [td(stats.get(k), prefix + sfx) for k, sfx in zip(keys, suffixes, strict=True)]
        cells.append(td(row.total, prefix + total_suffix))
        head = format_html('<a href="{}">{}</a>', row.url, row.label) if row.url else row.label
        return format_html(
            '<tr{}><th scope="row">{}{}</th>{}</tr>',
            format_html(' class="{}"', "db-heat-total") if is_total else "",
            head,
            "" if row.has_units else no_units,
            format_html_join("", "{}", ((cell,) for cell in cells)),
        )

    return [
        {
            "group": group,
            "html": format_html_join(
                "",
                "{}",
                [*((line(r),) for r in group.rows), (line(group.total, True),)],
            ),
        }
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
    """Three lines that can be told apart (the whole county, the region, the municipalities
    together); the table under the chart keeps every kommunalförbund's series."""
    labels = [monday.isoformat() for monday in trend.weeks]
    series = [(trend.county.label, [p.done_share for p in trend.county.points])]
    region, municipal = trend.series[:1], trend.series[1:]
    series += [(s.label, [p.done_share for p in s.points]) for s in region]
    if municipal:
        together = [
            stats_total(s.points[i] for s in municipal).done_share for i in range(len(trend.weeks))
        ]
        series.append((_("Kommunerna sammantaget"), together))
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
class DecisionGroup:
    party_slug: str
    party_name: str
    decided_on: object
    outcome: str
    agreements: list
    recorded_at: object


def decision_lines(decisions, *, package_size: int) -> list[DecisionGroup]:
    """One line per party, date and outcome (a municipality usually decides on the whole
    package at once), newest registration first. ``decisions`` are
    ``agreements.selectors.DecisionLine``."""
    lines: dict[tuple, DecisionGroup] = {}
    for decision in decisions:
        key = (decision.party_id, decision.decided_on, decision.outcome)
        if key not in lines:
            lines[key] = DecisionGroup(
                decision.party_slug,
                decision.party_name,
                decision.decided_on,
                decision.outcome_label,
                [],
                decision.recorded_at,
            )
        lines[key].agreements.append(decision.agreement_short_title)
    for line in lines.values():
        if package_size and len(line.agreements) == package_size:
            line.agreements = [_("Hela avtalspaketet (%(n)s avtal)") % {"n": package_size}]
    return list(lines.values())
