"""(b) Pain over time on the clinic traffic-light bands: each walk's before/peak/after and
morning pain, and the same data as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from walkrx.reports.charts.axes import _Axis, _date_axis, _draw_date_ticks, _x_baseline
from walkrx.reports.charts.primitives import (
    AMBER_FILL,
    AMBER_INK,
    BLUE,
    GREEN_FILL,
    GREEN_INK,
    MARGIN_RIGHT,
    MUTED,
    PURPLE,
    RED_FILL,
    RED_INK,
    SMALL,
    WIDTH,
    _Chart,
    _day_label,
    _el,
    _empty,
    _esc,
    _finite,
    _Legend,
    _points,
    _text,
    table_html,
)
from walkrx.reports.charts.series import PainPointLike

PAIN_BANDS = (  # (low, high, fill, ink, label): the clinic traffic light, spec section 5
    (0.0, 3.5, GREEN_FILL, GREEN_INK, "0–3 low"),
    (3.5, 5.5, AMBER_FILL, AMBER_INK, "4–5 moderate"),
    (5.5, 10.0, RED_FILL, RED_INK, "6+ high"),
)
STATUS_WORDS = {
    "green": "green, walking did not aggravate the pain",
    "amber": "amber, worth a hold and a look",
    "red": "red, walking flared the pain",
}


def _pain_value(value: int | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return min(10.0, max(0.0, float(value)))


def _walk_words(p: PainPointLike) -> str:
    bits = []
    for name, value in (("before", p.before), ("peak", p.peak), ("after", p.after)):
        if value is not None:
            bits.append(f"{value} {name}" if name != "peak" else f"peak {value}")
    if p.next_morning is not None:
        bits.append(f"{p.next_morning} next morning")
    text = ", ".join(bits) if bits else "no pain ratings"
    status = STATUS_WORDS.get(p.status)
    return f"{text} ({status})" if status else text


def _pain_desc(points: Sequence[PainPointLike]) -> str:
    walks = [p for p in points if p.kind == "walk"]
    mornings = [p for p in points if p.kind == "morning" and p.morning is not None]
    days = [p.day for p in points]
    parts = [
        f"Pain on a 0 to 10 scale from {_day_label(min(days), True)} to "
        f"{_day_label(max(days), True)}: {len(walks)} walks and {len(mornings)} mornings."
    ]
    if walks:
        last = walks[-1]
        parts.append(f"Latest walk, {_day_label(last.day)}: pain {_walk_words(last)}.")
        red = sum(1 for p in walks if p.status == "red")
        if red:
            parts.append(f"{red} of {len(walks)} walks flared the pain (red).")
    if mornings:
        recent = [p for p in mornings if p.day > mornings[-1].day - timedelta(days=7)]
        mean = sum(_finite(p.morning) for p in recent) / len(recent)
        parts.append(
            f"Morning pain averaged {mean:.1f} over the last week of check-ins "
            f"(latest {mornings[-1].morning} on {_day_label(mornings[-1].day)})."
        )
    return " ".join(parts)


def pain_chart(points: Sequence[PainPointLike], *, id_prefix: str = "pain") -> str:
    """Pain 0-10 over time: each walk's before/peak/after, morning pain as a dashed line."""
    title = "Pain over time"
    usable = [
        p
        for p in points
        if (p.kind == "morning" and p.morning is not None)
        or (p.kind == "walk" and any(v is not None for v in (p.before, p.peak, p.after)))
    ]
    if not usable:
        return _empty(
            id_prefix,
            title,
            "No pain ratings yet. They appear here once you log a walk or a morning check-in.",
        )
    chart = _Chart(id_prefix, title, _pain_desc(usable), height=340)
    # the bands are named in the legend, where no walk's markers can cover their names
    top = (
        chart.legend(
            [
                _Legend("ring", BLUE, "Before walk"),
                _Legend("circle", BLUE, "After walk"),
                _Legend("vee", BLUE, "Peak"),
                _Legend("dashed-line", PURPLE, "Morning pain"),
                *(_Legend("tint", fill, label) for _low, _high, fill, _ink, label in PAIN_BANDS),
            ]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = 32.0, float(WIDTH - MARGIN_RIGHT)
    y = _Axis(0.0, 10.0, bottom, top)
    x, ticks = _date_axis([p.day for p in usable], left, right)
    for low, high, fill, _ink, _label in PAIN_BANDS:
        chart.parts.append(
            _el(
                "rect",
                x=left,
                y=y(high),
                width=right - left,
                height=y(low) - y(high),
                fill=fill,
                class_="pain-band",
            )
        )
    for level in range(11):
        chart.parts.append(
            _el(
                "line",
                x1=left,
                y1=y(level),
                x2=right,
                y2=y(level),
                stroke="#ffffff",
                stroke_width=1.0,
                class_="tick",
                data_value=str(level),
            )
        )
        if level % 2 == 0:
            chart.parts.append(
                _text(
                    left - 5,
                    y(level) + 4,
                    str(level),
                    text_anchor="end",
                    fill=MUTED,
                    font_size=SMALL,
                )
            )
    chart.parts.append(_text(4, top - 14, "pain (0–10)", fill=MUTED, font_size=SMALL))

    # morning pain: a dashed line with square markers, broken across gaps of more than a week
    day_width = abs(x(1.0 + x.d0) - x(x.d0))
    square = 6.0 if day_width >= 6 else 4.0
    mornings = sorted((p for p in usable if p.kind == "morning"), key=lambda p: p.day)
    runs: list[list[tuple[float, float]]] = []
    previous: date | None = None
    for p in mornings:
        value = _pain_value(p.morning)
        if value is None:
            continue
        xy = (x(p.day.toordinal()), y(value))
        if previous is None or (p.day - previous).days > 7:
            runs.append([xy])
        else:
            runs[-1].append(xy)
        previous = p.day
    for run in runs:
        if len(run) > 1:
            chart.parts.append(
                _el(
                    "polyline",
                    points=_points(run),
                    fill="none",
                    stroke=PURPLE,
                    stroke_width=2.0,
                    stroke_dasharray="5 3",
                    stroke_linejoin="round",
                    class_="morning-line",
                )
            )
    for p in mornings:
        value = _pain_value(p.morning)
        if value is None:
            continue
        cx, cy = x(p.day.toordinal()), y(value)
        tip = f"{_day_label(p.day)}: morning pain {p.morning}"
        chart.parts.append(
            _el(
                "rect",
                _el("title", _esc(tip)),
                x=cx - square / 2,
                y=cy - square / 2,
                width=square,
                height=square,
                fill=PURPLE,
                class_="morning",
            )
        )

    # walks: before (ring) -> peak (the vertex) -> after (dot), drawn on top
    offset = max(2.0, min(6.0, day_width * 0.3))
    radius = max(2.2, min(3.5, day_width * 0.4))  # smaller markers when months are shown
    stroke = 2.0 if day_width >= 6 else 1.5
    for p in usable:
        if p.kind != "walk":
            continue
        cx = x(p.day.toordinal())
        before, peak, after = _pain_value(p.before), _pain_value(p.peak), _pain_value(p.after)
        if peak is not None and after is not None and peak == after:
            peak = None  # the peak was right after: no separate vertex
        line = [
            (px, y(v))
            for px, v in ((cx - offset, before), (cx, peak), (cx + offset, after))
            if v is not None
        ]
        tip = f"{_day_label(p.day)} walk: {_walk_words(p)}"
        if p.note:
            tip += f". Note: {p.note}"
        parts = [_el("title", _esc(tip))]
        if len(line) > 1:
            parts.append(
                _el(
                    "polyline",
                    points=_points(line),
                    fill="none",
                    stroke=BLUE,
                    stroke_width=stroke,
                    stroke_linejoin="round",
                )
            )
        if before is not None:
            parts.append(
                _el(
                    "circle",
                    cx=cx - offset,
                    cy=y(before),
                    r=radius,
                    fill="#ffffff",
                    stroke=BLUE,
                    stroke_width=stroke,
                    class_="before",
                )
            )
        if after is not None:
            parts.append(
                _el("circle", cx=cx + offset, cy=y(after), r=radius, fill=BLUE, class_="after")
            )
        elif peak is not None:
            parts.append(_el("circle", cx=cx, cy=y(peak), r=3.0, fill=BLUE, class_="peak"))
        chart.parts.append(_el("g", "".join(parts), class_="walk"))
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, ticks, bottom, "date")
    return chart.render()


def pain_table(points: Sequence[PainPointLike], *, visually_hidden: bool = True) -> str:
    rows = [
        (p.day, "walk", p.before, p.peak, p.after, p.next_morning, p.status, p.note)
        if p.kind == "walk"
        else (p.day, "morning", None, None, None, p.morning, None, None)
        for p in points
    ]
    return table_html(
        "Pain (0–10) by date",
        (
            "Date",
            "Record",
            "Before",
            "Peak",
            "After",
            "Next / this morning",
            "Traffic light",
            "Note",
        ),
        rows,
        visually_hidden=visually_hidden,
    )
