"""The ratings trend chart: points and bars where the axes say, escaped text, an empty period."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from desk.charts import ChartPoint, ChartText, render_trend

SVG = "{http://www.w3.org/2000/svg}"
TEXT = ChartText("Trend", "Polecają", "Nie polecają", "Odsetek polecających", "Oceny", "Brak ocen")


def _ticks(root, css: str) -> list[tuple[float, float]]:
    return [
        (float(t.get("data-value")), float(t.get("y")) - 4)
        for t in root.iter(f"{SVG}text")
        if css in (t.get("class") or "")
    ]


def _linear(ticks: list[tuple[float, float]]):
    (v0, y0), (v1, y1) = ticks[0], ticks[-1]
    return lambda v: y0 + (v - v0) * (y1 - y0) / (v1 - v0)


def test_chart_points_and_bars_sit_where_the_axes_say():
    points = [
        ChartPoint("02.11", 40, 2, 95.2),
        ChartPoint("09.11", 0, 0, None),  # a gap in the line
        ChartPoint("16.11", 55, 9, 85.9),
        ChartPoint("23.11", 61, 1, 98.4),
    ]
    root = ET.fromstring(render_trend(points, TEXT))
    assert root.tag == f"{SVG}svg"

    percent_ticks = _ticks(root, "chart-percent-tick")
    assert percent_ticks[0][0] == 70 and percent_ticks[-1][0] == 100  # 10 below the worst, rounded
    to_y = _linear(percent_ticks)
    circles = [c for c in root.iter(f"{SVG}circle") if "chart-point" in c.get("class")]
    assert [c.get("data-label") for c in circles] == ["02.11", "16.11", "23.11"]
    for circle, value in zip(circles, (95.2, 85.9, 98.4), strict=True):
        assert float(circle.get("data-percent")) == value
        assert float(circle.get("cy")) == pytest.approx(to_y(value), abs=0.11)
    assert len([p for p in root.iter(f"{SVG}polyline")]) == 1  # the gap splits 1 point off: no 1-point line

    count_ticks = _ticks(root, "chart-count-tick")
    assert count_ticks[0][0] == 0 and count_ticks[-1][0] >= 64
    count_y = _linear(count_ticks)
    bars = [r for r in root.iter(f"{SVG}rect") if "chart-bar " in (r.get("class") or "") + " "]
    tallest = max(bars, key=lambda r: float(r.get("height")))
    assert int(tallest.get("data-value")) == 61
    assert float(tallest.get("y")) + float(tallest.get("height")) == pytest.approx(count_y(0), abs=0.2)
    assert float(tallest.get("y")) == pytest.approx(count_y(61), abs=0.2)
    labels = [t.text for t in root.iter(f"{SVG}text") if "chart-x-tick" in (t.get("class") or "")]
    assert labels == ["02.11", "09.11", "16.11", "23.11"]


def test_chart_escapes_text_and_says_when_there_is_nothing():
    text = ChartText("A & <b>", "p", "n", "%", "c", "Brak ocen")
    svg = render_trend([ChartPoint("<script>", 0, 0, None)], text)
    root = ET.fromstring(svg)  # well-formed: every text escaped
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert any(t.text == "Brak ocen" for t in root.iter(f"{SVG}text"))
