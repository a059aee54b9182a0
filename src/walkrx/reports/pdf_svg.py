"""The charts' SVG made ready for fpdf2, which draws SVG as PDF vector graphics (`reports.pdf`).

fpdf2 knows neither `paint-order` nor `<pattern>`, and would log `<title>` and `<desc>` as
unsupported, so before drawing a chart:

- a label with a halo (`paint-order="stroke"`: a white outline under the text) becomes two
  labels, the outline first and the text without it on top;
- a shape filled with a pattern (the hatch of minutes counted by effort) becomes the pattern's
  background, its stripes drawn as lines clipped to the shape, then the shape's outline;
- `<title>`, `<desc>` and `<pattern>` are dropped (the description becomes the image's alt text);
- every `font-family` names the font the PDF embeds.

`fold` spells text for the PDF's built-in Helvetica, which knows Latin-1 only.
"""

from __future__ import annotations

import copy
import math
import unicodedata
from dataclasses import dataclass
from xml.etree import ElementTree

SVG = "http://www.w3.org/2000/svg"
DROPPED = {"title", "desc", "pattern"}
STROKE = ("stroke", "stroke-width", "stroke-linejoin", "stroke-linecap", "stroke-dasharray")
NEAREST = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "ı": "i",
    "Œ": "OE",
    "œ": "oe",
}


def fold(text: str, unicode: bool) -> str:
    """`text` as is for an embedded Unicode font; else every character outside Latin-1 spelled
    with the nearest one (its letter without accents, or '?')."""
    if unicode or text.isascii():
        return text
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
        elif char in NEAREST:
            out.append(NEAREST[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and c.isprintable()
            )
            out.append(base or "?")
    return "".join(out)


@dataclass(frozen=True)
class DrawnSvg:
    data: bytes  # the adapted SVG document
    width: float  # its viewBox size
    height: float
    description: str  # the chart's <desc>, as the image's alternative text


def _tag(element: ElementTree.Element) -> str:
    return element.tag.rpartition("}")[2]


def _hatch_lines(
    box: tuple[float, float, float, float], pattern: ElementTree.Element
) -> list[ElementTree.Element]:
    """The stripes of a 45° line pattern, clipped to the rectangle `box` (x, y, width, height)."""
    line = next((e for e in pattern.iter() if _tag(e) == "line"), None)
    if line is None:
        return []
    spacing = float(pattern.get("width", "6")) * math.sqrt(2)
    width = float(line.get("stroke-width", "1")) / 2  # half the line lies inside its tile
    x0, y0, w, h = box
    x1, y1 = x0 + w, y0 + h
    lines = []
    for k in range(math.ceil((x0 + y0) / spacing), math.floor((x1 + y1) / spacing) + 1):
        c = k * spacing  # the stripe x + y = c
        low, high = max(x0, c - y1), min(x1, c - y0)
        if high - low > 0.01:
            ends = {"x1": low, "y1": c - low, "x2": high, "y2": c - high}
            attrib = {name: f"{value:.2f}" for name, value in ends.items()}
            attrib |= {"stroke": line.get("stroke", "#000000"), "stroke-width": f"{width:g}"}
            lines.append(ElementTree.Element("line", attrib))
    return lines


def _unpatterned(
    shape: ElementTree.Element, pattern: ElementTree.Element
) -> list[ElementTree.Element]:
    """A rectangle filled with `pattern` as plain shapes: background, stripes, outline."""
    background = next((e for e in pattern.iter() if _tag(e) == "rect"), None)
    under = copy.deepcopy(shape)
    under.set("fill", background.get("fill", "none") if background is not None else "none")
    for name in STROKE:
        under.attrib.pop(name, None)
    outline = copy.deepcopy(shape)
    outline.set("fill", "none")
    if _tag(shape) != "rect":
        return [under, outline]
    x, y, w, h = (float(shape.get(name, "0")) for name in ("x", "y", "width", "height"))
    return [under, *_hatch_lines((x, y, w, h), pattern), outline]


def _adapt(
    parent: ElementTree.Element, patterns: dict[str, ElementTree.Element], family: str
) -> None:
    for index in reversed(range(len(parent))):
        child = parent[index]
        if _tag(child) in DROPPED:
            del parent[index]
            continue
        _adapt(child, patterns, family)
        if "font-family" in child.attrib:
            child.set("font-family", family)
        fill = child.get("fill", "")
        if fill.startswith("url(#") and fill.endswith(")"):
            pattern = patterns.get(fill[5:-1])
            del parent[index]
            if pattern is None:
                child.set("fill", "none")
                parent.insert(index, child)
            else:
                for offset, shape in enumerate(_unpatterned(child, pattern)):
                    parent.insert(index + offset, shape)
        elif _tag(child) == "text" and child.get("paint-order") == "stroke":
            halo = copy.deepcopy(child)
            del halo.attrib["paint-order"]
            halo.set("fill", child.get("stroke", "#ffffff"))
            for name in STROKE:
                child.attrib.pop(name, None)
            del child.attrib["paint-order"]
            parent.insert(index, halo)


def pdf_svg(svg: str, family: str, *, unicode: bool) -> DrawnSvg:
    """A chart of `walkrx.reports.charts` adapted for fpdf2, its text set in `family`."""
    # the charts' own output (user text in it is escaped), not a file from outside
    root = ElementTree.fromstring(svg)  # noqa: S314
    description = " ".join(" ".join(e.itertext()) for e in root if _tag(e) == "desc").strip()
    for element in root.iter():  # plain tag names (the root says the namespace once), text folded
        element.tag = _tag(element)
        element.text = fold(element.text, unicode) if element.text else element.text
    patterns = {p.get("id", ""): p for p in root.iter("pattern")}
    _adapt(root, patterns, family)
    root.set("font-family", family)
    root.set("xmlns", SVG)
    _, _, width, height = (float(v) for v in root.get("viewBox", "0 0 400 300").split())
    data = ElementTree.tostring(root, encoding="utf-8")
    return DrawnSvg(data, width, height, description)
