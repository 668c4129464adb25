"""The ratings trend as a server-side SVG: bars of ratings per period and a line of % recommending.

No JavaScript and no CDN: the markup is computed here from the figures, axes and labels included.
Colours come from CSS classes (the desk's stylesheet), with presentation attributes as a fallback.
A presentation helper for the views: services hand over the figures, the views build the points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 1100, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 52, 28, 46


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the period under the axis, e.g. "12.05" or "05.2026"
    recommended: int
    not_recommended: int
    percent: float | None  # % recommending; None when nothing was counted


@dataclass(frozen=True)
class ChartText:
    """Translated words the chart shows (the caller translates)."""

    title: str
    recommended: str
    not_recommended: str
    percent: str
    count_axis: str
    empty: str


def nice_ceiling(value: float) -> tuple[float, float]:
    """An axis top >= value and its tick step, both round numbers (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 4.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return step * math.ceil(value / step), step


def percent_floor(points: list[ChartPoint]) -> float:
    """The bottom of the % axis: 10 below the worst period rounded down to 10 (0..80), so changes show."""
    values = [p.percent for p in points if p.percent is not None]
    if not values:
        return 0.0
    return float(max(0, min(80, math.floor((min(values) - 10) / 10) * 10)))


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class TrendChart:
    """Scales of one chart; `render()` gives the SVG markup."""

    def __init__(self, points: list[ChartPoint], text: ChartText) -> None:
        self.points = points
        self.text = text
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM
        highest = max((p.recommended + p.not_recommended for p in points), default=0)
        self.count_top, self.count_step = nice_ceiling(highest)
        self.percent_low = percent_floor(points)

    def x(self, index: int) -> float:
        """Centre of the index-th period."""
        return LEFT + self.plot_w * (index + 0.5) / max(len(self.points), 1)

    def y_count(self, value: float) -> float:
        return TOP + self.plot_h * (1 - value / self.count_top)

    def y_percent(self, value: float) -> float:
        return TOP + self.plot_h * (1 - (value - self.percent_low) / (100 - self.percent_low))

    def render(self) -> str:
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="rating-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="rating-chart-title">',
            f'<title id="rating-chart-title">{escape(self.text.title)}</title>',
            *self._grid(),
            *self._bars(),
            *self._line(),
            *self._x_labels(),
            *self._legend(),
        ]
        if not any(p.recommended or p.not_recommended for p in self.points):
            parts.append(f'<text class="chart-empty" x="{WIDTH / 2:.1f}" y="{TOP + self.plot_h / 2:.1f}" '
                         f'text-anchor="middle">{escape(self.text.empty)}</text>')
        parts.append("</svg>")
        return "\n".join(parts)

    def _grid(self) -> list[str]:
        parts = []
        ticks = int(round(self.count_top / self.count_step))
        for n in range(ticks + 1):
            value = n * self.count_step
            y = self.y_count(value)
            parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{LEFT + self.plot_w}" y1="{y:.1f}" '
                         f'y2="{y:.1f}" stroke="#e3e6ea"/>')
            parts.append(f'<text class="chart-tick chart-count-tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
                         f'text-anchor="end" data-value="{_fmt(value)}">{_fmt(value)}</text>')
        step = (100 - self.percent_low) / 4
        for n in range(5):
            value = self.percent_low + n * step
            y = self.y_percent(value)
            parts.append(f'<text class="chart-tick chart-percent-tick" x="{LEFT + self.plot_w + 6}" '
                         f'y="{y + 4:.1f}" data-value="{_fmt(value)}">{_fmt(value)}%</text>')
        bottom = TOP + self.plot_h
        parts += [
            f'<line class="chart-axis" x1="{LEFT}" x2="{LEFT + self.plot_w}" y1="{bottom}" y2="{bottom}" '
            'stroke="#5c6673"/>',
            f'<line class="chart-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#5c6673"/>',
            f'<text class="chart-axis-title" x="{LEFT}" y="{TOP - 10}">{escape(self.text.count_axis)}</text>',
            f'<text class="chart-axis-title" x="{LEFT + self.plot_w}" y="{TOP - 10}" text-anchor="end">'
            f'{escape(self.text.percent)}</text>',
        ]
        return parts

    def _bars(self) -> list[str]:
        parts = []
        width = max(self.plot_w / max(len(self.points), 1) * 0.6, 2)
        for index, point in enumerate(self.points):
            left = self.x(index) - width / 2
            base = TOP + self.plot_h
            for value, css, fill, label in (
                (point.recommended, "chart-bar-positive", "#6bbf84", self.text.recommended),
                (point.not_recommended, "chart-bar-negative", "#e0685f", self.text.not_recommended),
            ):
                if not value:
                    continue
                height = self.plot_h * value / self.count_top
                top = base - height
                parts.append(
                    f'<rect class="chart-bar {css}" x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                    f'height="{height:.1f}" fill="{fill}" data-value="{value}">'
                    f"<title>{escape(point.label)}: {escape(label)} {value}</title></rect>"
                )
                base = top
        return parts

    def _line(self) -> list[str]:
        parts, segment, segments = [], [], []
        for index, point in enumerate(self.points):
            if point.percent is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = self.x(index), self.y_percent(point.percent)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f5fbf" '
                f'data-percent="{_fmt(point.percent)}" data-label="{escape(point.label)}">'
                f"<title>{escape(point.label)}: {_fmt(point.percent)}%</title></circle>"
            )
        if segment:
            segments.append(segment)
        lines = [
            f'<polyline class="chart-line" points="{" ".join(s)}" fill="none" stroke="#1f5fbf" '
            'stroke-width="2"/>'
            for s in segments
            if len(s) > 1
        ]
        return lines + parts

    def _x_labels(self) -> list[str]:
        every = max(1, math.ceil(len(self.points) / 13))
        y = TOP + self.plot_h + 16
        return [
            f'<text class="chart-tick chart-x-tick" x="{self.x(i):.1f}" y="{y:.1f}" text-anchor="middle">'
            f"{escape(p.label)}</text>"
            for i, p in enumerate(self.points)
            if i % every == 0 or i == len(self.points) - 1
        ]

    def _legend(self) -> list[str]:
        y = HEIGHT - 10
        items = (
            ("chart-bar-positive", "#6bbf84", self.text.recommended),
            ("chart-bar-negative", "#e0685f", self.text.not_recommended),
            ("chart-legend-line", "#1f5fbf", self.text.percent),
        )
        parts, x = [], LEFT
        for css, fill, label in items:
            parts.append(f'<rect class="{css}" x="{x}" y="{y - 9}" width="10" height="10" fill="{fill}"/>')
            parts.append(f'<text class="chart-legend" x="{x + 14}" y="{y}">{escape(label)}</text>')
            x += 24 + 7 * len(label)
        return parts


def render_trend(points: list[ChartPoint], text: ChartText) -> str:
    """The SVG markup (safe to embed: every text is escaped)."""
    return TrendChart(points, text).render()
