"""(f) A person after the program (issue 13): the minutes walked in a usual week at each follow-up
answer, with the recurrence marked; and everyday activities (the functional scale's mean) and
morning pain on the 0-10 scale over the whole program and after it. Each with its table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

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
    GREEN_INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    ORANGE,
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


class AnswerLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def usual_minutes(self) -> int | None: ...
    @property
    def recurrence(self) -> bool: ...


class ScorePointLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def psfs_mean(self) -> float | None: ...
    @property
    def morning_pain(self) -> int | None: ...


def _ended_line(chart: _Chart, x: _Axis, ended: date | None, top: float, bottom: float) -> None:
    if ended is None:
        return
    cx = x(ended.toordinal())
    chart.parts.append(
        _el("line", x1=cx, y1=top, x2=cx, y2=bottom, stroke=MUTED, stroke_dasharray="5 3")
        + _text(cx + 3, top + 10, "program ended", fill=MUTED, font_size=SMALL, class_="ended")
    )


def walking_kept_chart(
    answers: Sequence[AnswerLike], ended: date | None, *, id_prefix: str = "kept"
) -> str:
    """Bars: minutes walked in a usual week at each answer; a red triangle marks a recurrence."""
    title = "Walking kept up after the program"
    if not answers:
        return _empty(
            id_prefix,
            title,
            "No follow-up answered yet. Each answer adds how much you walk in a usual week.",
        )
    told = [a for a in answers if a.recurrence]
    said = [a for a in answers if a.usual_minutes is not None]
    desc = (
        f"{len(answers)} follow-up answers from {_day_label(answers[0].day, True)} to "
        f"{_day_label(answers[-1].day, True)}"
        + (f"; latest usual week {said[-1].usual_minutes} minutes" if said else "")
        + (
            f"; back pain limited daily activities again (told {_day_label(told[0].day)})"
            if told
            else "; no recurrence told"
        )
        + "."
    )
    chart = _Chart(id_prefix, title, desc, height=260)
    top = (
        chart.legend(
            [
                _Legend("swatch", BLUE, "Minutes in a usual week"),
                _Legend("vee", RED_INK, "Back pain limited activities"),
            ]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    minutes = [max(0.0, _finite(a.usual_minutes)) for a in answers]
    _, y_end, ticks = _ticks(0, max([*minutes, 150.0]) * 1.1)
    y = _Axis(0.0, y_end, bottom, top)
    _y_axis(chart, y, ticks, left, right, "min/week")
    days = [a.day for a in answers] + ([ended] if ended else [])
    x, date_ticks = _date_axis(days, left, right)
    _ended_line(chart, x, ended, top, bottom)
    for a, value in zip(answers, minutes, strict=True):
        cx = x(a.day.toordinal())
        tip = f"{_day_label(a.day)}: " + (
            f"{a.usual_minutes} minutes in a usual week"
            if a.usual_minutes is not None
            else "no minutes given"
        )
        parts = [_el("title", _esc(tip))]
        if a.usual_minutes is not None and y(0) - y(value) > 0:
            parts.append(
                _el("rect", x=cx - 5, y=y(value), width=10.0, height=y(0) - y(value), fill=BLUE)
            )
        if a.recurrence:
            parts.append(
                _el(
                    "polyline",
                    points=_points([(cx - 6, top + 2), (cx, top + 12), (cx + 6, top + 2)]),
                    fill="none",
                    stroke=RED_INK,
                    stroke_width=2.5,
                    class_="recurrence",
                )
            )
        chart.parts.append(_el("g", "".join(parts), class_="answer"))
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, date_ticks, bottom, "date")
    return chart.render()


def walking_kept_table(answers: Sequence[AnswerLike], *, visually_hidden: bool = True) -> str:
    rows = [(a.day, a.usual_minutes, "yes" if a.recurrence else "no") for a in answers]
    return table_html(
        "Follow-up answers after the program",
        ("Date", "Minutes in a usual week", "Back pain limited daily activities"),
        rows,
        visually_hidden=visually_hidden,
    )


def function_chart(
    points: Sequence[ScorePointLike], ended: date | None, *, id_prefix: str = "function"
) -> str:
    """Everyday activities (functional scale mean) and morning pain, both 0-10, over time."""
    title = "Everyday activities and morning pain over time"
    psfs = [(p.day, float(p.psfs_mean)) for p in points if p.psfs_mean is not None]
    pain = [(p.day, float(p.morning_pain)) for p in points if p.morning_pain is not None]
    if not psfs and not pain:
        return _empty(
            id_prefix,
            title,
            "No morning pain or everyday-activity ratings yet: they come from your check-ins.",
        )
    latest = []
    if psfs:
        latest.append(f"everyday activities {psfs[-1][1]:.1f} of 10 on {_day_label(psfs[-1][0])}")
    if pain:
        latest.append(f"morning pain {pain[-1][1]:.0f} of 10 on {_day_label(pain[-1][0])}")
    chart = _Chart(id_prefix, title, "Latest: " + "; ".join(latest) + ".", height=260)
    top = (
        chart.legend(
            [
                _Legend("line", GREEN_INK, "Everyday activities (higher is better)"),
                _Legend("dashed-line", ORANGE, "Morning pain"),
            ]
        )
        + 30
    )
    bottom = chart.height - 44.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    y = _Axis(0.0, 10.0, bottom, top)
    _y_axis(chart, y, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0], left, right, "0-10")
    days = [d for d, _ in psfs + pain] + ([ended] if ended else [])
    x, date_ticks = _date_axis(days, left, right)
    _ended_line(chart, x, ended, top, bottom)
    for series, ink, dash, cls in ((psfs, GREEN_INK, None, "psfs"), (pain, ORANGE, "5 3", "pain")):
        coords = [(x(d.toordinal()), y(v)) for d, v in series]
        if len(coords) > 1:
            chart.parts.append(
                _el(
                    "polyline",
                    points=_points(coords),
                    fill="none",
                    stroke=ink,
                    stroke_width=2.5,
                    stroke_dasharray=dash,
                    class_=cls,
                )
            )
        for cx, cy in coords:
            chart.parts.append(_el("circle", cx=cx, cy=cy, r=3.0, fill=ink, class_=cls))
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, date_ticks, bottom, "date")
    return chart.render()


def function_table(points: Sequence[ScorePointLike], *, visually_hidden: bool = True) -> str:
    rows = [
        (p.day, None if p.psfs_mean is None else f"{p.psfs_mean:.1f}", p.morning_pain)
        for p in points
    ]
    return table_html(
        "Everyday activities and morning pain (0-10)",
        ("Date", "Everyday activities", "Morning pain"),
        rows,
        visually_hidden=visually_hidden,
    )
