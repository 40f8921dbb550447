"""Table bodies of the dashboard's longer lists, written in Python.

The same markup through template loops (a ``{% url %}``, filters and attribute lookups per
cell) cost more than the figures behind it. Every text is escaped here exactly as the
template's autoescape would (``django.utils.html.escape``); the result is marked safe.
"""

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.portal import isodatum, procent


def _link_pattern(name: str, *samples) -> str:
    """One ``reverse`` for a whole list: the URL with ``{}`` where each sample argument was."""
    url = reverse(name, args=samples)
    for sample in samples:
        url = url.replace(str(sample), "{}", 1)
    return url


def decision_rows(lines) -> SafeString:
    pattern = _link_pattern("agreements:party_detail", "s-l-u-g")
    rows = [
        f'<tr><td>{isodatum(line.decided_on)}</td><th scope="row"><a href="'
        f'{escape(pattern.format(line.party_slug))}">{escape(line.party_name)}</a></th>'
        f"<td>{escape('; '.join(str(a) for a in line.agreements))}</td>"
        f"<td>{escape(line.outcome)}</td><td>{isodatum(line.recorded_at)}</td></tr>"
        for line in lines
    ]
    return mark_safe("\n".join(rows))


def completed_party_rows(by_party: list[dict]) -> SafeString:
    pattern = _link_pattern("implementation:party", "s-l-u-g")
    rows = [
        f'<tr><th scope="row"><a href="{escape(pattern.format(row["unit__party__slug"]))}">'
        f'{escape(row["unit__party__name"])}</a></th><td class="text-end">{row["n"]}</td></tr>'
        for row in by_party
    ]
    return mark_safe("".join(rows))


def completed_recent_rows(progress) -> SafeString:
    pattern = _link_pattern("implementation:unit", "p-a-r-t-y", "u-n-i-t")
    rows = []
    for p in progress:
        unit = p.unit
        url = pattern.format(unit.party.slug, unit.slug)
        rows.append(
            f'<tr><td>{isodatum(p.status_changed_at)}</td><th scope="row"><a href="'
            f'{escape(url)}">{escape(unit.name)}</a>, {escape(unit.party.name)}</th>'
            f"<td>{escape(truncatechars(p.responsibility.title, 90))}</td></tr>"
        )
    return mark_safe("".join(rows))


def case_event_rows(events) -> SafeString:
    pattern = _link_pattern("escalation:detail", 987654321)
    rows = []
    for ev in events:
        case = ev.case
        kind = escape(ev.get_kind_display())
        if ev.step_name:
            kind += f" ({escape(ev.step_name)})"
        rows.append(
            f'<tr><td>{isodatum(ev.created_at)}</td><td>{kind}</td><th scope="row"><a href="'
            f'{escape(pattern.format(ev.case_id))}">{escape(case.reference)} '
            f"{escape(truncatechars(case.title, 60))}</a></th><td>"
            f"{escape(case.reporting_party.name)} – {escape(case.receiving_party.name)}</td></tr>"
        )
    return mark_safe("".join(rows))


def add_conference_cells(conference_rows: list[dict]) -> None:
    """Adds ``html`` to each of ``present.conference_rows``: the row's cells but the last (its
    text has plural forms and stays in the template): title, date, seats, then registered
    and attended per column."""
    pattern = _link_pattern("conferences:detail", "s-l-u-g")
    for entry in conference_rows:
        row = entry["row"]
        conference = row.conference
        seats = f"{row.held}"
        if conference.capacity:
            seats += f" / {conference.capacity}"
        cells = "".join(
            f'<td class="text-end">{registered}</td><td class="text-end">{attended}</td>'
            for registered, attended in entry["cells"]
        )
        entry["html"] = mark_safe(
            f'<th scope="row"><a href="{escape(pattern.format(conference.slug))}">'
            f"{escape(conference.title)}</a></th>\n"
            f'        <td class="text-nowrap">{isodatum(conference.date) or "–"}</td>\n'
            f'        <td class="text-end text-nowrap">{seats}</td>\n        {cells}'
        )


def trend_table_rows(rows) -> SafeString:
    return mark_safe(
        "\n".join(
            f'<tr><th scope="row" class="text-nowrap">{isodatum(row["week"])}</th>'
            + "".join(f'<td class="text-end">{procent(v)}</td>' for v in row["values"])
            + "</tr>"
            for row in rows
        )
    )


def _marker(marker: str, x: int, y: int, css: str) -> str:
    if marker == "square":
        return f'<rect x="{x - 3}" y="{y - 3}" width="6" height="6" class="db-dot {css}"/>'
    if marker == "triangle":
        return (
            f'<polygon points="{x},{y - 4} {x - 4},{y + 3} {x + 4},{y + 3}" class="db-dot {css}"/>'
        )
    if marker == "diamond":
        return (
            f'<polygon points="{x},{y - 4} {x + 4},{y} {x},{y + 4} {x - 4},{y}" '
            f'class="db-dot {css}"/>'
        )
    return f'<circle cx="{x}" cy="{y}" r="3" class="db-dot {css}"/>'


def trend_lines_svg(chart) -> SafeString:
    """The line chart's series: a polyline and a marker per point (``charts.LineChart``)."""
    parts = []
    for line in chart.lines:
        css = escape(line.css)
        parts.append(
            f'<polyline points="{escape(line.points)}" fill="none" class="db-line {css}" '
            f'stroke-dasharray="{escape(line.dash)}"/>\n    '
            + "".join(_marker(line.marker, x, y, css) for x, y in line.dots)
        )
    return mark_safe("\n    ".join(parts))


def with_bar_svg(chart):
    """Sets ``chart.svg``: per bar its label, track, bar and text (``charts.BarChart``)."""
    chart.svg = mark_safe(
        "\n    ".join(
            f'<text x="0" y="{bar.text_y}" class="db-bar-label">'
            f"{escape(truncatechars(bar.label, 30))}</text>\n    "
            f'<rect x="{chart.label_width}" y="{bar.y}" width="{chart.area}" '
            f'height="{chart.bar_height}" class="db-bar-track"/>\n    '
            f'<rect x="{chart.label_width}" y="{bar.y}" width="{bar.width}" '
            f'height="{chart.bar_height}" class="db-bar"/>\n    '
            f'<text x="{bar.text_x}" y="{bar.text_y}" class="db-bar-text">{escape(bar.text)}</text>'
            for bar in chart.bars
        )
    )
    return chart
