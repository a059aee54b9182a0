"""Scales and axes shared by the charts: rounded ticks, the clamped linear `_Axis`, the value
axis with gridlines, and date and program-week axes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from walkrx.reports.charts.primitives import (
    GRID,
    MARGIN_RIGHT,
    MUTED,
    SMALL,
    WIDTH,
    _Chart,
    _day_label,
    _el,
    _finite,
    _text,
    _text_width,
)


def _nice_step(span: float, target: int) -> float:
    raw = max(span, 1e-9) / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _ticks(low: float, high: float, target: int = 5) -> tuple[float, float, list[float]]:
    """A rounded range covering low..high and its ticks."""
    if high <= low:
        high = low + 1
    step = _nice_step(high - low, target)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    count = round((end - start) / step)
    return start, end, [start + i * step for i in range(count + 1)]


def _tick_label(value: float, step: float) -> str:
    decimals = 0
    while decimals < 4 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text


@dataclass(frozen=True)
class _Axis:
    """A linear map from data to viewBox units, clamped to the plot so nothing leaves the chart."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        span = self.d1 - self.d0
        t = (_finite(value, self.d0) - self.d0) / span if span else 0.0
        t = min(1.0, max(0.0, t))
        return self.r0 + t * (self.r1 - self.r0)


def _y_axis(
    chart: _Chart, axis: _Axis, ticks: Sequence[float], left: float, right: float, unit: str
) -> None:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for value in ticks:
        y = axis(value)
        chart.parts.append(
            _el(
                "line",
                x1=left,
                y1=y,
                x2=right,
                y2=y,
                stroke=GRID,
                class_="tick",
                data_value=_tick_label(value, step),
            )
        )
        chart.parts.append(
            _text(
                left - 5,
                y + 4,
                _tick_label(value, step),
                text_anchor="end",
                fill=MUTED,
                font_size=SMALL,
            )
        )
    top = min(axis.r0, axis.r1)
    chart.parts.append(_text(4, top - 14, unit, fill=MUTED, font_size=SMALL))


def _x_baseline(chart: _Chart, left: float, right: float, y: float) -> None:
    chart.parts.append(_el("line", x1=left, y1=y, x2=right, y2=y, stroke=MUTED, stroke_width=1.0))


def _date_axis(days: Sequence[date], left: float, right: float) -> tuple[_Axis, list[date]]:
    first, last = min(days), max(days)
    d0 = first.toordinal() - 1
    d1 = last.toordinal() + 1
    span = d1 - d0
    max_ticks = max(2, int((right - left) // (86 if first.year != last.year else 64)))
    steps = (1, 2, 7, 14, 28, 56, 91, 182, 364)
    step = next((s for s in steps if span / s <= max_ticks), math.ceil(span / max_ticks))
    ticks = [first + timedelta(days=i * step) for i in range((last - first).days // step + 1)]
    return _Axis(float(d0), float(d1), left, right), ticks


TICK_LABEL_DY = SMALL + 4  # below the baseline: the tick labels, then the axis's name
AXIS_NAME_DY = 2 * SMALL + 9


def _anchor(x: float, text: str, left: float, right: float) -> tuple[float, str]:
    """Where a label centred on `x` goes: kept inside left..right, clear of the value axis's
    labels at the left and of the chart's edge at the right."""
    half = _text_width(text, SMALL) / 2
    if x - half < left:
        return max(x - 4, left - 4), "start"
    if x + half > right:
        return min(x + 4, right + 4), "end"
    return x, "middle"


def _draw_date_ticks(
    chart: _Chart, axis: _Axis, ticks: Sequence[date], baseline: float, label: str
) -> None:
    years = {t.year for t in ticks}
    for tick in ticks:
        x = axis(tick.toordinal())
        chart.parts.append(_el("line", x1=x, y1=baseline, x2=x, y2=baseline + 4, stroke=MUTED))
        text = _day_label(tick, len(years) > 1)
        at, anchor = _anchor(x, text, axis.r0, axis.r1)
        chart.parts.append(
            _text(
                at, baseline + TICK_LABEL_DY, text, text_anchor=anchor, fill=MUTED, font_size=SMALL
            )
        )
    chart.parts.append(
        _text(
            (axis.r0 + axis.r1) / 2,
            baseline + AXIS_NAME_DY,
            label,
            text_anchor="middle",
            fill=MUTED,
            font_size=SMALL,
        )
    )


def _week_slots(count: int, left: float, right: float) -> tuple[float, int]:
    """The width of one week's slot, and label every n-th week so labels never collide."""
    slot = (right - left) / count
    every = max(1, math.ceil(26 / slot))
    return slot, every


def _draw_week_labels(
    chart: _Chart, weeks: Sequence[int], slot: float, every: int, left: float, baseline: float
) -> None:
    for i, week in enumerate(weeks):
        if i % every and i != len(weeks) - 1:
            continue
        if i != len(weeks) - 1 and len(weeks) - 1 - i < every and i % every == 0 and i:
            continue  # keep the last label clear of its neighbour
        x = left + slot * (i + 0.5)
        chart.parts.append(
            _text(
                x,
                baseline + TICK_LABEL_DY,
                str(week),
                text_anchor="middle",
                fill=MUTED,
                font_size=SMALL,
            )
        )
    chart.parts.append(
        _text(
            (left + WIDTH - MARGIN_RIGHT) / 2,
            baseline + AXIS_NAME_DY,
            "program week",
            text_anchor="middle",
            fill=MUTED,
            font_size=SMALL,
        )
    )
