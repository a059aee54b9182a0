"""Progress charts as server-side SVG strings (standard library only, no JavaScript).

Every chart scales to its container (a viewBox and width 100%), is sized for a phone screen, and is
accessible: role="img" with a <title> and a plain-language <desc>, high-contrast colours (WCAG AA
on white) and shapes, patterns and labels so nothing relies on colour alone. `table_html` and the
`*_table` functions give the same data as a (visually hidden) table for screen readers.

The charts take any objects with the attributes they read (see the `...Like` protocols), so this
module does not depend on the services layer; `walkrx.services.progress` builds matching series.
Output is deterministic: ids come from the `id_prefix` argument, numbers are rounded the same way.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

# --- the data the charts read ------------------------------------------------------------------


class ZoneWeekLike(Protocol):
    @property
    def week(self) -> int: ...
    @property
    def measured_min(self) -> float: ...
    @property
    def by_effort_min(self) -> float: ...
    @property
    def goal_min(self) -> int | None: ...
    @property
    def goal_max(self) -> int | None: ...
    @property
    def complete(self) -> bool: ...


class PainPointLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def kind(self) -> str: ...  # "walk" or "morning"
    @property
    def before(self) -> int | None: ...
    @property
    def peak(self) -> int | None: ...
    @property
    def after(self) -> int | None: ...
    @property
    def next_morning(self) -> int | None: ...
    @property
    def morning(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def note(self) -> str: ...


class PacePointLike(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def pace_hr(self) -> float: ...
    @property
    def rolling_median(self) -> float: ...


class RxPointLike(Protocol):
    @property
    def week(self) -> int: ...
    @property
    def prescribed_min_total(self) -> int: ...
    @property
    def prescribed_max_total(self) -> int: ...
    @property
    def minutes_done(self) -> float: ...
    @property
    def walks_min(self) -> int: ...
    @property
    def walks_max(self) -> int: ...
    @property
    def walks_counted(self) -> int: ...


class TraceLike(Protocol):
    @property
    def t_s(self) -> Sequence[float]: ...
    @property
    def hr_bpm(self) -> Sequence[float | None]: ...
    @property
    def band_bpm(self) -> tuple[int, int] | None: ...


# --- look ------------------------------------------------------------------------------------

# contrast against white (WCAG 2.1): every text and line colour here is at least 6.5:1
INK = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d9d9d9"  # decorative gridlines only; the axis labels carry the values
BLUE = "#1f4e9c"
ORANGE = "#a04000"
PURPLE = "#6a1b9a"
SLATE = "#3d5a80"
GREEN_FILL, GREEN_INK = "#dcefdc", "#1e6b2e"
AMBER_FILL, AMBER_INK = "#fff1cc", "#7a5200"
RED_FILL, RED_INK = "#fde3e1", "#b3261e"
RANGE_FILL = "#e4e9f2"

WIDTH = 400  # viewBox width: at phone width one unit is about one CSS pixel, so text stays legible
FONT = 13
SMALL = 11
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
MARGIN_LEFT = 44
MARGIN_RIGHT = 14
PAUSE_GAP_S = 30  # spec section 9: a gap longer than this between samples is a pause
MAX_TRACE_POINTS = 900
VALUE_LIMIT = 1e9  # larger inputs are capped so scales and tick counts stay finite

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- small helpers -----------------------------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: object) -> str:
    """Escaped for XML/HTML text and attributes; characters XML forbids are dropped."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def _num(value: float) -> str:
    """A coordinate: one decimal, no trailing .0, never -0."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _finite(value: float | None, default: float = 0.0) -> float:
    """A usable number: missing or non-finite values become `default`, absurd ones are capped."""
    if value is None or not math.isfinite(value):
        return default
    return max(-VALUE_LIMIT, min(VALUE_LIMIT, float(value)))


def _round(value: float) -> int:
    """Half up, as people round minutes."""
    return math.floor(_finite(value) + 0.5)


def _day_label(day: date, with_year: bool = False) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def _clean_prefix(prefix: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", prefix) or "chart"
    return cleaned if cleaned[0].isalpha() else f"c{cleaned}"


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = _num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name}="{_esc(text)}"')
    return "".join(parts)


def _el(tag: str, content: str | None = None, **attrs: object) -> str:
    if content is None:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    attrs.setdefault("fill", INK)
    return _el("text", _esc(text), x=float(x), y=float(y), **attrs)


def _halo_text(x: float, y: float, text: str, **attrs: object) -> str:
    """Text with a white outline, readable over bars and bands."""
    return _text(
        x,
        y,
        text,
        stroke="#ffffff",
        stroke_width=3.0,
        stroke_linejoin="round",
        paint_order="stroke",
        **attrs,
    )


def _points(coords: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)


def _text_width(text: str, size: int = FONT) -> float:
    return len(text) * size * 0.56


def _wrap(text: str, width: float, size: int = FONT) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and _text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


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


@dataclass(frozen=True)
class _Legend:
    kind: str  # swatch | hatch | band | range | line | dashed-line | circle | ring | vee | square
    colour: str
    label: str


class _Chart:
    """One SVG document under construction: title, description, legend, plot area, parts."""

    def __init__(self, prefix: str, title: str, desc: str, height: int) -> None:
        self.prefix = _clean_prefix(prefix)
        self.title = title
        self.desc = desc
        self.height = height
        self.defs: list[str] = []
        self.parts: list[str] = []

    def id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def legend(self, items: Sequence[_Legend], y: float = 16) -> float:
        """Lay legend items out in rows; returns the y below the legend."""
        x = 8.0
        for item in items:
            width = 22 + _text_width(item.label, SMALL) + 12
            if x > 8 and x + width > WIDTH - 8:
                x = 8.0
                y += 18
            self.parts.append(self._swatch(item, x, y))
            self.parts.append(_text(x + 22, y + 4, item.label, font_size=SMALL, fill=INK))
            x += width
        return y + 12

    def _swatch(self, item: _Legend, x: float, y: float) -> str:
        c = item.colour
        match item.kind:
            case "hatch":
                fill = f"url(#{self.id('hatch')})"
                return _el("rect", x=x, y=y - 6, width=16.0, height=12.0, fill=fill, stroke=c)
            case "band":
                return _el("rect", x=x, y=y - 6, width=16.0, height=12.0, fill=GREEN_FILL) + _el(
                    "line", x1=x, y1=y - 6, x2=x + 16, y2=y - 6, stroke=c, stroke_dasharray="4 2"
                )
            case "range":
                return _el("rect", x=x, y=y - 6, width=16.0, height=12.0, fill=RANGE_FILL, stroke=c)
            case "outline":
                return _el(
                    "rect",
                    x=x + 2,
                    y=y - 6,
                    width=12.0,
                    height=12.0,
                    fill="none",
                    stroke=c,
                    stroke_dasharray="3 2",
                )
            case "line":
                return _el("line", x1=x, y1=y, x2=x + 16, y2=y, stroke=c, stroke_width=3.0)
            case "dashed-line":
                return _el(
                    "line",
                    x1=x,
                    y1=y,
                    x2=x + 16,
                    y2=y,
                    stroke=c,
                    stroke_width=2.0,
                    stroke_dasharray="4 2",
                ) + _el("rect", x=x + 5.5, y=y - 2.5, width=5.0, height=5.0, fill=c)
            case "circle":
                return _el("circle", cx=x + 8, cy=y, r=4.0, fill=c)
            case "ring":
                return _el(
                    "circle", cx=x + 8, cy=y, r=4.0, fill="#ffffff", stroke=c, stroke_width=2.0
                )
            case "vee":
                return _el(
                    "polyline",
                    points=_points([(x + 1, y + 4), (x + 8, y - 5), (x + 15, y + 2)]),
                    fill="none",
                    stroke=c,
                    stroke_width=2.0,
                )
            case _:
                return _el("rect", x=x + 2, y=y - 6, width=12.0, height=12.0, fill=c)

    def render(self) -> str:
        p = self.prefix
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {self.height}" '
            f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
            f'aria-labelledby="{p}-title" aria-describedby="{p}-desc" class="walkrx-chart" '
            f'font-family="{_esc(FONT_FAMILY)}" font-size="{FONT}">'
        )
        body = [
            head,
            _el("title", _esc(self.title), id=self.id("title")),
            _el("desc", _esc(self.desc), id=self.id("desc")),
        ]
        if self.defs:
            body.append(_el("defs", "".join(self.defs)))
        body.append(
            _el("rect", x=0.0, y=0.0, width=float(WIDTH), height=float(self.height), fill="#ffffff")
        )
        body.extend(self.parts)
        body.append("</svg>")
        return "\n".join(body)


def _empty(prefix: str, title: str, message: str) -> str:
    lines = _wrap(message, WIDTH - 40)
    height = 60 + 18 * len(lines)
    chart = _Chart(prefix, title, message, height)
    chart.parts.append(
        _el(
            "rect",
            x=4.0,
            y=4.0,
            width=WIDTH - 8.0,
            height=height - 8.0,
            fill="#f5f5f5",
            stroke="#8c8c8c",
            stroke_dasharray="6 4",
            rx=8.0,
        )
    )
    chart.parts.append(_text(WIDTH / 2, 30, title, text_anchor="middle", font_weight="bold"))
    for i, line in enumerate(lines):
        chart.parts.append(_text(WIDTH / 2, 54 + 18 * i, line, text_anchor="middle", fill=MUTED))
    return chart.render()


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


def _draw_date_ticks(
    chart: _Chart, axis: _Axis, ticks: Sequence[date], baseline: float, label: str
) -> None:
    years = {t.year for t in ticks}
    for tick in ticks:
        x = axis(tick.toordinal())
        chart.parts.append(_el("line", x1=x, y1=baseline, x2=x, y2=baseline + 4, stroke=MUTED))
        chart.parts.append(
            _text(
                x,
                baseline + 17,
                _day_label(tick, len(years) > 1),
                text_anchor="middle",
                fill=MUTED,
                font_size=SMALL,
            )
        )
    chart.parts.append(
        _text(
            (axis.r0 + axis.r1) / 2,
            baseline + 32,
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
            _text(x, baseline + 17, str(week), text_anchor="middle", fill=MUTED, font_size=SMALL)
        )
    chart.parts.append(
        _text(
            (left + WIDTH - MARGIN_RIGHT) / 2,
            baseline + 32,
            "program week",
            text_anchor="middle",
            fill=MUTED,
            font_size=SMALL,
        )
    )


# --- (a) target-zone minutes per week ------------------------------------------------------------


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


# --- (b) pain over time --------------------------------------------------------------------------

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
    chart = _Chart(id_prefix, title, _pain_desc(usable), height=320)
    top = (
        chart.legend(
            [
                _Legend("ring", BLUE, "Before walk"),
                _Legend("circle", BLUE, "After walk"),
                _Legend("vee", BLUE, "Peak"),
                _Legend("dashed-line", PURPLE, "Morning pain"),
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
    for _low, high, _, ink, label in PAIN_BANDS:
        chart.parts.append(
            _halo_text(
                right - 4,
                y(high) + 13,
                label,
                text_anchor="end",
                fill=ink,
                font_size=SMALL,
                font_weight="bold",
            )
        )
    _x_baseline(chart, left, right, bottom)
    _draw_date_ticks(chart, x, ticks, bottom, "date")
    return chart.render()


# --- (c) pace at the same heart rate -------------------------------------------------------------


def _pace_desc(points: Sequence[PacePointLike]) -> str:
    first, last = points[0], points[-1]
    parts = [
        f"Pace at the same heart rate, in metres per minute for each heartbeat per minute, for "
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


def pace_chart(points: Sequence[PacePointLike], *, id_prefix: str = "pace") -> str:
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
    chart = _Chart(id_prefix, title, _pace_desc(usable), height=280)
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
    _y_axis(chart, y, ticks, left, right, "m/min per bpm")
    x, date_ticks = _date_axis([p.day for p in usable], left, right)
    for p in usable:
        tip = f"{_day_label(p.day)}: {p.pace_hr:.2f} m/min per bpm"
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


# --- (d) prescription against what was done ------------------------------------------------------


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


# --- (e) one walk's heart rate -------------------------------------------------------------------


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


# --- the same data as tables ---------------------------------------------------------------

VISUALLY_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap;border:0"
)


def table_html(
    caption: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    visually_hidden: bool = True,
) -> str:
    """An HTML table of a chart's data (escaped); hidden visually but read by screen readers."""
    style = f' class="visually-hidden" style="{VISUALLY_HIDDEN}"' if visually_hidden else ""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        f"<table{style}><caption>{_esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return str(_round(value)) if math.isfinite(value) else "–"
    if isinstance(value, date):
        return _day_label(value, True)
    return str(value)


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


def pace_table(points: Sequence[PacePointLike], *, visually_hidden: bool = True) -> str:
    rows = [(p.day, f"{p.pace_hr:.2f}", f"{p.rolling_median:.2f}") for p in points]
    return table_html(
        "Pace at the same heart rate (m/min per bpm)",
        ("Date", "Walk", "Rolling median"),
        rows,
        visually_hidden=visually_hidden,
    )


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
