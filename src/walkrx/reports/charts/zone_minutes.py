"""(a) Target-zone minutes per week: stacked bars (heart rate, effort) over the goal band, and
the same data as a table."""

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
    GREEN_FILL,
    GREEN_INK,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    ORANGE,
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
    _text_width,
    table_html,
)
from walkrx.reports.charts.series import ZoneWeekLike


def _goal_phrase(total: float, goal: tuple[int, int] | None) -> str:
    if goal is None:
        return "no weekly goal in this phase"
    low, high = goal
    if total < low:
        where = "just under" if total >= 0.9 * low else "below"
    elif total > high:
        where = "above"
    else:
        where = "within"
    return f"{where} the goal of {low} to {high}"


def _goal_of(point: ZoneWeekLike) -> tuple[int, int] | None:
    if point.goal_min is None or point.goal_max is None:
        return None
    return (point.goal_min, point.goal_max)


def _zone_desc(points: Sequence[ZoneWeekLike]) -> str:
    weeks = [p.week for p in points]
    parts = [f"Target-zone minutes for program weeks {min(weeks)} to {max(weeks)}."]
    done = [p for p in points if p.complete]
    if done:
        p = done[-1]
        measured, effort = _finite(p.measured_min), _finite(p.by_effort_min)
        total = measured + effort
        parts.append(
            f"Week {p.week}: {_round(total)} target-zone minutes ({_round(measured)} by heart "
            f"rate, {_round(effort)} by effort), {_goal_phrase(total, _goal_of(p))}."
        )
    for p in points:
        if not p.complete:
            total = _finite(p.measured_min) + _finite(p.by_effort_min)
            parts.append(f"Week {p.week} so far: {_round(total)} minutes.")
    goals = sorted({g for p in done if (g := _goal_of(p))})
    if done and goals:
        low = goals[0][0]
        met = sum(
            1
            for p in done
            if (g := _goal_of(p)) and g[0] <= _finite(p.measured_min) + _finite(p.by_effort_min)
        )
        with_goal = sum(1 for p in done if _goal_of(p))
        parts.append(
            f"The goal (at least {low} minutes) was reached in {met} of {with_goal} weeks."
        )
    return " ".join(parts)


def zone_minutes_chart(points: Sequence[ZoneWeekLike], *, id_prefix: str = "zone-minutes") -> str:
    """Stacked bars per week (heart rate solid, by effort hatched) over the shaded goal band."""
    title = "Target-zone minutes per week"
    if not points:
        return _empty(
            id_prefix,
            title,
            "No weeks to show yet. Your target-zone minutes appear here once you log walks.",
        )
    if all(not p.complete for p in points) and not any(
        _finite(p.measured_min) + _finite(p.by_effort_min) > 0 for p in points
    ):  # the first week, nothing in the zone yet: words, not an empty axis (issue 14)
        return _empty(
            id_prefix,
            title,
            "No target-zone minutes yet this week. They appear here as you log walks, by heart "
            "rate or by how hard the walk felt.",
        )
    chart = _Chart(id_prefix, title, _zone_desc(points), height=300)
    hatch = chart.id("hatch")
    chart.defs.append(
        f'<pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{ORANGE}" stroke-width="3"/></pattern>'
    )
    goals = [_goal_of(p) for p in points]
    legend = [
        _Legend("swatch", BLUE, "By heart rate"),
        _Legend("hatch", ORANGE, "By effort"),
    ]
    if any(not p.complete for p in points):
        legend.append(_Legend("outline", INK, "Week so far"))
    known = sorted({g for g in goals if g})
    if known:
        legend.append(_Legend("band", GREEN_INK, f"Goal {known[-1][0]}–{known[-1][1]} min"))
    top = chart.legend(legend) + 30
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    measured = [max(0.0, _finite(p.measured_min)) for p in points]
    effort = [max(0.0, _finite(p.by_effort_min)) for p in points]
    highest = max([m + e for m, e in zip(measured, effort, strict=True)] + [g[1] for g in known])
    _, y_end, ticks = _ticks(0, max(highest * 1.08, 10))
    y = _Axis(0.0, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, "minutes")
    slot, every = _week_slots(len(points), left, right)

    # the goal band behind the bars, one rectangle per run of weeks with the same goal
    runs: list[tuple[int, int, tuple[int, int]]] = []
    for i, goal in enumerate(goals):
        if goal is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == goal:
            runs[-1] = (runs[-1][0], i, goal)
        else:
            runs.append((i, i, goal))
    band_labels: list[str] = []
    for first, last, (low, high) in runs:
        x0, x1 = left + slot * first, left + slot * (last + 1)
        y_hi, y_lo = y(high), y(low)
        chart.parts.append(
            _el(
                "rect",
                x=x0,
                y=y_hi,
                width=x1 - x0,
                height=y_lo - y_hi,
                fill=GREEN_FILL,
                class_="goal-band",
                data_goal=f"{low}-{high}",
            )
        )
        for edge in (y_hi, y_lo):
            chart.parts.append(
                _el(
                    "line",
                    x1=x0,
                    y1=edge,
                    x2=x1,
                    y2=edge,
                    stroke=GREEN_INK,
                    stroke_width=1.5,
                    stroke_dasharray="5 3",
                )
            )
        label = f"Goal {low}–{high}"
        if _text_width(label, SMALL) < x1 - x0 - 4:
            band_labels.append(
                _halo_text(
                    x0 + 4, y_hi + 13, label, fill=GREEN_INK, font_size=SMALL, font_weight="bold"
                )
            )

    bar_width = min(36.0, slot * 0.62)
    for i, p in enumerate(points):
        cx = left + slot * (i + 0.5)
        x0 = cx - bar_width / 2
        base, mid, peak = y(0), y(measured[i]), y(measured[i] + effort[i])
        total = measured[i] + effort[i]
        state = "" if p.complete else " so far"
        tip = (
            f"Week {p.week}{state}: {_round(total)} target-zone minutes "
            f"({_round(measured[i])} by heart rate, {_round(effort[i])} by effort)"
        )
        bar = [_el("title", _esc(tip))]
        if base - mid > 0:
            bar.append(
                _el(
                    "rect",
                    x=x0,
                    y=mid,
                    width=bar_width,
                    height=base - mid,
                    fill=BLUE,
                    class_="measured",
                )
            )
        if mid - peak > 0:
            bar.append(
                _el(
                    "rect",
                    x=x0,
                    y=peak,
                    width=bar_width,
                    height=mid - peak,
                    fill=f"url(#{hatch})",
                    stroke=ORANGE,
                    stroke_width=1.5,
                    class_="by-effort",
                )
            )
        if not p.complete:
            bar.append(
                _el(
                    "rect",
                    x=x0,
                    y=peak,
                    width=bar_width,
                    height=max(0.0, base - peak),
                    fill="none",
                    stroke=INK,
                    stroke_width=1.0,
                    stroke_dasharray="3 2",
                )
            )
        chart.parts.append(_el("g", "".join(bar), class_="week", data_week=str(p.week)))
    chart.parts.extend(band_labels)
    for i in range(len(points)):
        if slot >= 22:
            cx = left + slot * (i + 0.5)
            total = measured[i] + effort[i]
            chart.parts.append(
                _halo_text(
                    cx,
                    y(total) - 5,
                    str(_round(total)),
                    text_anchor="middle",
                    font_size=SMALL,
                    font_weight="bold",
                )
            )
    _x_baseline(chart, left, right, bottom)
    weeks = [p.week for p in points]
    _draw_week_labels(chart, weeks, slot, every, left, bottom)
    return chart.render()


def zone_minutes_table(points: Sequence[ZoneWeekLike], *, visually_hidden: bool = True) -> str:
    rows = [
        (
            f"{p.week}" + ("" if p.complete else " (so far)"),
            p.measured_min,
            p.by_effort_min,
            _finite(p.measured_min) + _finite(p.by_effort_min),
            f"{p.goal_min}–{p.goal_max}" if _goal_of(p) else None,
        )
        for p in points
    ]
    return table_html(
        "Target-zone minutes per week",
        ("Week", "By heart rate (min)", "By effort (min)", "Total (min)", "Goal (min)"),
        rows,
        visually_hidden=visually_hidden,
    )
