"""(d) Prescription against what was done: the prescribed weekly range and the minutes walked,
and the same data as a table."""

from __future__ import annotations

from collections.abc import Sequence

from walkrx.reports.charts.axes import (
    _Axis,
    _draw_week_labels,
    _ticks,
    _week_slots,
    _x_baseline,
    _y_axis,
)
from walkrx.reports.charts.primitives import (
    BLUE,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    RANGE_FILL,
    SLATE,
    SMALL,
    WIDTH,
    _Chart,
    _el,
    _empty,
    _esc,
    _finite,
    _halo_text,
    _Legend,
    _round,
    table_html,
)
from walkrx.reports.charts.series import RxPointLike


def _range_phrase(done: float, low: float, high: float) -> str:
    if done < low:
        return "below the prescribed range"
    if done > high:
        return "above the prescribed range"
    return "within the prescribed range"


def _rx_desc(points: Sequence[RxPointLike]) -> str:
    weeks = [p.week for p in points]
    inside = sum(
        1
        for p in points
        if p.prescribed_min_total <= _finite(p.minutes_done) <= p.prescribed_max_total
    )
    last = points[-1]
    done = _finite(last.minutes_done)
    return (
        f"Minutes walked against the prescribed range for program weeks {min(weeks)} to "
        f"{max(weeks)}: {inside} of {len(points)} weeks were within the range. "
        f"Week {last.week}: {_round(done)} minutes walked, prescribed "
        f"{last.prescribed_min_total} to {last.prescribed_max_total} "
        f"({last.walks_counted} walks counted, {last.walks_min} to {last.walks_max} prescribed), "
        f"{_range_phrase(done, last.prescribed_min_total, last.prescribed_max_total)}."
    )


def prescription_chart(points: Sequence[RxPointLike], *, id_prefix: str = "prescription") -> str:
    """Per completed week: the prescribed min-max total as a band, minutes walked as a bar."""
    title = "Prescribed and walked minutes per week"
    if not points:
        return _empty(
            id_prefix,
            title,
            "No completed weeks yet. After your first program week this shows what was "
            "prescribed and what you walked.",
        )
    chart = _Chart(id_prefix, title, _rx_desc(points), height=300)
    top = (
        chart.legend(
            [_Legend("range", SLATE, "Prescribed range"), _Legend("swatch", BLUE, "Minutes walked")]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    done = [max(0.0, _finite(p.minutes_done)) for p in points]
    lows = [max(0.0, _finite(p.prescribed_min_total)) for p in points]
    highs = [max(lo, _finite(p.prescribed_max_total)) for lo, p in zip(lows, points, strict=True)]
    _, y_end, ticks = _ticks(0, max([*done, *highs, 10.0]) * 1.08)
    y = _Axis(0.0, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, "minutes")
    slot, every = _week_slots(len(points), left, right)
    band_width = slot * 0.8
    bar_width = min(24.0, slot * 0.4)
    for i, p in enumerate(points):
        cx = left + slot * (i + 0.5)
        y_hi, y_lo = y(highs[i]), y(lows[i])
        bx = cx - band_width / 2
        tip = (
            f"Week {p.week}: {_round(done[i])} minutes walked, prescribed "
            f"{p.prescribed_min_total} to {p.prescribed_max_total}; {p.walks_counted} walks "
            f"counted of {p.walks_min} to {p.walks_max}"
        )
        parts = [
            _el("title", _esc(tip)),
            _el(
                "rect",
                x=bx,
                y=y_hi,
                width=band_width,
                height=y_lo - y_hi,
                fill=RANGE_FILL,
                class_="rx-range",
            ),
            _el(
                "line",
                x1=bx,
                y1=y_hi,
                x2=bx + band_width,
                y2=y_hi,
                stroke=SLATE,
                stroke_width=2.0,
                class_="rx-max",
            ),
            _el(
                "line",
                x1=bx,
                y1=y_lo,
                x2=bx + band_width,
                y2=y_lo,
                stroke=SLATE,
                stroke_width=2.0,
                stroke_dasharray="4 2",
                class_="rx-min",
            ),
        ]
        bar_top = y(done[i])
        if y(0) - bar_top > 0:
            parts.append(
                _el(
                    "rect",
                    x=cx - bar_width / 2,
                    y=bar_top,
                    width=bar_width,
                    height=y(0) - bar_top,
                    fill=BLUE,
                    class_="done",
                )
            )
        chart.parts.append(_el("g", "".join(parts), class_="week", data_week=str(p.week)))
    if slot >= 22:
        for i in range(len(points)):
            cx = left + slot * (i + 0.5)
            label_y = y(done[i]) - 5
            chart.parts.append(
                _halo_text(
                    cx,
                    label_y,
                    str(_round(done[i])),
                    text_anchor="middle",
                    font_size=SMALL,
                    font_weight="bold",
                )
            )
    _x_baseline(chart, left, right, bottom)
    _draw_week_labels(chart, [p.week for p in points], slot, every, left, bottom)
    return chart.render()


def prescription_table(points: Sequence[RxPointLike], *, visually_hidden: bool = True) -> str:
    rows = [
        (
            p.week,
            f"{p.prescribed_min_total}–{p.prescribed_max_total}",
            p.minutes_done,
            f"{p.walks_min}–{p.walks_max}",
            p.walks_counted,
        )
        for p in points
    ]
    return table_html(
        "Prescribed and walked minutes per week",
        ("Week", "Prescribed (min)", "Walked (min)", "Walks prescribed", "Walks counted"),
        rows,
        visually_hidden=visually_hidden,
    )
