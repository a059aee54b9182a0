"""GPX 1.0 and 1.1 reader: one Activity per file, streamed with lxml iterparse.

Heart rate is found inside a point's <extensions> by local name, whatever the prefix or namespace:
Garmin TrackPointExtension v1/v2 `hr` (as gpxtpx:, ns3:, tp1:, ...), cluetrust gpxdata `hr`, and the
bare `heartrate` element Amazfit writes. All tracks and segments of a file form one walk; the gap
between two segments (or tracks) is recorded as a pause. A file without a <type> gets sport
'unknown': the import service asks the person rather than guessing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers._xml import (
    CleanStream,
    XmlSource,
    memo,
    normalise_sport,
    parse_events,
    parse_time,
    safe_iterparse,
    split_tag,
    to_float,
    valid_hr,
    xml_head,
)
from walkrx.importers.base import register

FORMAT = "gpx"

# A point: (POSIX time or None, stated UTC offset or None, hr, lat, lon, ele, cumulative distance).
# TCX and Apple Health points use the same shape, so all three share `build_activity`.
Point = tuple[
    float | None, int | None, float | None, float | None, float | None, float | None, float | None
]

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
    """What a GPX file holds, before it becomes an Activity (apple.py reuses the route points)."""

    creator: str | None = None
    segments: list[list[Point]] = field(default_factory=list)  # track segments, document order
    track_types: list[str | None] = field(default_factory=list)  # per segment: its track's <type>
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


def read_gpx(source: XmlSource, name: str) -> list[Activity]:
    """Read a GPX file into one Activity (an empty list never: a file with nothing raises)."""
    content = read_content(source, name)
    notes: list[str] = []
    segments = content.segments
    types = content.track_types
    if not any(segments):
        segments = [r for r in content.routes if r]
        types = [None] * len(segments)
        if segments:
            notes.append("no track: read the route points")
        elif content.waypoints:
            segments, types = [content.waypoints], [None]
            notes.append("no track or route: read the waypoints")
    total = sum(len(s) for s in segments)
    timed = [[p for p in seg if p[0] is not None] for seg in segments]
    kept = sum(len(s) for s in timed)
    if total == 0:
        raise ImportFileError(name, "the GPX file holds no track, route or waypoint to import")
    if kept == 0:
        raise ImportFileError(
            name,
            f"none of the {total} points has a time, so the walk cannot be placed in time;"
            " export the recording (not a planned route) from the device or app",
        )
    if kept < total:
        notes.append(f"{total - kept} of {total} points have no time and were left out")
    sport_word = next((ty for seg, ty in zip(timed, types, strict=True) if seg and ty), None)
    return [
        build_activity(
            [s for s in timed if s],
            name=name,
            source_format=FORMAT,
            sport=normalise_sport(sport_word),
            device=content.creator,
            notes=notes,
            dropped_chars=content.dropped_chars,
        )
    ]


def build_activity(
    segments: list[list[Point]],
    *,
    name: str,
    source_format: str,
    sport: str,
    device: str | None,
    notes: list[str],
    dropped_chars: int = 0,
    pauses_at: list[tuple[float, float]] | None = None,
    **extra: Any,
) -> Activity:
    """Columns from timed point segments; a gap between segments becomes a pause.

    `pauses_at` (POSIX stop and resume times) replaces the segment gaps when the file states its
    pauses some other way (Apple Health workout events).
    """
    points = [p for seg in segments for p in seg]
    times = [p[0] for p in points]
    if any(b < a for a, b in itertools.pairwise(times)):  # type: ignore[operator]
        points.sort(key=lambda p: p[0])  # type: ignore[arg-type,return-value]
        notes.append("points were out of time order and have been sorted")
    t0: float = points[0][0]  # type: ignore[assignment]
    pauses: list[tuple[float, float]] = []
    if pauses_at is not None:
        pauses = [(stop - t0, resume - t0) for stop, resume in pauses_at]
    for prev, nxt in itertools.pairwise(segments):
        stop, resume = prev[-1][0], nxt[0][0]
        if stop is not None and resume is not None and resume > stop:
            pauses.append((stop - t0, resume - t0))
    hr_raw = [p[2] for p in points]
    hr = [valid_hr(v) for v in hr_raw]
    bad_hr = sum(1 for a, b in zip(hr_raw, hr, strict=True) if a is not None and b is None)
    if bad_hr:
        notes.append(f"{bad_hr} heart-rate values outside 20-250 bpm were ignored")
    if dropped_chars:
        notes.append(f"{dropped_chars} characters not allowed in XML were removed")
    offset = next((p[1] for p in points if p[1] is not None), None)
    lat = [p[3] for p in points]
    lon = [p[4] for p in points]
    ele = [p[5] for p in points]
    dist = [p[6] for p in points]
    return Activity(
        sport=sport,
        start=datetime.fromtimestamp(t0, UTC),
        source_format=source_format,
        file=name,
        utc_offset_s=offset,
        t_s=tuple(p[0] - t0 for p in points),  # type: ignore[operator]
        hr_bpm=_column(hr),
        lat=_column(lat),
        lon=_column(lon),
        altitude_m=_column(ele),
        distance_m=_column(dist),
        pauses=tuple(pauses),
        device=device,
        notes=tuple(notes),
        **extra,
    )


def _column(values: list[float | None]) -> tuple[float | None, ...]:
    """A column is empty when the file never gives that field, else one value per sample."""
    return tuple(values) if any(v is not None for v in values) else ()


def sniff_gpx(head: bytes, name: str) -> bool:
    """True when the first bytes are XML text with a <gpx element, whatever the file name."""
    text = xml_head(head)
    return text is not None and b"<gpx" in text


class GpxImporter:
    """The registry's GPX entry."""

    format = FORMAT
    extensions = (".gpx",)

    def sniff(self, head: bytes, name: str) -> bool:
        return sniff_gpx(head, name)

    def read(self, data: bytes | IO[bytes], name: str) -> list[Activity]:
        return read_gpx(data, name)


register(GpxImporter())
