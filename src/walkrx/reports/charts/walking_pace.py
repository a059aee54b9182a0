"""(e) Walking pace (issue 15): each walk's moving pace over time against the moderate pace band,
shaded, in the person's units, and the same data as a table.

The points arrive in km/h with their verdicts (computed once, on the canonical km/h value, by
`walkrx.domain.pace`); only the drawing converts to mph. Shapes tell the verdicts apart without
colour: a filled circle in the band, a ring below it, a square above it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from walkrx.domain.units import speed_unit, speed_value
from walkrx.reports.charts.axes import (
    _Axis,
    _date_axis,
    _draw_date_ticks,
    _ticks,
    _x_baseline,
    _y_axis,
)
from walkrx.reports.charts.primitives import (
    BLUE,
    GREEN_FILL,
    GREEN_INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    ORANGE,
    SMALL,
    WIDTH,
    _Chart,
    _day_label,
    _el,
    _empty,
    _esc,
    _halo_text,
    _Legend,
    table_html,
)
from walkrx.reports.charts.series import PaceWalkLike

WORDS = {"below": "below the band", "in_band": "in the band", "above": "above the band"}


def _value(kmh: float, units: str) -> float:
    return float(speed_value(kmh, units))


def _shown(kmh: float, units: str) -> str:
    return f"{_value(kmh, units):.1f}"


def _desc(points: Sequence[PaceWalkLike], band: tuple[float, float], units: str) -> str:
    unit = speed_unit(units)
    counts = {v: sum(1 for p in points if p.verdict == v) for v in WORDS}
    first, last = points[0], points[-1]
    return (
        f"Moving pace of {len(points)} walks from {_day_label(first.day, True)} to "
        f"{_day_label(last.day, True)}, in {unit}, against the moderate pace band of "
        f"{_shown(band[0], units)} to {_shown(band[1], units)} {unit}, shaded: "
        f"{counts['in_band']} in the band, {counts['below']} below, {counts['above']} above. "
        f"Latest: {_shown(last.kmh, units)} {unit}, {WORDS.get(last.verdict, last.verdict)}. "
        "The band is advice: the heart-rate zone and the talk test guide each walk."
    )


def walking_pace_chart(
    points: Sequence[PaceWalkLike],
    band_kmh: tuple[float, float],
    *,
    units: str = "metric",
    id_prefix: str = "walking-pace",
) -> str:
    """Each walk's moving pace as a marker over the shaded moderate band."""
    title = "Walking pace"
    usable = sorted((p for p in points if math.isfinite(p.kmh)), key=lambda p: p.day)
    if not usable:
        return _empty(
            id_prefix,
            title,
            "No walking pace yet. It needs walks with a distance: from a watch or phone, or "
            "logged with the distance you walked.",
        )
    unit = speed_unit(units)
    chart = _Chart(id_prefix, title, _desc(usable, band_kmh, units), height=280)
    top = (
        chart.legend(
            [
                _Legend("band", GREEN_INK, "Moderate band"),
                _Legend("circle", GREEN_INK, "In the band"),
                _Legend("ring", BLUE, "Below"),
                _Legend("square", ORANGE, "Above"),
            ]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    low, high = (_value(edge, units) for edge in band_kmh)
    values = [_value(p.kmh, units) for p in usable] + [low, high]
    pad = max((max(values) - min(values)) * 0.1, 0.2)
    y_start, y_end, ticks = _ticks(max(0.0, min(values) - pad), max(values) + pad, 4)
    y = _Axis(y_start, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, unit)
    chart.parts.append(
        _el(
            "rect",
            x=left,
            y=y(high),
            width=right - left,
            height=max(0.0, y(low) - y(high)),
            fill=GREEN_FILL,
            class_="pace-band",
        )
    )
    for edge in (low, high):
        chart.parts.append(
            _el(
                "line",
                x1=left,
                y1=y(edge),
                x2=right,
                y2=y(edge),
                stroke=GREEN_INK,
                stroke_dasharray="4 2",
                class_="pace-band-edge",
            )
        )
    chart.parts.append(
        _halo_text(
            right - 4,
            y(high) - 4,
            f"{low:.1f}–{high:.1f} {unit}",
            text_anchor="end",
            fill=GREEN_INK,
            font_size=SMALL,
        )
    )
    x, date_ticks = _date_axis([p.day for p in usable], left, right)
    for p in usable:
        cx, cy = x(p.day.toordinal()), y(_value(p.kmh, units))
        tip = _el(
            "title",
            _esc(
                f"{_day_label(p.day)}: {_shown(p.kmh, units)} {unit}, "
                f"{WORDS.get(p.verdict, p.verdict)}"
            ),
        )
        if p.verdict == "above":
            chart.parts.append(
                _el(
                    "rect",
                    tip,
                    x=cx - 4,
                    y=cy - 4,
                    width=8.0,
                    height=8.0,
                    fill=ORANGE,
                    class_="walk above",
                )
            )
        elif p.verdict == "below":
            chart.parts.append(
                _el(
                    "circle",
                    tip,
                    cx=cx,
                    cy=cy,
                    r=4.0,
                    fill="#ffffff",
                    stroke=BLUE,
                    stroke_width=2.0,
                    class_="walk below",
                )
            )
        else:
            chart.parts.append(
                _el("circle", tip, cx=cx, cy=cy, r=4.0, fill=GREEN_INK, class_="walk in_band")
            )
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, date_ticks, bottom, "date")
    return chart.render()


def walking_pace_table(
    points: Sequence[PaceWalkLike],
    band_kmh: tuple[float, float],
    *,
    units: str = "metric",
    visually_hidden: bool = True,
) -> str:
    unit = speed_unit(units)
    rows = [(p.day, _shown(p.kmh, units), WORDS.get(p.verdict, p.verdict)) for p in points]
    low, high = (_shown(edge, units) for edge in band_kmh)
    return table_html(
        f"Walking pace ({unit}; moderate band {low} to {high} {unit})",
        ("Date", f"Moving pace ({unit})", "Against the band"),
        rows,
        visually_hidden=visually_hidden,
    )
