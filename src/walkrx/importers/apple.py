"""Apple Health export reader: `export.zip` (export.xml and workout-routes/*.gpx) or export.xml.

One Activity per <Workout>. The export is streamed with lxml iterparse and every element is freed
as soon as it is read, so memory stays bounded on multi-GB exports: only heart-rate records are
kept, as two arrays of doubles (time, bpm), and matched to workouts by time at the end (records
usually come before the workouts in the file). The zip member is read through `zipfile.open`,
never extracted; its workout-routes/*.gpx files are read with `_gpxdoc.read_content`.
Some iOS versions write an invalid internal DTD: it is cut out before parsing (see `_xml`).

With `fast_batch=True` (the command line only, see `base`), a large export's route files are parsed
in a worker process (spawned) while this one scans export.xml. By default everything is read in the
calling thread: a web server must not start processes per upload.
"""

from __future__ import annotations

import functools
import io
import os
import posixpath
import zipfile
from array import array
from bisect import bisect_right
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import IO, Any

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers._gpxdoc import read_content
from walkrx.importers._points import Point, build_activity
from walkrx.importers._xml import (
    CleanStream,
    XmlSource,
    parse_events,
    parse_time,
    safe_iterparse,
    to_float,
    valid_hr,
    xml_head,
)
from walkrx.importers._zip import (
    DEFAULT_LIMITS,
    SizeGuard,
    apple_export_member,
    is_zip,
    looks_like_apple_export,
)

FORMAT = "apple"
HR_TYPE = "HKQuantityTypeIdentifierHeartRate"
_TYPE_PREFIX = "HKWorkoutActivityType"
_SPORTS = {
    "Walking": "walking",
    "Hiking": "hiking",
    "Running": "running",
    "Cycling": "cycling",
    "Swimming": "swimming",
}
_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "cm": 0.01}
_DISTANCE_STATS = (
    "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "HKQuantityTypeIdentifierDistanceCycling",
    "HKQuantityTypeIdentifierDistanceSwimming",
)
_PAUSE_EVENTS = {"HKWorkoutEventTypePause", "HKWorkoutEventTypeMotionPaused"}
_RESUME_EVENTS = {"HKWorkoutEventTypeResume", "HKWorkoutEventTypeMotionResumed"}
# Route points up to this long before the start or after the end still belong to the workout.
_ROUTE_MARGIN_S = 60.0
# An export.xml may be several GB; it is streamed, so the cap is about time, not memory.
_MAX_EXPORT_BYTES = 16 << 30


@dataclass
class _Workout:
    kind: str
    start: float
    end: float
    offset: int | None
    source: str | None
    timezone: str | None = None
    indoor: bool = False
    distance_m: float | None = None
    route_files: list[str] = field(default_factory=list)
    locations: list[Point] = field(default_factory=list)
    events: list[tuple[str, float]] = field(default_factory=list)


def _apple_time(text: str | None) -> tuple[float, int | None] | None:
    """'2019-06-11 15:00:42 -0700' -> (POSIX seconds, offset or None).

    Apple writes every date in this one shape, millions of times per export: the date and offset
    part is worked out once per day and cached, the clock time added with integer arithmetic.
    Anything else goes through the general ISO parser.
    """
    if not text:
        return None
    if len(text) == 25 and text[10] == " " and text[19] == " " and text[13] == text[16] == ":":
        day = _apple_day(text[:10], text[20:])
        if day is not None:
            try:
                clock = int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])
            except ValueError:
                clock = -1
            if 0 <= clock < 86_400:
                return day[0] + clock, day[1]
        text = text[:10] + "T" + text[11:19] + text[20:]
    return parse_time(text)


@functools.lru_cache(maxsize=4096)
def _apple_day(date_text: str, offset_text: str) -> tuple[float, int | None] | None:
    """POSIX seconds of local midnight for a date and a '-0700' offset, and the offset."""
    return parse_time(f"{date_text}T00:00:00{offset_text}")


def _distance(value: str | None, unit: str | None) -> float | None:
    amount = to_float(value)
    factor = _METRES.get((unit or "").strip())
    return amount * factor if amount is not None and factor is not None else None


def _workout(elem: Any) -> _Workout | None:
    start = _apple_time(elem.get("startDate"))
    end = _apple_time(elem.get("endDate"))
    if start is None or end is None:
        return None
    work = _Workout(
        kind=str(elem.get("workoutActivityType") or ""),
        start=start[0],
        end=end[0],
        offset=start[1],
        source=elem.get("sourceName"),
        distance_m=_distance(elem.get("totalDistance"), elem.get("totalDistanceUnit")),
    )
    for child in elem:
        tag = child.tag
        if tag == "MetadataEntry":
            key, value = child.get("key"), child.get("value")
            if key == "HKTimeZone" and value:
                work.timezone = value
            elif key == "HKIndoorWorkout":
                work.indoor = value == "1"
        elif tag == "WorkoutEvent":
            when = _apple_time(child.get("date"))
            if when is not None:
                work.events.append((str(child.get("type")), when[0]))
        elif tag == "WorkoutStatistics":
            if work.distance_m is None and child.get("type") in _DISTANCE_STATS:
                work.distance_m = _distance(child.get("sum"), child.get("unit"))
        elif tag == "WorkoutRoute":
            for sub in child:
                if sub.tag == "FileReference" and sub.get("path"):
                    work.route_files.append(str(sub.get("path")))
                elif sub.tag == "Location":
                    work.locations.append(_location(sub))
    return work


def _location(elem: Any) -> Point:
    when = _apple_time(elem.get("date"))
    return (
        when[0] if when else None,
        when[1] if when else None,
        None,
        to_float(elem.get("latitude")),
        to_float(elem.get("longitude")),
        to_float(elem.get("altitude")),
        None,
    )


@dataclass
class _Export:
    hr_t: array[float] = field(default_factory=lambda: array("d"))
    hr_bpm: array[float] = field(default_factory=lambda: array("d"))
    workouts: list[_Workout] = field(default_factory=list)
    dropped_chars: int = 0


def _scan(stream: CleanStream, name: str) -> _Export:
    export = _Export()
    parser = safe_iterparse(stream, ("end",), ["Record", "Workout"])
    checked_root = False
    hr_t, hr_bpm = export.hr_t, export.hr_bpm
    for _, elem in parse_events(parser, name):
        if not checked_root:
            _check_root(elem.getroottree().getroot(), name)
            checked_root = True
        if elem.tag == "Record":
            if elem.get("type") == HR_TYPE:
                when = _apple_time(elem.get("startDate"))
                bpm = valid_hr(to_float(elem.get("value")))
                if when is not None and bpm is not None:
                    hr_t.append(when[0])
                    hr_bpm.append(bpm)
        else:
            work = _workout(elem)
            if work is not None:
                export.workouts.append(work)
        elem.clear()
        # Free what was read before this element too (including elements the tag filter skipped).
        parent = elem.getparent()
        while parent is not None and elem.getprevious() is not None:
            del parent[0]
    if not checked_root:
        _check_root(getattr(parser, "root", None), name)
    export.dropped_chars = stream.dropped_chars
    return export


def _check_root(root: Any, name: str) -> None:
    if root is None or root.tag != "HealthData":
        found = root.tag if root is not None and isinstance(root.tag, str) else None
        raise ImportFileError(
            name,
            f"this XML is not an Apple Health export (its root element is <{found}>)"
            if found
            else "this is not an Apple Health export",
        )


def read_apple(source: XmlSource, name: str, *, fast_batch: bool = False) -> list[Activity]:
    """Every workout of an Apple Health export (zip or export.xml), in file order.

    `fast_batch` lets a large export.zip's route files be parsed in a worker process.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        stream: IO[bytes] = io.BytesIO(bytes(source))
    elif source.seekable():
        stream = source
    else:
        stream = io.BytesIO(source.read())
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if is_zip(head):
        return _read_zip(stream, name, fast_batch=fast_batch)
    export = _scan(CleanStream(stream, name, root_hint=b"<HealthData"), name)
    return _activities(export, name, None)


def _read_zip(stream: IO[bytes], name: str, *, fast_batch: bool) -> list[Activity]:
    try:
        zf = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(name, f"the .zip file is damaged or incomplete ({exc})") from exc
    with zf:
        names = zf.namelist()
        member = apple_export_member(names)
        if member is None:
            raise ImportFileError(
                name,
                "this zip is not an Apple Health export (no apple_health_export/export.xml);"
                " export again from the Health app: profile picture, Export All Health Data",
            )
        info = zf.getinfo(member)
        guard = SizeGuard(name, DEFAULT_LIMITS)
        guard.check(member, info.file_size, info.compress_size, max_member=_MAX_EXPORT_BYTES)
        folder = member[: -len("export.xml")]
        known = set(names)
        # Large exports, when the caller allows a worker process (`fast_batch`): the route files
        # are parsed in a second process while this one scans export.xml (they are independent,
        # and the machine has more than one core).
        early = (
            _start_route_parsing(zf, names, folder, name, _path_of(stream)) if fast_batch else None
        )
        with zf.open(info) as raw:
            cleaned = CleanStream(
                raw,
                name,
                root_hint=b"<HealthData",
                check=lambda n: guard.check(
                    member, n, info.compress_size, max_member=_MAX_EXPORT_BYTES
                ),
            )
            export = _scan(cleaned, name)
        parsed: _RouteResult = {}
        if early is not None:
            try:
                parsed = early.result()
            except Exception:
                parsed = {}

        def route(path: str) -> list[Point] | None:
            candidate = folder + path.lstrip("/")
            if candidate not in known:
                base = posixpath.basename(path)
                candidate = next((n for n in names if n.endswith("/" + base)), "")
            if not candidate:
                return None
            if candidate in parsed:
                points, problem = parsed[candidate]
                if problem is not None:
                    raise ImportFileError(f"{name}/{candidate}", problem)
                return points
            return _route_points(zf, candidate, name, guard)

        return _activities(export, name, route)


def _path_of(stream: IO[bytes]) -> str | None:
    path = getattr(stream, "name", None)
    return path if isinstance(path, str) and os.path.isfile(path) else None


_PARALLEL_ROUTES_BYTES = 16 << 20  # below this, a second process costs more than it saves
_RouteResult = dict[str, tuple[list[Point] | None, str | None]]


def _start_route_parsing(
    zf: zipfile.ZipFile, names: list[str], folder: str, name: str, path: str | None
) -> Future[_RouteResult] | None:
    """Hand the export's route files to a worker process when they are big enough to matter.

    Called only when the caller asked for `fast_batch`. The worker opens the zip itself (so this
    process holds none of the route bytes meanwhile); an export that is not a file on disk is read
    here, one route at a time, as before.
    """
    routes = [n for n in names if n.startswith(folder + "workout-routes/") and n.endswith(".gpx")]
    total = sum(zf.getinfo(n).file_size for n in routes)
    if path is None or total < _PARALLEL_ROUTES_BYTES or (os.cpu_count() or 1) < 2:
        return None
    executor = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    future = executor.submit(_parse_routes, path, routes, name)
    executor.shutdown(wait=False)  # the worker ends once its one task is done
    return future


def _route_points(zf: zipfile.ZipFile, candidate: str, name: str, guard: SizeGuard) -> list[Point]:
    """The timed points of one route file inside the export, within the size guards."""
    rinfo = zf.getinfo(candidate)
    guard.check(candidate, rinfo.file_size, rinfo.compress_size)

    def check(n: int) -> None:
        guard.check(candidate, n, rinfo.compress_size)

    with zf.open(rinfo) as fh:
        content = read_content(fh, f"{name}/{candidate}", check=check)
    return [p for seg in content.segments for p in seg if p[0] is not None]


def _parse_routes(path: str, routes: list[str], name: str) -> _RouteResult:
    """In the worker: each route file's points, or what was wrong with it (errors as text, so
    nothing but plain values crosses between the processes). The same size guards apply."""
    out: _RouteResult = {}
    guard = SizeGuard(name, DEFAULT_LIMITS)
    with zipfile.ZipFile(path) as zf:
        for candidate in routes:
            try:
                out[candidate] = (_route_points(zf, candidate, name, guard), None)
            except ImportFileError as exc:
                out[candidate] = (None, exc.problem)
    return out


def _activities(
    export: _Export,
    name: str,
    route: Callable[[str], list[Point] | None] | None,
) -> list[Activity]:
    workouts = export.workouts
    if not workouts:
        raise ImportFileError(
            name, "the Apple Health export holds no workouts; record walks as Workouts on the watch"
        )
    hr = _hr_by_workout(export, workouts)
    return [
        _activity(
            work, hr=hr[i], name=name, index=i, route=route, dropped_chars=export.dropped_chars
        )
        for i, work in enumerate(workouts)
    ]


def _hr_by_workout(export: _Export, workouts: list[_Workout]) -> list[list[tuple[float, float]]]:
    """Each heart-rate record goes to the workout whose [start, end] holds it (one pass)."""
    order = sorted(range(len(workouts)), key=lambda i: workouts[i].start)
    starts = [workouts[i].start for i in order]
    out: list[list[tuple[float, float]]] = [[] for _ in workouts]
    for t, bpm in zip(export.hr_t, export.hr_bpm, strict=True):
        pos = bisect_right(starts, t) - 1
        if pos >= 0:
            idx = order[pos]
            if t <= workouts[idx].end:
                out[idx].append((t, bpm))
    for samples in out:
        samples.sort()
    return out


def _activity(
    work: _Workout,
    *,
    hr: list[tuple[float, float]],
    name: str,
    index: int,
    route: Callable[[str], list[Point] | None] | None,
    dropped_chars: int,
) -> Activity:
    notes: list[str] = []
    kind = work.kind.removeprefix(_TYPE_PREFIX)
    sport = _SPORTS.get(kind, "other")
    sub_sport = "indoor" if work.indoor else (kind.lower() if sport == "other" else None)
    route_points = [p for p in work.locations if p[0] is not None]
    for path in work.route_files:
        if route is None:
            notes.append(f"route {path} is only in export.zip; import the zip to get the route")
            continue
        found = route(path)
        if found is None:
            notes.append(f"route {path} is missing from the zip")
            continue
        inside = [
            p
            for p in found
            if work.start - _ROUTE_MARGIN_S <= p[0] <= work.end + _ROUTE_MARGIN_S  # type: ignore[operator]
        ]
        if found and not inside:
            notes.append(f"route {path} lies outside the workout's time and was not used")
        route_points.extend(inside)
    points: list[Point] = [(t, work.offset, bpm, None, None, None, None) for t, bpm in hr]
    points.extend(route_points)
    points.sort(key=lambda p: p[0])  # type: ignore[arg-type,return-value]
    if not hr:
        notes.append("no heart rate was recorded during this workout")
    pauses = _pauses(work.events)
    common: dict[str, Any] = {
        "sub_sport": sub_sport,
        "timezone": work.timezone,
        "duration_s": work.end - work.start,
        "total_distance_m": work.distance_m,
        "indoor": work.indoor,
        "index": index,
    }
    if not points:
        if dropped_chars:
            notes.append(f"{dropped_chars} characters not allowed in XML were removed")
        return Activity(
            sport=sport,
            start=datetime.fromtimestamp(work.start, UTC),
            source_format=FORMAT,
            file=name,
            utc_offset_s=work.offset,
            device=work.source,
            notes=tuple(notes),
            pauses=tuple((a - work.start, b - work.start) for a, b in pauses),
            **common,
        )
    return build_activity(
        [points],
        name=name,
        source_format=FORMAT,
        sport=sport,
        device=work.source,
        notes=notes,
        dropped_chars=dropped_chars,
        pauses_at=pauses,
        start_at=work.start,
        **common,
    )


def _pauses(events: list[tuple[str, float]]) -> list[tuple[float, float]]:
    pauses: list[tuple[float, float]] = []
    stopped: float | None = None
    for kind, when in sorted(events, key=lambda e: e[1]):
        if kind in _PAUSE_EVENTS and stopped is None:
            stopped = when
        elif kind in _RESUME_EVENTS and stopped is not None:
            if when > stopped:
                pauses.append((stopped, when))
            stopped = None
    return pauses


def sniff_apple(head: bytes, name: str) -> bool:
    """An export.zip (first member under apple_health_export/) or an export.xml (<HealthData)."""
    if looks_like_apple_export(head):
        return True
    text = xml_head(head)
    return text is not None and (b"<!DOCTYPE HealthData" in text or b"<HealthData" in text)


class AppleHealthImporter:
    """The registry's Apple Health entry (export.zip or export.xml)."""

    format = FORMAT
    extensions = ()  # export.xml and export.zip are claimed by content only
    accepts_fast_batch = True

    def sniff(self, head: bytes, name: str) -> bool:
        return sniff_apple(head, name)

    def read(
        self, data: bytes | IO[bytes], name: str, *, fast_batch: bool = False
    ) -> list[Activity]:
        return read_apple(data, name, fast_batch=fast_batch)


APPLE = AppleHealthImporter()
