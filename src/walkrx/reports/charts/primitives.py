"""Drawing primitives shared by every chart: the look (colours, sizes), escaping and numbers,
SVG elements and text, the chart document with its legend, the empty card and the data table."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

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
# at least 12 px on a 390 px phone, where a chart is about 358 px wide (issue 14)
FONT = 15
SMALL = 14
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
MARGIN_LEFT = 44
MARGIN_RIGHT = 14
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


@dataclass(frozen=True)
class _Legend:
    kind: str  # swatch | hatch | band | range | line | dashed-line | circle | ring | vee | square
    # | tint
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
                y += SMALL + 7
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
            case "tint":  # a light fill, outlined so that it shows on white
                return _el("rect", x=x, y=y - 6, width=16.0, height=12.0, fill=c, stroke=MUTED)
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
    height = 60 + (FONT + 5) * len(lines)
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
        chart.parts.append(
            _text(WIDTH / 2, 54 + (FONT + 5) * i, line, text_anchor="middle", fill=MUTED)
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
