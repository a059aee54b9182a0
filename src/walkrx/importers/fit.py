"""FIT importer (Garmin and others), built on fitdecode (MIT). The Garmin FIT SDK is not used.

What the FIT import does beyond decoding, and why. Reading the stream into groups of messages
(chained files, truncation, errors) is in `_fit_messages.py`, the `hr` decoding in `_fit_hr.py`:

- Chained files: a FIT file may hold several FIT files back to back. A part that has its own
  `file_id` starts a new group; parts without one (Garmin appends parts that hold only `hr`
  messages) belong to the group before them. Every group yields its activities.
- Sessions: each `session` message is one activity (a triathlon gives five). Records go to the
  session whose start time they follow (records before the first session's start go to it), and
  the activity starts at its first record. Sport and sub-sport come from the session, else from
  the `sport` message, and are normalised (see `normalise_sport`).
- A session's start_time out of line: when it lies more than a minute after the session's first
  record while the session's own total_elapsed_time spans its records from that first record
  (within a minute), the start_time is the one figure that disagrees (the fenix 2 multisport file:
  start_time 45 min into an unbroken leg whose elapsed time, distance and first lap all run from
  the first record). The activity starts at the first record and a note says so.
- A session without total_distance whose records carry a cumulative distance: the walk's distance
  is the last recorded one (see `walkrx.domain.metrics`), and a note says the summary gave none.
- Heart rate in `hr` messages (a chest strap that buffered beats, e.g. HRM-Pro with an FR955):
  fitdecode decodes them but neither it nor fitparse puts them into the records. `_fit_hr.py`
  rebuilds each beat's time from the anchor message (`timestamp` + `fractional_timestamp` paired
  with `event_timestamp`, 1/1024 s) and the packed 12-bit `event_timestamp_12` deltas, then gives
  each record without its own heart rate the mean `filtered_bpm` of the beats in (previous record,
  record], rounded half up. A record's own heart rate is never overwritten.
- Invalid values: fitdecode returns None for the FIT invalid sentinels (heart rate 255, position
  0x7FFFFFFF, ...). A heart rate of 0 is treated as missing too, and positions outside ±90/±180
  degrees are dropped. Positions are converted from semicircles to degrees.
- Records that share a timestamp (Strava writes position and distance as two records) are merged.
- Time: timestamps are read raw (seconds since 1989-12-31 UTC). Values below 0x10000000 are
  device-relative (seconds since the device was switched on) and cannot be dated: such a file is
  refused. Nothing else in such a file dates it: the Forerunner 70 writes file_id.time_created
  device-relative too, and its one calendar value, activity.local_timestamp, is the same
  (2012-02-13 12:21:03) in two of its files whose activities lie 9 days apart on its own clock,
  so it is not the activity's time. A record whose time is more than 12 h away from the rest (a
  file that "ends in 2085") is dropped and noted. The UTC offset is `activity.local_timestamp -
  activity.timestamp`, rounded to 15 minutes (fitdecode labels local_timestamp as UTC, so we use
  the raw integers).
- Pauses: `event` messages with event `timer` give (stop, start) pairs.
- Truncated files (fitdecode raises FitEOFError: the file ends in the middle of a message, often
  before its session summary): everything decoded before the cut is kept, and the activities of
  the FIT file the cut went through get a note naming the byte and how many records were read.
  A file cut before its first record is refused.
- Errors: a bad CRC, a truncated file without a record, a corrupt header or undecodable data raise
  ImportFileError naming the file and the byte offset. Malformed-but-decodable definitions
  (misaligned field sizes) are tolerated, as fitdecode's ErrorHandling.IGNORE allows.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from walkrx.domain.activity import Activity
from walkrx.errors import ImportFileError
from walkrx.importers._fit_hr import beats, merge_beats
from walkrx.importers._fit_messages import DEVICE_RELATIVE_LIMIT, FIT_EPOCH, Cut, Group, read_groups
from walkrx.importers.base import register

SEMICIRCLE_DEG = 180.0 / 2**31
# A record further than this from its neighbours' cluster has an impossible time.
CLUSTER_GAP_S = 12 * 3600
# A session's start_time this far from what its records and elapsed time say is out of line.
START_MISMATCH_S = 60
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


def _samples(group: Group, name: str, notes: list[str]) -> _Samples:
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
        filled = merge_beats(out.times, out.hr, beats(group.hr_messages))
        if filled:
            notes.append(
                f"heart rate for {filled} record(s) taken from {len(group.hr_messages)} "
                "hr message(s) of a chest strap"
            )
    return out


def _activities(
    group: Group, name: str, first_index: int, cut_note: str | None = None
) -> list[Activity]:
    notes: list[str] = [cut_note] if cut_note else []
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
        elapsed = _float(session.get("total_elapsed_time"))
        total_distance = _float(session.get("total_distance"))
        own_notes = list(notes)
        late = _late_start_note(starts[k], elapsed, times)
        if late:
            own_notes.append(late)
        if (
            "start_time" in session
            and total_distance is None
            and any(d is not None for d in samples.distance[lo:hi])
        ):
            own_notes.append(
                "The file's summary gives no total distance, so the distance is the last one the "
                "device recorded."
            )
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
                duration_s=elapsed,
                total_distance_m=total_distance,
                indoor=indoor,
                device=device,
                index=first_index + len(out),
                notes=tuple(own_notes),
            )
        )
    return out


def _late_start_note(start: int | None, elapsed: float | None, times: Sequence[int]) -> str | None:
    """A note when the session's start_time lies well after its first record while its own
    elapsed time runs from that first record (the fenix 2 multisport file): the start_time is the
    one figure out of line, so the activity starts at the first record, as its elapsed time does.
    """
    if start is None or elapsed is None or len(times) < 2:
        return None
    ahead = start - times[0]
    if ahead <= START_MISMATCH_S or abs(times[-1] - times[0] - elapsed) > START_MISMATCH_S:
        return None
    return (
        f"The file's summary says this activity started {round(ahead / 60)} minutes after its "
        "first record, but the summary's own elapsed time counts from that first record, so the "
        "activity starts there."
    )


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


def _cut_note(cut: Cut | None, group: Group) -> str | None:
    """The note for a file cut short (its last group is the one the cut went through)."""
    if cut is None:
        return None
    where = f" (byte {cut.offset})" if cut.offset is not None else ""
    return (
        f"The file ends in the middle of a message{where}: the {len(group.records)} records "
        "before it were read; anything recorded after is lost."
    )


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
        groups, cut = read_groups(stream, name)
        if not groups:
            raise ImportFileError(name, "the FIT file holds no messages")
        activities: list[Activity] = []
        for k, group in enumerate(groups):
            cut_note = _cut_note(cut, group) if k == len(groups) - 1 else None
            activities.extend(_activities(group, name, len(activities), cut_note))
        if not activities:
            raise ImportFileError(name, "the FIT file holds no activity (no session or record)")
        return activities


FIT = register(FitImporter())


def read_fit(data: bytes | BinaryIO, name: str) -> list[Activity]:
    """Read a FIT file's activities (shortcut for `FitImporter().read`)."""
    return FIT.read(data, name)
