"""Write `<file>.reference.json` beside every file in this folder, from reference libraries only.

Run from anywhere: `python tests/data/reference/make_reference.py` (needs fitdecode, fitparse,
gpxpy, tcxreader and lxml; walkrx is NOT imported, so the figures are independent of it).

Per activity (a FIT session, a GPX outing, a TCX Activity, an Apple Health Workout) it records:
(a GPX outing is a <trk>, cut wherever an hour or more passes without a point: a gap is a pause in
the spec, and an hour-long pause ends a walk)

- start: UTC ISO time of the activity's start;
- duration_s and duration_source: the FIT session's total_elapsed_time, the Apple workout's
  duration, or (GPX, TCX, FIT without a session) the latest minus the earliest sample time;
- distance_m and distance_source: FIT session total_distance, TCX sum of the laps'
  DistanceMeters, Apple workout totalDistance, GPX gpxpy length_2d over each segment in FILE ORDER
  (points outside +-90/+-180 are dropped and split the segment: OpenTracks writes lat=100/200 as
  pause/resume markers);
- avg_hr_time_weighted: each heart-rate sample weighted by the time to the next heart-rate
  sample, intervals over 30 s or with dt <= 0 left out (computed here, over the library's samples);
- hr_samples: how many samples carry a heart rate;
- cannot_know: {field: reason} where the file cannot give the figure.

Each file also gets `crosscheck`: counts from a second reader (fitparse for FIT, plain lxml for
GPX, TCX and Apple), which tests/importers/test_reference_files.py compares with the first.
"""

from __future__ import annotations

import itertools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import fitparse
import gpxpy
import gpxpy.geo
import tcxreader
from lxml import etree
from tcxreader.tcxreader import TCXReader

HERE = Path(__file__).resolve().parent
MAX_DT_S = 30.0  # longer gaps between heart-rate samples are not weighted
SPLIT_GAP_S = 3600.0  # an hour or more without a point ends an outing (spec: a gap is a pause)


def time_weighted_hr(
    samples: list[tuple[float, float]], pauses: list[tuple[float, float]] = ()
) -> float | None:
    """Each (t_s, bpm) weighted by the time to the next sample; dt <= 0 or > 30 s left out, and
    intervals that overlap a timer stop (spec 9: a pause counts nothing)."""
    total = weight = 0.0
    for (t0, hr0), (t1, _) in itertools.pairwise(samples):
        dt = t1 - t0
        if any(a < t1 and t0 < b for a, b in pauses):
            continue
        if 0 < dt <= MAX_DT_S:
            total += hr0 * dt
            weight += dt
    return round(total / weight, 3) if weight else None


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).isoformat()


def rounded(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)


def activity(
    start: datetime | None,
    duration: float | None,
    duration_source: str,
    distance: float | None,
    distance_source: str,
    hr: list[tuple[float, float]],
    samples: int,
    cannot_know: dict[str, str],
    pauses: list[tuple[float, float]] = (),
    **extra: Any,
) -> dict[str, Any]:
    avg = time_weighted_hr(hr, pauses)
    if not hr:
        cannot_know.setdefault("avg_hr", "no sample carries a heart rate")
    elif avg is None:
        cannot_know.setdefault("avg_hr", "heart-rate samples are all more than 30 s apart")
    if start is None:
        cannot_know.setdefault("start", "no usable timestamp")
    if duration is None:
        cannot_know.setdefault("duration_s", "no usable timestamps")
    if distance is None:
        cannot_know.setdefault("distance_m", "no distance and no positions")
    return {
        "start": iso(start),
        "duration_s": rounded(duration),
        "duration_source": duration_source,
        "distance_m": rounded(distance),
        "distance_source": distance_source,
        "avg_hr_time_weighted": avg,
        "hr_samples": len(hr),
        "samples": samples,
        "cannot_know": cannot_know,
        **extra,
    }


# ---- FIT --------------------------------------------------------------------------------------


def _fit_messages(path: Path) -> tuple[list[tuple[str, dict[str, Any]]], str | None]:
    """Every data message as (name, {field: value}) read by fitdecode, and the error that ended
    the read early (a truncated file or a bad CRC), if any."""
    out: list[tuple[str, dict[str, Any]]] = []
    error = None
    part = -1  # which of the chained FIT files in this one file the message belongs to
    try:
        with fitdecode.FitReader(
            str(path), check_crc=fitdecode.CrcCheck.WARN, keep_raw_chunks=False
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitHeader):
                    part += 1
                if isinstance(frame, fitdecode.FitDataMessage):
                    fields = {f.name: f.value for f in frame.fields} | {"_part": part}
                    out.append((frame.name, fields))
    except Exception as exc:  # the reference states what stopped it
        error = f"{type(exc).__name__}: {exc}"
    return out, error


def _fit_time(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int):  # device-relative seconds (fitdecode leaves them as int)
        return float(value)
    return None


def _timer_pauses(messages: list[tuple[str, dict[str, Any]]]) -> list[tuple[float, float]]:
    """(stop, start) times of the timer, from `event` messages (event timer, stop then start)."""
    out: list[tuple[float, float]] = []
    stopped: float | None = None
    for name, f in messages:
        if name != "event" or f.get("event") != "timer":
            continue
        t = _fit_time(f.get("timestamp"))
        if t is None:
            continue
        if str(f.get("event_type", "")).startswith("stop"):
            stopped = t if stopped is None else stopped
        elif stopped is not None:
            if t > stopped:
                out.append((stopped, t))
            stopped = None
    return out


def fit_reference(path: Path) -> dict[str, Any]:
    messages, error = _fit_messages(path)
    records = [f for n, f in messages if n == "record"]
    sessions = [f for n, f in messages if n == "session"]
    file_id = next((f for n, f in messages if n == "file_id"), {})
    device = " ".join(
        str(file_id.get(k)) for k in ("manufacturer", "garmin_product", "product") if file_id.get(k)
    )
    rec = [(_fit_time(r.get("timestamp")), r) for r in records]
    rec = [(t, r) for t, r in rec if t is not None]
    relative = any(isinstance(r.get("timestamp"), int) for _, r in rec)
    pauses = _timer_pauses(messages)
    laps = [f for n, f in messages if n == "lap"]
    acts = []
    for i, s in enumerate(sessions):
        st = s.get("start_time")
        t0 = _fit_time(st)
        elapsed = s.get("total_elapsed_time")
        # A session whose start_time + elapsed runs into the next session's start: its own
        # first lap says where it began (the fenix 2 multisport file).
        nxt = sessions[i + 1] if i + 1 < len(sessions) else None
        nxt_t0 = _fit_time(nxt.get("start_time")) if nxt and nxt["_part"] == s["_part"] else None
        if (
            t0 is not None
            and elapsed is not None
            and nxt_t0 is not None
            and (t0 + elapsed > nxt_t0 + 1)
        ):
            earlier = [
                _fit_time(lap.get("start_time"))
                for lap in laps
                if lap["_part"] == s["_part"] and _fit_time(lap.get("start_time")) is not None
            ]
            earlier = [t for t in earlier if t is not None and t < t0]
            if earlier:
                t0 = min(earlier)
                st = datetime.fromtimestamp(t0, UTC)
        window = [
            (t, r)
            for t, r in rec
            if t0 is not None
            and elapsed is not None
            and r["_part"] == s["_part"]
            and t0 - 1 <= t <= t0 + elapsed + 1
        ]
        hr = [(t, float(r["heart_rate"])) for t, r in window if r.get("heart_rate")]
        cannot: dict[str, str] = {}
        start = st if isinstance(st, datetime) else None
        if isinstance(st, int):
            cannot["start"] = "device-relative clock: the file gives no calendar date"
        dist = s.get("total_distance")
        dist_source = "session total_distance"
        recorded = [r["distance"] for _, r in window if r.get("distance") is not None]
        if not dist and any(recorded):
            dist = max(recorded) - min(recorded)
            dist_source = "record distance, last minus first (the session gives none)"
        elif not dist:
            dist = None
            cannot["distance_m"] = "the session records no distance (indoor, pool or no sensor)"
        acts.append(
            activity(
                start,
                elapsed,
                "session total_elapsed_time",
                dist,
                dist_source,
                hr,
                len(window),
                cannot,
                pauses=pauses,
                sport=str(s.get("sport")),
                sub_sport=str(s.get("sub_sport")),
                index=i,
            )
        )
    if not sessions and rec:
        # No session message (a truncated file): the figures the records read before the break
        # can give.
        times = [t for t, _ in rec]
        dists = [r.get("distance") for _, r in rec if r.get("distance") is not None]
        hr = [(t, float(r["heart_rate"])) for t, r in rec if r.get("heart_rate")]
        first = rec[0][1].get("timestamp")
        cannot = {"sport": "no session message: the file ends before its summary"}
        acts.append(
            activity(
                first if isinstance(first, datetime) else None,
                max(times) - min(times),
                "last minus first record time (no session)",
                max(dists) if dists else None,
                "largest record distance (no session)",
                hr,
                len(rec),
                cannot,
                index=0,
            )
        )
    return {
        "format": "fit",
        "device": device or None,
        "decode_error": error,
        "device_relative_clock": relative,
        "activities": acts,
        "crosscheck": {
            "fitdecode": {
                "records": len(records),
                "sessions": len(sessions),
                "session_elapsed": [s.get("total_elapsed_time") for s in sessions],
            },
            "fitparse": _fitparse_counts(path),
        },
    }


def _fitparse_counts(path: Path) -> dict[str, Any]:
    records = sessions = 0
    elapsed: list[Any] = []
    try:
        ff = fitparse.FitFile(str(path), check_crc=False)
        for msg in ff.get_messages():
            if msg.name == "record":
                records += 1
            elif msg.name == "session":
                sessions += 1
                elapsed.append(msg.get_value("total_elapsed_time"))
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "records": records, "sessions": sessions}
    return {"records": records, "sessions": sessions, "session_elapsed": elapsed}


# ---- GPX --------------------------------------------------------------------------------------


def _gpx_hr(point: Any) -> float | None:
    for ext in point.extensions:
        for el in ext.iter():
            tag = str(el.tag).rsplit("}", 1)[-1].lower()
            if tag in ("hr", "heartrate") and el.text and el.text.strip():
                try:
                    return float(el.text)
                except ValueError:
                    return None
    return None


def _valid(p: Any) -> bool:
    return -90 <= p.latitude <= 90 and -180 <= p.longitude <= 180


def _outings(trk: Any) -> list[list[list[Any]]]:
    """A track cut into outings (each a list of segments) wherever the time moves on by
    SPLIT_GAP_S or more from the latest point so far; points without a time follow the point
    before them. A track with no time at all is one outing."""
    outings: list[list[list[Any]]] = [[]]
    latest: float | None = None
    for seg in trk.segments:
        outings[-1].append([])
        for p in seg.points:
            t = p.time.timestamp() if p.time is not None else None
            if t is not None and latest is not None and t - latest >= SPLIT_GAP_S:
                outings.append([[]])
            outings[-1][-1].append(p)
            if t is not None:
                latest = t if latest is None else max(latest, t)
    return [[seg for seg in o if seg] for o in outings if any(o)] or [[]]


def gpx_reference(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        gpx = gpxpy.parse(fh)
    acts = []
    for i, trk in enumerate(gpx.tracks):
        for segments in _outings(trk):
            acts.append(_gpx_outing(segments, i))
    tree = etree.parse(str(path))
    lx = [
        len(trk.findall(".//{*}trkpt"))
        for trk in tree.getroot().iter("{*}trk", "trk")
        if isinstance(trk.tag, str)
    ]
    return {
        "format": "gpx",
        "creator": gpx.creator,
        "activities": acts,
        "crosscheck": {
            "gpxpy_points": [sum(len(seg.points) for seg in trk.segments) for trk in gpx.tracks],
            "lxml_trkpt": lx,
        },
    }


def _gpx_outing(segments: list[list[Any]], track: int) -> dict[str, Any]:
    """The reference figures of one outing of track number `track`."""
    pts = [p for seg in segments for p in seg]
    dist = 0.0
    dropped = 0
    for seg in segments:
        run: list[Any] = []
        for p in seg:
            if _valid(p):
                run.append(p)
                continue
            dropped += 1
            dist += gpxpy.geo.length_2d(run) if len(run) > 1 else 0.0
            run = []
        dist += gpxpy.geo.length_2d(run) if len(run) > 1 else 0.0
    times = [p.time for p in pts if p.time is not None]
    ts = [t.timestamp() for t in times]
    backwards = sum(1 for a, b in itertools.pairwise(ts) if b < a)
    hr = []
    for p in pts:
        v = _gpx_hr(p)
        if v is not None and p.time is not None:
            hr.append((p.time.timestamp(), v))
    cannot: dict[str, str] = {}
    if sum(1 for p in pts if _valid(p)) < 2:
        cannot["distance_m"] = "fewer than two positions: no distance"
    if not times:
        cannot["start"] = "no point has a time"
        cannot["duration_s"] = "no point has a time"
    return activity(
        min(times) if times else None,
        (max(ts) - min(ts)) if ts else None,
        "latest minus earliest point time",
        dist if pts else None,
        "gpxpy length_2d per segment, file order, invalid points dropped",
        hr,
        len(pts),
        cannot,
        points_time_backwards=backwards,
        invalid_points=dropped,
        segments=len(segments),
        index=track,
    )


# ---- TCX --------------------------------------------------------------------------------------


def tcx_reference(path: Path) -> dict[str, Any]:
    ex = TCXReader().read(str(path), only_gps=False)
    tps = [tp for tp in ex.trackpoints if tp.time is not None]
    ts = [tp.time.replace(tzinfo=tp.time.tzinfo or UTC).timestamp() for tp in tps]
    hr = [(t, float(tp.hr_value)) for t, tp in zip(ts, tps, strict=True) if tp.hr_value]
    laps = [lap.distance for lap in ex.laps if lap.distance is not None]
    dist = sum(laps) if laps else ex.distance
    tree = etree.parse(str(path))
    root = tree.getroot()
    acts_xml = root.findall(".//{*}Activities/{*}Activity")
    cannot: dict[str, str] = {}
    act = activity(
        min(tps, key=lambda tp: tp.time).time if tps else None,
        (max(ts) - min(ts)) if ts else None,
        "latest minus earliest trackpoint time",
        dist,
        "sum of the laps' DistanceMeters (tcxreader)",
        hr,
        len(tps),
        cannot,
        sport=ex.activity_type,
        index=0,
        tcxreader_distance=rounded(ex.distance),
    )
    return {
        "format": "tcx",
        "device": ex.author.name if getattr(ex, "author", None) else None,
        "activities": [act],
        "crosscheck": {
            "tcxreader_trackpoints": len(tps),
            "lxml_trackpoints_with_time": len(root.findall(".//{*}Trackpoint/{*}Time")),
            "lxml_activities": len(acts_xml),
            "lxml_hr": len(root.findall(".//{*}Trackpoint/{*}HeartRateBpm/{*}Value")),
        },
    }


# ---- Apple Health -----------------------------------------------------------------------------


def _apple_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")


_UNIT_S = {"min": 60.0, "s": 1.0, "sec": 1.0, "hr": 3600.0, "h": 3600.0}
_UNIT_M = {"km": 1000.0, "m": 1.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048}


def apple_reference(path: Path) -> dict[str, Any]:
    workouts = []
    hr_records: list[tuple[float, float]] = []
    for _, el in etree.iterparse(str(path), events=("end",), tag=("Workout", "Record")):
        a = el.attrib
        if el.tag == "Record" and a.get("type") == "HKQuantityTypeIdentifierHeartRate":
            hr_records.append((_apple_time(a["startDate"]).timestamp(), float(a["value"])))
        elif el.tag == "Workout":
            workouts.append(dict(a) | {"route": el.find("WorkoutRoute") is not None})
        el.clear()
    hr_records.sort()
    acts = []
    for i, w in enumerate(workouts):
        start = _apple_time(w["startDate"])
        end = _apple_time(w["endDate"])
        dur = float(w["duration"]) * _UNIT_S[w.get("durationUnit", "min")]
        dist = w.get("totalDistance")
        cannot: dict[str, str] = {}
        d = float(dist) * _UNIT_M[w.get("totalDistanceUnit", "km")] if dist else None
        if not d:
            d = None
            cannot["distance_m"] = "the workout states no distance (totalDistance 0 or absent)"
        hr = [(t, v) for t, v in hr_records if start.timestamp() <= t <= end.timestamp()]
        acts.append(
            activity(
                start,
                dur,
                "workout duration attribute",
                d,
                "workout totalDistance",
                hr,
                len(hr),
                cannot,
                sport=w.get("workoutActivityType"),
                route=w["route"],
                index=i,
            )
        )
    raw = path.read_bytes()
    return {
        "format": "apple",
        "activities": acts,
        "crosscheck": {
            "lxml_workouts": len(workouts),
            "bytes_workouts": raw.count(b"<Workout "),
            "lxml_hr_records": len(hr_records),
            "bytes_hr_records": raw.count(b'type="HKQuantityTypeIdentifierHeartRate"'),
        },
    }


READERS = {
    "fit": fit_reference,
    "gpx": gpx_reference,
    "tcx": tcx_reference,
    "apple": apple_reference,
}


def versions() -> dict[str, str]:
    return {
        "fitdecode": fitdecode.__version__,
        "fitparse": getattr(fitparse, "__version__", "?"),
        "gpxpy": gpxpy.__version__,
        "tcxreader": getattr(tcxreader, "__version__", "?"),
        "lxml": etree.__version__,
    }


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for p in HERE.glob("*/*") if p.suffix.lower() in (".fit", ".gpx", ".tcx", ".xml")
    )
    for path in paths:
        ref = READERS[path.parent.name](path)
        ref = {"file": f"{path.parent.name}/{path.name}", "libraries": versions(), **ref}
        out = path.with_name(path.name + ".reference.json")
        out.write_text(json.dumps(ref, indent=1, sort_keys=False, default=str) + "\n")
        print(out.relative_to(HERE), len(ref["activities"]), "activities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
