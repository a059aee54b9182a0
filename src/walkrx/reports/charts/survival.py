"""(e) Time to recurrence after the program (issue 13): the Kaplan-Meier curve of each group as a
step line with its 95 % band, censorings as ticks, the median marked, the number at risk in rows
under the days axis; and the same data as a table. Observational: the chart says so itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from walkrx.reports.charts.axes import _Axis, _ticks, _x_baseline, _y_axis
from walkrx.reports.charts.primitives import (
    BLUE,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    ORANGE,
    PURPLE,
    SLATE,
    SMALL,
    WIDTH,
    _Chart,
    _el,
    _empty,
    _esc,
    _halo_text,
    _Legend,
    _points,
    _text,
    table_html,
)

INKS = (BLUE, ORANGE, PURPLE, SLATE)
DASHES = (None, "7 3", "2 3", "9 3 2 3")  # so that groups differ without colour too
BANDS = ("#dbe4f3", "#f6e1d3", "#eadcf0", "#dfe5ec")


class RowLike(Protocol):
    @property
    def day(self) -> int: ...
    @property
    def at_risk(self) -> int: ...
    @property
    def events(self) -> int: ...
    @property
    def censored(self) -> int: ...
    @property
    def survival(self) -> float: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...


class CurveLike(Protocol):
    @property
    def rows(self) -> Sequence[RowLike]: ...
    @property
    def people(self) -> int: ...
    @property
    def events(self) -> int: ...
    @property
    def median_days(self) -> int | None: ...
    def at_risk_on(self, day: int) -> int: ...


def _median_words(curve: CurveLike) -> str:
    m = curve.median_days
    return f"median {m} days" if m is not None else "median not reached"


def _desc(groups: Sequence[tuple[str, CurveLike]]) -> str:
    parts = [
        "Share of people still without an activity-limiting recurrence of back pain, by days "
        "since their program ended, with its 95 % confidence band."
    ]
    for label, curve in groups:
        last = curve.rows[-1]
        parts.append(
            f"{label}: {curve.people} people, {curve.events} recurrences, "
            f"{_median_words(curve)}; {round(last.survival * 100)} % still without one at day "
            f"{last.day}."
        )
    parts.append("Observational: not a trial result.")
    return " ".join(parts)


def _steps(rows: Sequence[RowLike], value: str, end: int) -> list[tuple[int, float]]:
    """A right-continuous step line through (day, value) rows, held to `end`."""
    coords: list[tuple[int, float]] = []
    level = 1.0
    for row in rows:
        v = getattr(row, value)
        if v is None:
            continue
        coords += [(row.day, level), (row.day, float(v))]
        level = float(v)
    coords.append((end, level))
    return coords


def survival_chart(groups: Sequence[tuple[str, CurveLike]], *, id_prefix: str = "survival") -> str:
    """One step line per (label, curve), at most four, with their bands and numbers at risk."""
    title = "Time to a recurrence after the program"
    shown = [(label, c) for label, c in groups if c.rows][: len(INKS)]
    if not shown:
        return _empty(
            id_prefix,
            title,
            "No follow-up answered yet. The curve appears once patients whose program ended "
            "have answered a follow-up.",
        )
    rows_height = 18 * (len(shown) + 1)
    chart = _Chart(id_prefix, title, _desc(shown), height=300 + rows_height)
    legend = [
        _Legend("dashed-line" if DASHES[i] else "line", INKS[i], f"{label} ({_median_words(c)})")
        for i, (label, c) in enumerate(shown)
    ]
    top = chart.legend([*legend, _Legend("range", SLATE, "95 % band")]) + 26
    bottom = top + 190.0
    left, right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    last_day = max(c.rows[-1].day for _, c in shown)
    _, x_end, x_ticks = _ticks(0, max(last_day, 30), target=5)
    x = _Axis(0.0, x_end, left, right)
    y = _Axis(0.0, 1.0, bottom, top)
    _y_axis(chart, y, [0.0, 0.25, 0.5, 0.75, 1.0], left, right, "share without a recurrence")
    for i, (_, curve) in enumerate(shown):
        highs = _steps(curve.rows, "high", curve.rows[-1].day)
        lows = _steps(curve.rows, "low", curve.rows[-1].day)
        band = [(x(d), y(v)) for d, v in highs] + [(x(d), y(v)) for d, v in reversed(lows)]
        chart.parts.append(
            _el("polygon", points=_points(band), fill=BANDS[i], fill_opacity="0.8", class_="band")
        )
    chart.parts.append(
        _el(
            "line",
            x1=left,
            y1=y(0.5),
            x2=right,
            y2=y(0.5),
            stroke=MUTED,
            stroke_dasharray="3 3",
            class_="half",
        )
    )
    for i, (label, curve) in enumerate(shown):
        line = [(x(d), y(v)) for d, v in _steps(curve.rows, "survival", curve.rows[-1].day)]
        parts = [
            _el("title", _esc(f"{label}: {_median_words(curve)}")),
            _el(
                "polyline",
                points=_points(line),
                fill="none",
                stroke=INKS[i],
                stroke_width=2.5,
                stroke_dasharray=DASHES[i],
                class_="km",
            ),
        ]
        for row in curve.rows:
            if row.censored:
                cx, cy = x(row.day), y(row.survival)
                parts.append(
                    _el("line", x1=cx, y1=cy - 5, x2=cx, y2=cy + 5, stroke=INKS[i], class_="cens")
                )
        m = curve.median_days
        if m is not None:
            parts.append(
                _el(
                    "line",
                    x1=x(m),
                    y1=y(0.5),
                    x2=x(m),
                    y2=bottom,
                    stroke=INKS[i],
                    stroke_dasharray="3 3",
                    class_="median",
                    data_days=str(m),
                )
            )
        chart.parts.append(_el("g", "".join(parts), class_="group", data_group=label))
    _x_baseline(chart, left, right, bottom)
    for tick in x_ticks:
        chart.parts.append(
            _text(
                x(tick), bottom + 15, f"{tick:g}", text_anchor="middle", fill=MUTED, font_size=SMALL
            )
        )
    chart.parts.append(
        _text(
            (left + right) / 2,
            bottom + 29,
            "days since the program ended",
            text_anchor="middle",
            fill=MUTED,
            font_size=SMALL,
        )
    )
    row_y = bottom + 48
    chart.parts.append(_text(4, row_y, "Number at risk", fill=MUTED, font_size=SMALL))
    for i, (label, curve) in enumerate(shown):
        row_y += 18
        chart.parts.append(  # the group's line, as in the legend (no room for its name)
            _el(
                "line",
                x1=6.0,
                y1=row_y - 4,
                x2=30.0,
                y2=row_y - 4,
                stroke=INKS[i],
                stroke_width=2.5,
                stroke_dasharray=DASHES[i],
            )
            + _el("title", _esc(label))
        )
        for tick in x_ticks:
            chart.parts.append(
                _halo_text(
                    x(tick),
                    row_y,
                    str(curve.at_risk_on(int(tick))),
                    text_anchor="middle",
                    font_size=SMALL,
                    class_="at-risk",
                )
            )
    chart.height = int(row_y + 14)  # the legend may have wrapped onto more rows
    return chart.render()


def survival_table(groups: Sequence[tuple[str, CurveLike]], *, visually_hidden: bool = True) -> str:
    rows = [
        (
            label,
            r.day,
            r.at_risk,
            r.events,
            r.censored,
            f"{r.survival * 100:.1f} %",
            "–" if r.low is None or r.high is None else f"{r.low * 100:.1f}–{r.high * 100:.1f} %",
        )
        for label, curve in groups
        for r in curve.rows
    ]
    return table_html(
        "Time to a recurrence after the program",
        ("Group", "Day", "At risk", "Recurrences", "Censored", "Without one", "95 % band"),
        rows,
        visually_hidden=visually_hidden,
    )
