"""(e) One walk's heart rate over time in minutes, the target band shaded and pauses left open."""

from __future__ import annotations

import math

from walkrx.reports.charts.axes import _Axis, _tick_label, _ticks, _x_baseline, _y_axis
from walkrx.reports.charts.primitives import (
    GREEN_FILL,
    GREEN_INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    RED_INK,
    SMALL,
    WIDTH,
    _Chart,
    _el,
    _empty,
    _finite,
    _halo_text,
    _Legend,
    _points,
    _round,
    _text,
)
from walkrx.reports.charts.series import TraceLike

PAUSE_GAP_S = 30  # spec section 9: a gap longer than this between samples is a pause
MAX_TRACE_POINTS = 900


def _trace_segments(trace: TraceLike) -> list[list[tuple[float, float]]]:
    """(seconds, bpm) runs, split where heart rate is missing or samples are a pause apart."""
    segments: list[list[tuple[float, float]]] = []
    previous_t: float | None = None
    current: list[tuple[float, float]] = []
    for t, hr in zip(trace.t_s, trace.hr_bpm, strict=False):
        if not math.isfinite(t) or hr is None or not math.isfinite(hr):
            if current:
                segments.append(current)
            current, previous_t = [], None
            continue
        if previous_t is not None and (t - previous_t > PAUSE_GAP_S or t < previous_t):
            segments.append(current)
            current = []
        current.append((_finite(t), _finite(hr)))
        previous_t = t
    if current:
        segments.append(current)
    total = sum(len(s) for s in segments)
    stride = max(1, math.ceil(total / MAX_TRACE_POINTS))
    if stride > 1:  # thin long recordings; each run keeps its first and last sample
        segments = [s[::stride] + ([s[-1]] if (len(s) - 1) % stride else []) for s in segments]
    return segments


def _trace_desc(segments: list[list[tuple[float, float]]], band: tuple[int, int] | None) -> str:
    samples = [hr for s in segments for _, hr in s]
    start = min(t for s in segments for t, _ in s)
    end = max(t for s in segments for t, _ in s)
    minutes = _round((end - start) / 60)
    parts = [
        f"Heart rate over {minutes} minutes: {_round(min(samples))} to {_round(max(samples))} "
        f"beats per minute, average {_round(sum(samples) / len(samples))}."
    ]
    if band:
        inside = sum(1 for hr in samples if band[0] <= hr <= band[1])
        share = _round(inside / len(samples) * 100)
        parts.append(f"About {share}% of readings were in the {band[0]} to {band[1]} target band.")
    if len(segments) > 1:
        gaps = len(segments) - 1
        parts.append(f"{gaps} {'gap' if gaps == 1 else 'gaps'} (pauses or missing readings).")
    return " ".join(parts)


def hr_trace_chart(trace: TraceLike | None, *, id_prefix: str = "hr-trace") -> str:
    """A walk's heart rate over time (minutes), with the target band shaded and pauses left open."""
    title = "Heart rate during the walk"
    segments = _trace_segments(trace) if trace is not None else []
    if not segments:
        return _empty(
            id_prefix,
            title,
            "No heart-rate samples for this walk. Import the watch file to see its heart rate.",
        )
    band = trace.band_bpm if trace is not None else None
    chart = _Chart(id_prefix, title, _trace_desc(segments, band), height=280)
    legend = [_Legend("line", RED_INK, "Heart rate")]
    if band:
        legend.append(_Legend("band", GREEN_INK, f"Target {band[0]}–{band[1]} bpm"))
    top = chart.legend(legend) + 30
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    times = [t for s in segments for t, _ in s]
    rates = [hr for s in segments for _, hr in s]
    t0 = min(times)
    low, high = min(rates), max(rates)
    if band:
        low, high = min(low, band[0]), max(high, band[1])
    y_start, y_end, ticks = _ticks(low - 8, high + 8, 5)
    y = _Axis(y_start, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, "bpm")
    _, x_end, x_ticks = _ticks(0, max((max(times) - t0) / 60, 1.0), 6)
    x = _Axis(0.0, x_end, left, right)
    if band:
        y_hi, y_lo = y(band[1]), y(band[0])
        chart.parts.append(
            _el(
                "rect",
                x=left,
                y=y_hi,
                width=right - left,
                height=y_lo - y_hi,
                fill=GREEN_FILL,
                class_="target-band",
            )
        )
        for edge in (y_hi, y_lo):
            chart.parts.append(
                _el(
                    "line",
                    x1=left,
                    y1=edge,
                    x2=right,
                    y2=edge,
                    stroke=GREEN_INK,
                    stroke_width=1.5,
                    stroke_dasharray="5 3",
                )
            )
    for segment in segments:
        coords = [(x((t - t0) / 60), y(hr)) for t, hr in segment]
        if len(coords) > 1:
            chart.parts.append(
                _el(
                    "polyline",
                    points=_points(coords),
                    fill="none",
                    stroke=RED_INK,
                    stroke_width=2.0,
                    stroke_linejoin="round",
                    class_="hr",
                )
            )
        else:
            chart.parts.append(
                _el("circle", cx=coords[0][0], cy=coords[0][1], r=2.0, fill=RED_INK, class_="hr")
            )
    if band:
        chart.parts.append(
            _halo_text(
                left + 4,
                y(band[1]) + 13,
                f"target {band[0]}–{band[1]}",
                fill=GREEN_INK,
                font_size=SMALL,
                font_weight="bold",
            )
        )
    _x_baseline(chart, left, right, bottom)
    step = x_ticks[1] - x_ticks[0] if len(x_ticks) > 1 else 1.0
    for value in x_ticks:
        px = x(value)
        chart.parts.append(_el("line", x1=px, y1=bottom, x2=px, y2=bottom + 4, stroke=MUTED))
        chart.parts.append(
            _text(
                px,
                bottom + 17,
                _tick_label(value, step),
                text_anchor="middle",
                fill=MUTED,
                font_size=SMALL,
            )
        )
    chart.parts.append(
        _text(
            (left + right) / 2,
            bottom + 32,
            "minutes from the start",
            text_anchor="middle",
            fill=MUTED,
            font_size=SMALL,
        )
    )
    return chart.render()
