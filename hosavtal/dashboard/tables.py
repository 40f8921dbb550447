"""Table bodies of the dashboard's longer lists, written in Python.

The same markup through template loops (a ``{% url %}``, filters and attribute lookups per
cell) cost more than the figures behind it (the bench's "styrgruppens översikt (utan cache)").
Markup is built only with ``format_html`` / ``format_html_join``, which escape every value.
"""

from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.templatetags.portal import isodatum, procent


def _link_pattern(name: str, *samples) -> str:
    """One ``reverse`` for a whole list: the URL with ``{}`` where each sample argument was."""
    url = reverse(name, args=samples)
    for sample in samples:
        url = url.replace(str(sample), "{}", 1)
    return url


def decision_rows(lines) -> SafeString:
    pattern = _link_pattern("agreements:party_detail", "s-l-u-g")
    return format_html_join(
        "\n",
        '<tr><td>{}</td><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        (
            (
                isodatum(line.decided_on),
                pattern.format(line.party_slug),
                line.party_name,
                "; ".join(str(a) for a in line.agreements),
                line.outcome,
                isodatum(line.recorded_at),
            )
            for line in lines
        ),
    )


def completed_party_rows(by_party: list[dict]) -> SafeString:
    pattern = _link_pattern("implementation:party", "s-l-u-g")
    return format_html_join(
        "",
        '<tr><th scope="row"><a href="{}">{}</a></th><td class="text-end">{}</td></tr>',
        (
            (pattern.format(row["unit__party__slug"]), row["unit__party__name"], row["n"])
            for row in by_party
        ),
    )


def completed_recent_rows(progress) -> SafeString:
    pattern = _link_pattern("implementation:unit", "p-a-r-t-y", "u-n-i-t")
    return format_html_join(
        "",
        '<tr><td>{}</td><th scope="row"><a href="{}">{}</a>, {}</th><td>{}</td></tr>',
        (
            (
                isodatum(p.status_changed_at),
                pattern.format(p.unit.party.slug, p.unit.slug),
                p.unit.name,
                p.unit.party.name,
                truncatechars(p.responsibility.title, 90),
            )
            for p in progress
        ),
    )


def case_event_rows(events) -> SafeString:
    pattern = _link_pattern("escalation:detail", 987654321)
    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td><th scope="row"><a href="{}">{} {}</a></th>'
        "<td>{} – {}</td></tr>",
        (
            (
                isodatum(ev.created_at),
                f"{ev.get_kind_display()} ({ev.step_name})"
                if ev.step_name
                else ev.get_kind_display(),
                pattern.format(ev.case_id),
                ev.case.reference,
                truncatechars(ev.case.title, 60),
                ev.case.reporting_party.name,
                ev.case.receiving_party.name,
            )
            for ev in events
        ),
    )


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
        cells = format_html_join(
            "",
            '<td class="text-end">{}</td><td class="text-end">{}</td>',
            entry["cells"],
        )
        entry["html"] = format_html(
            '<th scope="row"><a href="{}">{}</a></th>\n'
            '        <td class="text-nowrap">{}</td>\n'
            '        <td class="text-end text-nowrap">{}</td>\n        {}',
            pattern.format(conference.slug),
            conference.title,
            isodatum(conference.date) or "–",
            seats,
            cells,
        )


def trend_table_rows(rows) -> SafeString:
    return format_html_join(
        "\n",
        '<tr><th scope="row" class="text-nowrap">{}</th>{}</tr>',
        (
            (
                isodatum(row["week"]),
                format_html_join(
                    "", '<td class="text-end">{}</td>', ((procent(v),) for v in row["values"])
                ),
            )
            for row in rows
        ),
    )


def _marker(marker: str, x: int, y: int, css: str) -> SafeString:
    if marker == "square":
        return format_html(
            '<rect x="{}" y="{}" width="6" height="6" class="db-dot {}"/>', x - 3, y - 3, css
        )
    if marker == "triangle":
        return format_html(
            '<polygon points="{},{} {},{} {},{}" class="db-dot {}"/>',
            x,
            y - 4,
            x - 4,
            y + 3,
            x + 4,
            y + 3,
            css,
        )
    if marker == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" class="db-dot {}"/>',
            x,
            y - 4,
            x + 4,
            y,
            x,
            y + 4,
            x - 4,
            y,
            css,
        )
    return format_html('<circle cx="{}" cy="{}" r="3" class="db-dot {}"/>', x, y, css)


def trend_lines_svg(chart) -> SafeString:
    """The line chart's series: a polyline and a marker per point (``charts.LineChart``)."""
    return format_html_join(
        "\n    ",
        '<polyline points="{}" fill="none" class="db-line {}" stroke-dasharray="{}"/>\n    {}',
        (
            (
                line.points,
                line.css,
                line.dash,
                format_html_join(
                    "", "{}", ((_marker(line.marker, x, y, line.css),) for x, y in line.dots)
                ),
            )
            for line in chart.lines
        ),
    )


def with_bar_svg(chart):
    """Sets ``chart.svg``: per bar its label, track, bar and text (``charts.BarChart``)."""
    chart.svg = format_html_join(
        "\n    ",
        '<text x="0" y="{}" class="db-bar-label">{}</text>\n    '
        '<rect x="{}" y="{}" width="{}" height="{}" class="db-bar-track"/>\n    '
        '<rect x="{}" y="{}" width="{}" height="{}" class="db-bar"/>\n    '
        '<text x="{}" y="{}" class="db-bar-text">{}</text>',
        (
            (
                bar.text_y,
                truncatechars(bar.label, 30),
                chart.label_width,
                bar.y,
                chart.area,
                chart.bar_height,
                chart.label_width,
                bar.y,
                bar.width,
                chart.bar_height,
                bar.text_x,
                bar.text_y,
                bar.text,
            )
            for bar in chart.bars
        ),
    )
