"""Geometry for the server-rendered SVG charts (no chart library, no inline styles).

Every chart is drawn from numbers that the page also shows in a table; the SVG carries its
own text labels, and series differ in dash pattern and marker as well as colour.
"""

from dataclasses import dataclass

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 230
BAR_AREA = 360
VALUE_WIDTH = 170


@dataclass
class Bar:
    label: str
    text: str
    y: int
    width: int
    text_x: int
    text_y: int


@dataclass
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    area: int = BAR_AREA
    svg: str = ""  # the bars' markup (``tables.with_bar_svg``)


def bar_chart(rows: list[tuple[str, float, float, str]]) -> BarChart:
    """Horizontal bars: (label, value, scale maximum, text shown after the bar)."""
    bars = []
    for index, (label, value, maximum, text) in enumerate(rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(BAR_AREA * value / maximum) if maximum else 0
        width = max(0, min(BAR_AREA, width))
        bars.append(Bar(label, text, y, width, LABEL_WIDTH + BAR_AREA + 8, y + BAR_HEIGHT - 6))
    height = max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(bars, LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height)


# --- line chart ------------------------------------------------------------------------------------
LINE_WIDTH = 760
LINE_HEIGHT = 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 12, 36
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4", "1 3")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")


@dataclass
class Line:
    label: str
    points: str  # "x,y x,y …" for <polyline points>
    dots: list[tuple[int, int]]
    css: str
    dash: str
    marker: str
    last: str  # the latest value as text


@dataclass
class LineChart:
    lines: list[Line]
    x_ticks: list[tuple[int, str]]
    y_ticks: list[tuple[int, str]]
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT
    left: int = PAD_LEFT
    right: int = LINE_WIDTH - PAD_RIGHT
    top: int = PAD_TOP
    bottom: int = LINE_HEIGHT - PAD_BOTTOM


def _x(index: int, count: int) -> int:
    span = LINE_WIDTH - PAD_LEFT - PAD_RIGHT
    return PAD_LEFT + (round(span * index / (count - 1)) if count > 1 else span // 2)


def _y(share: float) -> int:
    span = LINE_HEIGHT - PAD_TOP - PAD_BOTTOM
    return PAD_TOP + round(span * (1 - share))


def line_chart(labels: list[str], series: list[tuple[str, list[float | None]]]) -> LineChart:
    """Shares (0..1, None for "no data") over the x labels, one line per series."""
    count = len(labels)
    lines = []
    for index, (label, values) in enumerate(series):
        coords = [(_x(i, count), _y(v)) for i, v in enumerate(values) if v is not None]
        latest = next((v for v in reversed(values) if v is not None), None)
        lines.append(
            Line(
                label=label,
                points=" ".join(f"{x},{y}" for x, y in coords),
                dots=coords,
                css=f"serie-{index % len(DASHES)}",
                dash=DASHES[index % len(DASHES)],
                marker=MARKERS[index % len(MARKERS)],
                last="–" if latest is None else f"{round(latest * 100)} %",
            )
        )
    step = max(1, count // 6)
    x_ticks = [(_x(i, count), labels[i]) for i in range(0, count, step)]
    y_ticks = [(_y(v / 100), f"{v} %") for v in (0, 25, 50, 75, 100)]
    return LineChart(lines, x_ticks, y_ticks)
