"""FIT importer (Garmin and others), built on fitdecode (MIT). The Garmin FIT SDK is not used.

What this module does beyond decoding, and why:

- Chained files: a FIT file may hold several FIT files back to back. A part that has its own
  `file_id` starts a new group; parts without one (Garmin appends parts that hold only `hr`
  messages) belong to the group before them. Every group yields its activities.
- Sessions: each `session` message is one activity (a triathlon gives five). Records go to the
  session whose start time they follow. Sport and sub-sport come from the session, else from the
  `sport` message, and are normalised (see `normalise_sport`).
- Heart rate in `hr` messages (a chest strap that buffered beats, e.g. HRM-Pro with an FR955):
  fitdecode decodes them but neither it nor fitparse puts them into the records. We rebuild each
  beat's time from the anchor message (`timestamp` + `fractional_timestamp` paired with
  `event_timestamp`, 1/1024 s) and the packed 12-bit `event_timestamp_12` deltas, then give each
  record without its own heart rate the mean `filtered_bpm` of the beats in (previous record,
  record], rounded half up. A record's own heart rate is never overwritten.
- Invalid values: fitdecode returns None for the FIT invalid sentinels (heart rate 255, position
  0x7FFFFFFF, ...). A heart rate of 0 is treated as missing too, and positions outside ±90/±180
  degrees are dropped. Positions are converted from semicircles to degrees.
- Records that share a timestamp (Strava writes position and distance as two records) are merged.
- Time: timestamps are read raw (seconds since 1989-12-31 UTC). Values below 0x10000000 are
  device-relative (seconds since the device was switched on) and cannot be dated: such a file is
  refused. A record whose time is more than 12 h away from the rest (a file that "ends in 2085")
  is dropped and noted. The UTC offset is `activity.local_timestamp - activity.timestamp`, rounded
  to 15 minutes (fitdecode labels local_timestamp as UTC, so we use the raw integers).
- Pauses: `event` messages with event `timer` give (stop, start) pairs.
- Errors: a bad CRC, a truncated file, a corrupt header or undecodable data raise ImportFileError
  naming the file and the byte offset. Malformed-but-decodable definitions (misaligned field
  sizes) are tolerated, as fitdecode's ErrorHandling.IGNORE allows.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import fitdecode

from walkrx.domain.activity import Activity
from walkrx.domain.numbers import round_half_up
from walkrx.errors import ImportFileError
from walkrx.importers.base import register

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
# Below this, a FIT date_time counts seconds from device power-on, not from the FIT epoch.
DEVICE_RELATIVE_LIMIT = 0x10000000
SEMICIRCLE_DEG = 180.0 / 2**31
# A record further than this from its neighbours' cluster has an impossible time.
CLUSTER_GAP_S = 12 * 3600
OFFSET_STEP_S = 15 * 60
MAX_OFFSET_S = 14 * 3600

_SPORT_BY_NUMBER = {
    0: "generic",
    1: "running",
    2: "cycling",
    3: "transition",
    5: "swimming",
    11: "walking",
    17: "hiking",
    21: "e_biking",
}
_SPORTS = {
    "walking": "walking",
    "hiking": "hiking",
    "running": "running",
    "cycling": "cycling",
    "e_biking": "cycling",
    "swimming": "swimming",
}
_TREADMILL_SUBSPORTS = frozenset({"treadmill", "indoor_walking"})
_INDOOR_SUBSPORTS = frozenset(
    {
        "treadmill",
        "indoor_walking",
        "indoor_running",
        "indoor_cycling",
        "spin",
        "virtual_activity",
        "indoor_rowing",
    }
)
_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_RECORD_FIELDS = frozenset(
    {
        "timestamp",
        "heart_rate",
        "distance",
        "position_lat",
        "position_long",
        "altitude",
        "enhanced_altitude",
    }
)
_OFFSET_IN_MESSAGE = re.compile(r"(?:@|offset:?)\s*(\d+)")


def normalise_sport(sport: object, sub_sport: object) -> tuple[str, str | None, bool]:
    """(sport, sub_sport, indoor) in walkrx terms from FIT's sport and sub_sport values."""
    if isinstance(sport, int):
        sport = _SPORT_BY_NUMBER.get(sport, str(sport))
    sub = None if sub_sport is None else str(sub_sport)
    name = _SPORTS.get(str(sport) if sport is not None else "", "other")
    indoor = sub in _INDOOR_SUBSPORTS
    if name == "walking" and sub in _TREADMILL_SUBSPORTS:
        name = "treadmill_walking"
    return name, sub, indoor


@dataclass
class _Group:
    """The messages of one FIT file within a chain (with its hr-only tail parts)."""

    parts: int = 0
    file_id: dict[str, Any] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    timer_events: list[tuple[int, bool]] = field(default_factory=list)  # (raw time, is_stop)
    hr_messages: list[list[fitdecode.types.FieldData]] = field(default_factory=list)


def _fields(message: fitdecode.FitDataMessage, raw_times: Iterable[str] = ()) -> dict[str, Any]:
    """Name -> value for the message's own (non-component) fields; raw ints for `raw_times`."""
    wanted_raw = set(raw_times)
    out: dict[str, Any] = {}
    for fd in message.fields:
        if fd.name in wanted_raw:
            out[fd.name] = fd.raw_value
        elif fd.name not in out or out[fd.name] is None:
            out[fd.name] = fd.value
    return out


def _error(name: str, exc: Exception) -> ImportFileError:
    offset = getattr(exc, "offset", None)
    if offset is None:
        match = _OFFSET_IN_MESSAGE.search(str(exc))
        offset = int(match.group(1)) if match else None
    where = f"byte {offset}" if offset is not None else None
    if isinstance(exc, fitdecode.FitCRCError):
        problem = "the file is damaged (its checksum does not match)"
    elif isinstance(exc, fitdecode.FitEOFError):
        problem = "the file is truncated (it ends in the middle of a message)"
    elif isinstance(exc, fitdecode.FitHeaderError):
        problem = "the file is damaged (a FIT header is invalid)"
    else:
        problem = f"the file is damaged and cannot be decoded ({exc})"
    return ImportFileError(
        name, f"{problem}; copy the activity from the watch or app again", where=where
    )


def _groups(stream: BinaryIO, name: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    pending_part = False
    try:
        with fitdecode.FitReader(
            stream,
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.IGNORE,
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitHeader):
                    pending_part = True
                    continue
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                mesg = frame.name
                if current is None or (mesg == "file_id" and (pending_part or current.file_id)):
                    current = _Group(parts=0)
                    groups.append(current)
                if pending_part:
                    current.parts += 1
                    pending_part = False
                if mesg == "record":
                    rec: dict[str, Any] = {}
                    for fd in frame.fields:
                        if fd.name in _RECORD_FIELDS and rec.get(fd.name) is None:
                            rec[fd.name] = fd.raw_value if fd.name == "timestamp" else fd.value
                    current.records.append(rec)
                elif mesg == "hr":
                    current.hr_messages.append(list(frame.fields))
                elif mesg == "event":
                    ev = _fields(frame, ("timestamp",))
                    if ev.get("event") == "timer" and isinstance(ev.get("timestamp"), int):
                        current.timer_events.append(
                            (ev["timestamp"], ev.get("event_type") in _TIMER_STOPS)
                        )
                elif mesg == "session":
                    current.sessions.append(_fields(frame, ("timestamp", "start_time")))
                elif mesg == "sport":
                    current.sports.append(_fields(frame))
                elif mesg == "activity":
                    current.activity = _fields(frame, ("timestamp", "local_timestamp"))
                elif mesg == "file_id":
                    current.file_id = _fields(frame, ("time_created",))
    except fitdecode.FitError as exc:
        raise _error(name, exc) from exc
    except (ValueError, KeyError, IndexError, TypeError, AssertionError) as exc:
        # fitdecode can trip over malformed content in ways it does not wrap in FitError.
        raise ImportFileError(name, f"the file cannot be decoded ({exc!r})") from exc
    return groups


def _beats(hr_messages: Sequence[Sequence[fitdecode.types.FieldData]]) -> list[tuple[float, int]]:
    """(raw FIT time in seconds, bpm) for every beat in `hr` messages, in order."""
    beats: list[tuple[float, int]] = []
    anchor_time: float | None = None
    anchor_event: int = 0  # event_timestamp at the anchor, 1/1024 s
    acc: int | None = None  # last event_timestamp, 1/1024 s, for the 12-bit accumulation
    for fields in hr_messages:
        timestamp: int | None = None
        fractional = 0.0
        events: list[int] = []
        packed: Sequence[int] | None = None
        bpms: list[int | None] = []
        for fd in fields:
            if fd.field_def is None:  # components that fitdecode expanded: we decode them ourselves
                continue
            raw = fd.raw_value
            if fd.name == "timestamp" and isinstance(raw, int):
                timestamp = raw
            elif fd.name == "fractional_timestamp" and isinstance(fd.value, int | float):
                fractional = float(fd.value)
            elif fd.name == "event_timestamp" and raw is not None:
                values = raw if isinstance(raw, tuple | list) else (raw,)
                events.extend(int(v) for v in values if v is not None)
            elif fd.name == "event_timestamp_12" and raw is not None:
                packed = raw if isinstance(raw, tuple | list) else None
            elif fd.name == "filtered_bpm" and raw is not None:
                values = raw if isinstance(raw, tuple | list) else (raw,)
                bpms.extend(values)
        if timestamp is not None and events and timestamp >= DEVICE_RELATIVE_LIMIT:
            anchor_time = timestamp + fractional
            anchor_event = events[0]
        if packed is not None and acc is not None:
            as_int = int.from_bytes(bytes(packed), "little")
            for k in range(len(packed) * 8 // 12):
                low = (as_int >> (12 * k)) & 0xFFF
                value = (acc & ~0xFFF) + low
                if value < acc:
                    value += 0x1000
                events.append(value)
                acc = value
        elif events:
            acc = events[-1]
        if anchor_time is None:
            continue
        previous: int | None = None
        for event, bpm in zip(events, bpms, strict=False):
            if event == previous or bpm is None or bpm in (0, 255):
                previous = event
                continue  # devices pad the last packed message by repeating its last beat
            previous = event
            beats.append((anchor_time + (event - anchor_event) / 1024.0, int(bpm)))
    return beats


def _merge_beats(
    times: Sequence[int], hr: list[float | None], beats: list[tuple[float, int]]
) -> int:
    """Fill records without heart rate from beats in (previous record, record]; count filled."""
    if not beats or not times:
        return 0
    beats.sort()
    beat_times = [b[0] for b in beats]
    filled = 0
    for i, t in enumerate(times):
        if hr[i] is not None:
            continue
        lo = times[i - 1] if i > 0 else t - 1
        first = bisect_right(beat_times, lo)
        last = bisect_right(beat_times, t)
        if last > first:
            window = [beats[k][1] for k in range(first, last)]
            hr[i] = float(round_half_up(sum(window) / len(window)))
            filled += 1
    return filled


def _valid_time(raw: object) -> int | None:
    return raw if isinstance(raw, int) and raw >= DEVICE_RELATIVE_LIMIT else None


def _main_cluster(times: Sequence[int]) -> tuple[int, int]:
    """Index range [lo, hi) of the largest run of records with no jump over CLUSTER_GAP_S."""
    best = (0, 0)
    start = 0
    for i in range(1, len(times) + 1):
        if i == len(times) or abs(times[i] - times[i - 1]) > CLUSTER_GAP_S:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = i
    return best


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _device(file_id: dict[str, Any]) -> str | None:
    maker = file_id.get("manufacturer")
    product = file_id.get("garmin_product") or file_id.get("product_name") or file_id.get("product")
    parts = [str(p) for p in (maker, product) if p is not None]
    return " ".join(parts) or None


def _utc_offset(activity: dict[str, Any]) -> int | None:
    utc = _valid_time(activity.get("timestamp"))
    local = _valid_time(activity.get("local_timestamp"))
    if utc is None or local is None:
        return None
    offset = round((local - utc) / OFFSET_STEP_S) * OFFSET_STEP_S
    return offset if abs(offset) <= MAX_OFFSET_S else None


@dataclass
class _Samples:
    times: list[int]
    hr: list[float | None]
    distance: list[float | None]
    lat: list[float | None]
    lon: list[float | None]
    altitude: list[float | None]


def _samples(group: _Group, name: str, notes: list[str]) -> _Samples:
    """Clean, merged, time-ordered record columns of a group."""
    dated = [r for r in group.records if _valid_time(r.get("timestamp")) is not None]
    relative = sum(
        1
        for r in group.records
        if isinstance(r.get("timestamp"), int) and r["timestamp"] < DEVICE_RELATIVE_LIMIT
    )
    if relative and not dated:
        raise ImportFileError(
            name,
            "the device wrote times relative to when it was switched on, not dates, so the walk's "
            "date cannot be known; enter this walk in the diary instead",
            where="record timestamps",
        )
    if relative:
        notes.append(f"dropped {relative} record(s) with device-relative times")
    times_raw = [int(r["timestamp"]) for r in dated]
    lo, hi = _main_cluster(times_raw)
    if hi - lo < len(dated):
        notes.append(f"dropped {len(dated) - (hi - lo)} record(s) with impossible times")
    kept = dated[lo:hi]
    # Records out of order are dropped; records sharing a time are merged (first value wins).
    out = _Samples([], [], [], [], [], [])
    last_t: int | None = None
    out_of_order = 0
    for rec in kept:
        t = int(rec["timestamp"])
        hr = _float(rec.get("heart_rate"))
        if hr is not None and hr <= 0:
            hr = None
        lat = _float(rec.get("position_lat"))
        lon = _float(rec.get("position_long"))
        if lat is not None and lon is not None:
            lat, lon = lat * SEMICIRCLE_DEG, lon * SEMICIRCLE_DEG
            if abs(lat) > 90 or abs(lon) > 180:
                lat = lon = None
        else:
            lat = lon = None
        alt = _float(rec.get("enhanced_altitude"))
        if alt is None:
            alt = _float(rec.get("altitude"))
        dist = _float(rec.get("distance"))
        if last_t is not None and t < last_t:
            out_of_order += 1
            continue
        if last_t is not None and t == last_t:
            for column, value in (
                (out.hr, hr),
                (out.distance, dist),
                (out.lat, lat),
                (out.lon, lon),
                (out.altitude, alt),
            ):
                if column[-1] is None:
                    column[-1] = value
            continue
        last_t = t
        out.times.append(t)
        out.hr.append(hr)
        out.distance.append(dist)
        out.lat.append(lat)
        out.lon.append(lon)
        out.altitude.append(alt)
    if out_of_order:
        notes.append(f"dropped {out_of_order} record(s) out of time order")
    if group.hr_messages:
        filled = _merge_beats(out.times, out.hr, _beats(group.hr_messages))
        if filled:
            notes.append(
                f"heart rate for {filled} record(s) taken from {len(group.hr_messages)} "
                "hr message(s) of a chest strap"
            )
    return out


def _activities(group: _Group, name: str, first_index: int) -> list[Activity]:
    notes: list[str] = []
    if group.parts > 1:
        notes.append(f"chained file part with {group.parts} FIT sections")
    samples = _samples(group, name, notes)
    sessions = sorted(
        (s for s in group.sessions if _valid_time(s.get("start_time")) is not None),
        key=lambda s: int(s["start_time"]),
    )
    if group.sessions and not sessions and not samples.times:
        raise ImportFileError(
            name,
            "the file's sessions have no usable start time; enter this walk in the diary instead",
            where="session",
        )
    if not sessions:
        sport_msg = group.sports[0] if group.sports else {}
        sessions = [{"sport": sport_msg.get("sport"), "sub_sport": sport_msg.get("sub_sport")}]
    starts = [int(s["start_time"]) if "start_time" in s else None for s in sessions]
    utc_offset = _utc_offset(group.activity)
    device = _device(group.file_id)
    timer_events = sorted(group.timer_events)
    out: list[Activity] = []
    for k, session in enumerate(sessions):
        # Records belong to the last session starting at or before them; earlier ones to the first.
        lo_t = starts[k] if k > 0 and starts[k] is not None else None
        hi_t = starts[k + 1] if k + 1 < len(sessions) else None
        lo = 0 if lo_t is None else bisect_right(samples.times, lo_t - 1)
        hi = len(samples.times) if hi_t is None else bisect_right(samples.times, hi_t - 1)
        sport, sub_sport, indoor = normalise_sport(session.get("sport"), session.get("sub_sport"))
        if session.get("sport") is None and group.sports:
            sport, sub_sport, indoor = normalise_sport(
                group.sports[0].get("sport"), group.sports[0].get("sub_sport")
            )
        if hi > lo:
            start_raw = samples.times[lo]
        elif starts[k] is not None:
            start_raw = int(session["start_time"])
        else:
            continue  # nothing to date this session by
        times = samples.times[lo:hi]
        end_raw = times[-1] if times else start_raw
        pauses = _pauses(timer_events, start_raw, end_raw)
        out.append(
            Activity(
                sport=sport,
                start=FIT_EPOCH + timedelta(seconds=start_raw),
                source_format="fit",
                file=name,
                sub_sport=sub_sport,
                utc_offset_s=utc_offset,
                t_s=tuple(float(t - start_raw) for t in times),
                hr_bpm=tuple(samples.hr[lo:hi]),
                distance_m=tuple(_relative_distance(samples.distance[lo:hi])),
                lat=tuple(samples.lat[lo:hi]),
                lon=tuple(samples.lon[lo:hi]),
                altitude_m=tuple(samples.altitude[lo:hi]),
                pauses=pauses,
                duration_s=_float(session.get("total_elapsed_time")),
                total_distance_m=_float(session.get("total_distance")),
                indoor=indoor,
                device=device,
                index=first_index + len(out),
                notes=tuple(notes),
            )
        )
    return out


def _relative_distance(values: Sequence[float | None]) -> Iterator[float | None]:
    """Cumulative distance from the session's own start (later sessions of a file continue)."""
    base = next((v for v in values if v is not None), None)
    for v in values:
        yield None if v is None or base is None else max(0.0, v - base)


def _pauses(
    events: Sequence[tuple[int, bool]], start: int, end: int
) -> tuple[tuple[float, float], ...]:
    """(stop_s, start_s) from `start` for every timer stop followed by a start within the walk."""
    pauses: list[tuple[float, float]] = []
    stopped_at: int | None = None
    for t, is_stop in events:
        if is_stop:
            if stopped_at is None:
                stopped_at = t
        elif stopped_at is not None:
            if t > start and stopped_at < end and t > stopped_at:
                pauses.append((float(max(stopped_at, start) - start), float(min(t, end) - start)))
            stopped_at = None
    return tuple(pauses)


class FitImporter:
    """Reads FIT activity files (including chained files) into activities."""

    format = "fit"
    extensions = (".fit",)

    def sniff(self, head: bytes, name: str) -> bool:
        """A FIT header: size 12 or 14, then '.FIT' at bytes 8-11."""
        return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"

    def read(self, data: bytes | BinaryIO, name: str) -> list[Activity]:
        """Every session of every chained FIT file in `data`, as activities in file order."""
        stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes) else data
        groups = _groups(stream, name)
        if not groups:
            raise ImportFileError(name, "the FIT file holds no messages")
        activities: list[Activity] = []
        for group in groups:
            activities.extend(_activities(group, name, len(activities)))
        if not activities:
            raise ImportFileError(name, "the FIT file holds no activity (no session or record)")
        return activities


FIT = register(FitImporter())


def read_fit(data: bytes | BinaryIO, name: str) -> list[Activity]:
    """Read a FIT file's activities (shortcut for `FitImporter().read`)."""
    return FIT.read(data, name)
