"""A GPX document streamed into its track segments, routes and waypoints (`read_content`).

`gpx` turns the content into walks; `apple` reads an export's workout-routes/*.gpx files with it.
A leaf module next to `_xml` and `_points`, so neither format module imports the other.

Heart rate is found inside a point's <extensions> by local name, whatever the prefix or namespace:
Garmin TrackPointExtension v1/v2 `hr` (as gpxtpx:, ns3:, tp1:, ...), cluetrust gpxdata `hr`, and the
bare `heartrate` element Amazfit writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from walkrx.errors import ImportFileError
from walkrx.importers._points import Point
from walkrx.importers._xml import (
    CleanStream,
    XmlSource,
    memo,
    parse_events,
    parse_time,
    safe_iterparse,
    split_tag,
    to_float,
)

_K_OTHER, _K_TIME, _K_ELE, _K_EXT, _K_HR, _K_TYPE = range(6)
_HR_NAMES = frozenset({"hr", "heartrate", "heart_rate"})
# the spellings devices write (matched by lxml in C, any namespace): gpxtpx and cluetrust `hr`,
# Amazfit's bare `heartrate`, and their capitalised variants
_HR_TAGS = tuple(
    "{*}" + name
    for name in (
        "hr",
        "HR",
        "Hr",
        "heartrate",
        "heartRate",
        "HeartRate",
        "Heartrate",
        "heart_rate",
        "Heart_Rate",
    )
)


@memo
def _kind(tag: str) -> int:
    _, local = split_tag(tag)
    if local == "time":
        return _K_TIME
    if local == "ele":
        return _K_ELE
    if local == "extensions":
        return _K_EXT
    if local == "type":
        return _K_TYPE
    if local.lower() in _HR_NAMES:
        return _K_HR
    return _K_OTHER


_TAGS = ["{*}trkpt", "{*}trkseg", "{*}trk", "{*}rtept", "{*}rte", "{*}wpt"]


@dataclass
class GpxContent:
    """What a GPX file holds, before it becomes an Activity (apple reuses the route points)."""

    creator: str | None = None
    segments: list[list[Point]] = field(default_factory=list)  # track segments, document order
    track_types: list[str | None] = field(default_factory=list)  # per segment: its track's <type>
    segment_tracks: list[int] = field(default_factory=list)  # per segment: its track's number
    routes: list[list[Point]] = field(default_factory=list)
    waypoints: list[Point] = field(default_factory=list)
    dropped_chars: int = 0


def _point(elem: Any) -> Point:
    t: float | None = None
    off: int | None = None
    hr: float | None = None
    ele: float | None = None
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        kind = _kind(tag)
        if kind == _K_TIME:
            parsed = parse_time(child.text)
            if parsed is not None:
                t, off = parsed
        elif kind == _K_ELE:
            ele = to_float(child.text)
        elif kind == _K_EXT and hr is None:
            # lxml picks the heart-rate elements in C, whatever their namespace, so extensions
            # without heart rate (Apple's speed/course/accuracy) cost no Python loop
            for sub in child.iter(_HR_TAGS):
                hr = to_float(sub.text)
                if hr is not None:
                    break
    return t, off, hr, to_float(elem.get("lat")), to_float(elem.get("lon")), ele, None


def _track_type(trk: Any) -> str | None:
    for child in trk:
        if isinstance(child.tag, str) and _kind(child.tag) == _K_TYPE:
            return str(child.text or "").strip() or None
    return None


def read_content(
    source: XmlSource, name: str, *, check: Callable[[int], None] | None = None
) -> GpxContent:
    """Stream a GPX document into its segments, routes and waypoints; raise ImportFileError.

    `check` sees the byte count as it grows (an archive's size guard).
    """
    stream = CleanStream(source, name, check=check)
    parser = safe_iterparse(stream, ("end",), _TAGS)
    content = GpxContent()
    current: list[Point] = []
    route: list[Point] = []
    open_segments: list[list[Point]] = []  # segments of the track being read
    tracks = 0
    checked_root = False
    for _, elem in parse_events(parser, name):
        if not checked_root:
            _check_root(elem.getroottree().getroot(), name)
            checked_root = True
        local = split_tag(elem.tag)[1]
        if local == "trkpt":
            current.append(_point(elem))
        elif local == "trkseg":
            open_segments.append(current)
            current = []
        elif local == "trk":
            if current:  # points outside any <trkseg> (not valid GPX, but seen)
                open_segments.append(current)
                current = []
            kind = _track_type(elem)
            content.segments.extend(open_segments)
            content.track_types.extend([kind] * len(open_segments))
            content.segment_tracks.extend([tracks] * len(open_segments))
            tracks += 1
            open_segments = []
        elif local == "rtept":
            route.append(_point(elem))
        elif local == "rte":
            content.routes.append(route)
            route = []
        elif local == "wpt":
            content.waypoints.append(_point(elem))
        elem.clear()
        parent = elem.getparent()
        if parent is not None and local in ("trkpt", "rtept", "wpt"):
            parent.remove(elem)
    root = getattr(parser, "root", None)
    if not checked_root:
        _check_root(root, name)
    if root is not None:
        content.creator = root.get("creator")
    content.dropped_chars = stream.dropped_chars
    return content


def _check_root(root: Any, name: str) -> None:
    if root is None or not isinstance(root.tag, str) or split_tag(root.tag)[1] != "gpx":
        found = split_tag(root.tag)[1] if root is not None and isinstance(root.tag, str) else None
        raise ImportFileError(
            name,
            f"this XML is not a GPX file (its root element is <{found}>, not <gpx>)"
            if found
            else "this is not a GPX file",
        )
