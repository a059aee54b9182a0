"""TCX (Garmin Training Center) reader: one Activity per <Activity>, streamed with lxml iterparse.

Every trackpoint with a time is kept, with or without a position, so an indoor or treadmill file
keeps all its heart rate. A new <Track> inside a lap is how Garmin writes a timer stop, so the gap
between two tracks is a pause; lap boundaries are not pauses (longer gaps are left to the metrics'
30-second rule). TCX names only Running, Biking and Other: a walk usually arrives as 'other' and the
import service decides. Multi-sport sessions give one Activity per sport leg.
"""

from __future__ import annotations

from typing import IO, Any

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers._points import Point, build_activity
from walkrx.importers._xml import (
    CleanStream,
    XmlSource,
    normalise_sport,
    parse_events,
    parse_time,
    safe_iterparse,
    split_tag,
    to_float,
    xml_head,
)

FORMAT = "tcx"

(
    _K_OTHER,
    _K_TIME,
    _K_POSITION,
    _K_LAT,
    _K_LON,
    _K_ALT,
    _K_DIST,
    _K_HR,
    _K_EXT,
    _K_SPEED,
    _K_VALUE,
) = range(11)

_KINDS = {
    "Time": _K_TIME,
    "Position": _K_POSITION,
    "LatitudeDegrees": _K_LAT,
    "LongitudeDegrees": _K_LON,
    "AltitudeMeters": _K_ALT,
    "DistanceMeters": _K_DIST,
    "HeartRateBpm": _K_HR,
    "Extensions": _K_EXT,
    "Speed": _K_SPEED,
    "Value": _K_VALUE,
}


_TAG_KINDS: dict[str, int] = {}  # full tag ('{ns}Local') -> kind, filled as tags are met


def _kind(tag: Any) -> int:
    kind = _TAG_KINDS.get(tag)
    if kind is None:
        if not isinstance(tag, str):  # a comment or processing instruction
            return _K_OTHER
        kind = _TAG_KINDS[tag] = _KINDS.get(split_tag(tag)[1], _K_OTHER)
    return kind


_LOCAL_NAMES: dict[str, str] = {}  # full tag -> local name, filled as tags are met
_TAGS = ["{*}Trackpoint", "{*}Track", "{*}Lap", "{*}Activity", "{*}Course"]

# (point, speed in m/s from the ActivityExtension TPX, when given)
_Raw = tuple[Point, float | None]


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


_LEAF_TAGS = tuple(
    "{*}" + local
    for local in (
        "Time",
        "LatitudeDegrees",
        "LongitudeDegrees",
        "AltitudeMeters",
        "DistanceMeters",
        "Value",
    )
)
# Speed is only used when an activity records no distance at all, so once a trackpoint of the
# activity has given a distance, the reader stops looking for it (a seventh of the leaves).
_LEAF_TAGS_WITH_SPEED = (*_LEAF_TAGS, "{*}Speed")


def _trackpoint(elem: Any, leaf_tags: tuple[str, ...]) -> _Raw:
    # The hot loop of the reader. lxml filters the leaves of interest in C (`iter` with tags);
    # within a trackpoint LatitudeDegrees/LongitudeDegrees only occur in Position, Value only in
    # HeartRateBpm and Speed only in the extensions, so nesting need not be followed.
    t: float | None = None
    off: int | None = None
    hr = lat = lon = alt = dist = speed = None
    kinds = _TAG_KINDS
    for sub in elem.iter(leaf_tags):
        kind = kinds.get(sub.tag)
        if kind is None:
            kind = _kind(sub.tag)
        text = sub.text
        if kind == _K_TIME:
            parsed = parse_time(text)
            if parsed is not None:
                t, off = parsed
            continue
        if text is None:
            continue
        try:
            value = float(text)
        except ValueError:
            continue
        if kind == _K_LAT:
            lat = value
        elif kind == _K_LON:
            lon = value
        elif kind == _K_VALUE:
            hr = value
        elif kind == _K_DIST:
            dist = value
        elif kind == _K_ALT:
            alt = value
        elif kind == _K_SPEED:
            speed = value
    return (t, off, hr, lat, lon, alt, dist), speed


class _ActivityState:
    def __init__(self) -> None:
        self.tracks: list[list[_Raw]] = []
        self.current: list[_Raw] = []
        self.lap_distance: float | None = None
        self.lap_time: float | None = None
        self.laps = 0
        self.lap_start: float | None = None
        self.new_lap = False  # the next track continues across a lap boundary (not a pause)
        self.leaf_tags = _LEAF_TAGS_WITH_SPEED  # until a trackpoint gives a distance

    def end_track(self) -> None:
        if self.current:
            if self.new_lap and self.tracks:
                self.tracks[-1].extend(self.current)
            else:
                self.tracks.append(self.current)
            self.new_lap = False
        self.current = []


def _child_text(elem: Any, local: str) -> str | None:
    for child in elem:
        if isinstance(child.tag, str) and split_tag(child.tag)[1] == local:
            return str(child.text) if child.text is not None else None
    return None


def _device(activity: Any) -> str | None:
    for child in activity:
        if isinstance(child.tag, str) and split_tag(child.tag)[1] == "Creator":
            name = _child_text(child, "Name")
            return name.strip() if name and name.strip() else None
    return None


def read_tcx(source: XmlSource, name: str) -> list[Activity]:
    """Read every <Activity> of a TCX file; ImportFileError when none can be read."""
    stream = CleanStream(source, name)
    parser = safe_iterparse(stream, ("end",), _TAGS)
    state = _ActivityState()
    activities: list[Activity] = []
    seen_activity = False
    checked_root = False
    since_purge = 0
    for _, elem in parse_events(parser, name):
        if not checked_root:
            _check_root(elem.getroottree().getroot(), name)
            checked_root = True
        tag = elem.tag
        local = _LOCAL_NAMES.get(tag)
        if local is None:
            local = _LOCAL_NAMES[tag] = split_tag(tag)[1]
        if local == "Trackpoint":
            raw = _trackpoint(elem, state.leaf_tags)
            if raw[0][6] is not None:
                state.leaf_tags = _LEAF_TAGS
            state.current.append(raw)
            elem.clear()
            since_purge += 1
            if since_purge >= _PURGE_EVERY:
                _purge(elem)
                since_purge = 0
            continue
        if local == "Track":
            state.end_track()
        elif local == "Lap":
            state.new_lap = True
            state.laps += 1
            secs = to_float(_child_text(elem, "TotalTimeSeconds"))
            meters = to_float(_child_text(elem, "DistanceMeters"))
            if secs is not None:
                state.lap_time = (state.lap_time or 0.0) + secs
            if meters is not None:
                state.lap_distance = (state.lap_distance or 0.0) + meters
            if state.lap_start is None:
                started = parse_time(elem.get("StartTime"))
                state.lap_start = started[0] if started else None
        elif local == "Activity":
            seen_activity = True
            built = _build(elem, state, name, len(activities), stream.dropped_chars)
            if built is not None:
                activities.append(built)
            state = _ActivityState()
        elif local == "Course":  # a planned course, not a recording
            state = _ActivityState()
        elem.clear()
    if not checked_root:
        _check_root(getattr(parser, "root", None), name)
    if not activities:
        raise ImportFileError(
            name,
            "the TCX file holds no activity with timed trackpoints"
            if seen_activity
            else "the TCX file holds no <Activity> (a course or workout plan is not a walk)",
        )
    return activities


# Read trackpoints are emptied at once and taken out of the tree in batches, which keeps memory
# bounded without a removal per trackpoint.
_PURGE_EVERY = 256


def _purge(elem: Any) -> None:
    """Take `elem` and the trackpoints before it, all read and emptied, out of the tree."""
    parent = elem.getparent()
    if parent is None:
        return
    if isinstance(parent.tag, str) and split_tag(parent.tag)[1] == "Track":
        # A Track holds nothing else the reader needs: one slice deletion in C.
        del parent[: parent.index(elem) + 1]
        return
    # Trackpoints outside a Track (not valid TCX): leave their siblings, such as a Lap's totals.
    for done in list(elem.itersiblings("{*}Trackpoint", preceding=True)):
        parent.remove(done)
    parent.remove(elem)


def _check_root(root: Any, name: str) -> None:
    local = split_tag(root.tag)[1] if root is not None and isinstance(root.tag, str) else None
    if local != "TrainingCenterDatabase":
        raise ImportFileError(
            name,
            f"this XML is not a TCX file (its root element is <{local}>)"
            if local
            else "this is not a TCX file",
        )


def _build(
    elem: Any, state: _ActivityState, name: str, index: int, dropped_chars: int
) -> Activity | None:
    state.end_track()
    raw_sport = elem.get("Sport")
    notes: list[str] = []
    total = sum(len(t) for t in state.tracks)
    tracks = [[r for r in track if r[0][0] is not None] for track in state.tracks]
    tracks = [t for t in tracks if t]
    kept = sum(len(t) for t in tracks)
    if kept < total:
        notes.append(f"{total - kept} of {total} trackpoints have no time and were left out")
    if not tracks:
        return None
    points = [r[0] for t in tracks for r in t]
    if all(p[6] is None for p in points) and any(r[1] is not None for t in tracks for r in t):
        tracks = _distance_from_speed(tracks)
        notes.append("distance integrated from the speed the device recorded")
    indoor = all(p[3] is None for p in points)
    if indoor:
        notes.append("no GPS position in the file: recorded indoors or with GPS off")
    if state.lap_time is not None:
        notes.append(f"timer time over {state.laps} lap(s): {state.lap_time:.1f} s")
    return build_activity(
        [[r[0] for r in t] for t in tracks],
        name=name,
        source_format=FORMAT,
        sport=normalise_sport(raw_sport) if raw_sport else "unknown",
        device=_device(elem),
        notes=notes,
        dropped_chars=dropped_chars,
        total_distance_m=state.lap_distance,
        indoor=indoor,
        index=index,
    )


def _distance_from_speed(tracks: list[list[_Raw]]) -> list[list[_Raw]]:
    """Cumulative distance from speed samples, for files that give speed but no distance."""
    out: list[list[_Raw]] = []
    dist = 0.0
    prev_t: float | None = None
    prev_speed: float | None = None
    for track in tracks:
        new: list[_Raw] = []
        for point, speed in track:
            t = point[0]
            if prev_t is not None and prev_speed is not None and t is not None and t > prev_t:
                dist += prev_speed * (t - prev_t)
            prev_t, prev_speed = t, speed
            new.append(((*point[:6], dist), speed))
        out.append(new)
        prev_speed = None  # no distance across a timer stop
    return out


def sniff_tcx(head: bytes, name: str) -> bool:
    """True when the first bytes are XML text with a <TrainingCenterDatabase element."""
    text = xml_head(head)
    return text is not None and b"<TrainingCenterDatabase" in text


class TcxImporter:
    """The registry's TCX entry."""

    format = FORMAT
    extensions = (".tcx",)

    def sniff(self, head: bytes, name: str) -> bool:
        return sniff_tcx(head, name)

    def read(self, data: bytes | IO[bytes], name: str) -> list[Activity]:
        return read_tcx(data, name)


TCX = TcxImporter()
