"""(c) Pace at the same heart rate: each walk and the rolling median over time, and the same
data as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

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
    _finite,
    _halo_text,
    _Legend,
    _points,
    table_html,
)
from walkrx.reports.charts.series import PacePointLike

# The unit of the figures (issue 15): metres per minute per bpm, or for a walker who reads miles
# the same figures in feet (the caller scales them: 1 m = 3.28084 ft), with their words.
UNIT_WORDS = {
    "m/min per bpm": "metres per minute for each heartbeat per minute",
    "ft/min per bpm": "feet per minute for each heartbeat per minute",
}


def _pace_desc(points: Sequence[PacePointLike], unit: str = "m/min per bpm") -> str:
    first, last = points[0], points[-1]
    parts = [
        f"Pace at the same heart rate, in {UNIT_WORDS.get(unit, unit)}, for "
        f"{len(points)} walks from {_day_label(first.day, True)} to {_day_label(last.day, True)}."
    ]
    start, end = _finite(first.rolling_median), _finite(last.rolling_median)
    if len(points) > 1 and start > 0:
        change = (end - start) / start * 100
        trend = "up" if change >= 0.5 else "down" if change <= -0.5 else "about level"
        amount = f" {abs(change):.0f}%" if trend != "about level" else ""
        parts.append(
            f"The rolling median went from {start:.2f} to {end:.2f}, {trend}{amount}. "
            "Higher means walking faster for the same effort on the heart."
        )
    else:
        parts.append(f"Latest: {_finite(last.pace_hr):.2f}.")
    return " ".join(parts)


def pace_chart(
    points: Sequence[PacePointLike], *, id_prefix: str = "pace", unit: str = "m/min per bpm"
) -> str:
    """Each walk's pace at heart rate as a ring, with the rolling median as a thick line."""
    title = "Pace at the same heart rate"
    usable = sorted(
        (p for p in points if math.isfinite(p.pace_hr) and math.isfinite(p.rolling_median)),
        key=lambda p: p.day,
    )
    if not usable:
        return _empty(
            id_prefix,
            title,
            "No pace figures yet. They need walks of 10 minutes or more on the flat with both "
            "distance and heart rate.",
        )
    chart = _Chart(id_prefix, title, _pace_desc(usable, unit), height=280)
    top = (
        chart.legend(
            [_Legend("ring", BLUE, "Each walk"), _Legend("line", ORANGE, "Rolling median")]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    values = [_finite(p.pace_hr) for p in usable] + [_finite(p.rolling_median) for p in usable]
    low, high = min(values), max(values)
    pad = max((high - low) * 0.1, abs(high) * 0.02, 0.01)
    y_start, y_end, ticks = _ticks(low - pad, high + pad, 4)
    y = _Axis(y_start, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, unit)
    x, date_ticks = _date_axis([p.day for p in usable], left, right)
    for p in usable:
        tip = f"{_day_label(p.day)}: {p.pace_hr:.2f} {unit}"
        chart.parts.append(
            _el(
                "circle",
                _el("title", _esc(tip)),
                cx=x(p.day.toordinal()),
                cy=y(_finite(p.pace_hr)),
                r=3.5,
                fill="#ffffff",
                stroke=BLUE,
                stroke_width=1.5,
                class_="walk",
            )
        )
    median: list[tuple[float, float]] = []
    for p in usable:  # one value per day: the median at the day's last walk
        xy = (x(p.day.toordinal()), y(_finite(p.rolling_median)))
        if median and median[-1][0] == xy[0]:
            median[-1] = xy
        else:
            median.append(xy)
    if len(median) > 1:
        chart.parts.append(
            _el(
                "polyline",
                points=_points(median),
                fill="none",
                stroke=ORANGE,
                stroke_width=3.0,
                stroke_linejoin="round",
                stroke_linecap="round",
                class_="median",
            )
        )
    else:
        cx, cy = median[0]
        chart.parts.append(
            _el(
                "line",
                x1=cx - 8,
                y1=cy,
                x2=cx + 8,
                y2=cy,
                stroke=ORANGE,
                stroke_width=3.0,
                class_="median",
            )
        )
    last = usable[-1]
    chart.parts.append(
        _halo_text(
            x(last.day.toordinal()),
            y(last.rolling_median) - 8,
            f"{last.rolling_median:.2f}",
            text_anchor="end",
            fill=ORANGE,
            font_size=SMALL,
            font_weight="bold",
        )
    )
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, date_ticks, bottom, "date")
    return chart.render()


def pace_table(
    points: Sequence[PacePointLike], *, visually_hidden: bool = True, unit: str = "m/min per bpm"
) -> str:
    rows = [(p.day, f"{p.pace_hr:.2f}", f"{p.rolling_median:.2f}") for p in points]
    return table_html(
        f"Pace at the same heart rate ({unit})",
        ("Date", "Walk", "Rolling median"),
        rows,
        visually_hidden=visually_hidden,
    )
