"""Reading and analysing device files, without a database: what a file holds, in walks.

`analyse_path` reads one file (or archive) and turns each activity into an `AnalysedWalk` (its
metrics, time zone and plausibility verdict, spec sections 4 and 9); `services.imports` stores
them. `walkrx analyze` and the import use case share everything here, and the JSON views of both
(docs/json.md). Nothing here opens a unit of work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tzfpy  # offline GPS-to-time-zone lookup (MIT)

from walkrx import protocols
from walkrx.domain.activity import Activity
from walkrx.domain.metrics import WalkMetrics, analyze, haversine_m
from walkrx.domain.model import Person, Walk
from walkrx.domain.pace import PaceBand, WalkPace, pace_from
from walkrx.domain.plausibility import (
    NO_DURATION,
    NOT_COUNTED_TEXT,
    TOO_LONG,
    Verdict,
    assess,
    check_reason,
    check_text,
)
from walkrx.domain.protocol import ZoneDefaults
from walkrx.domain.units import METRIC
from walkrx.domain.zones import band_bpm, estimate_hrmax, zones_for
from walkrx.errors import ImportFileError
from walkrx.importers import read_file
from walkrx.importers.archive import is_gzip, is_zip, read_archive
from walkrx.services.context import load_protocol

MAX_FILE_BYTES = 4 << 30  # 4 GB: an Apple Health export of many years
MAX_STORED_BYTES = 64 << 20  # originals up to 64 MB are kept in the database for download
FUTURE_MARGIN = timedelta(days=1)  # a walk starting later than this after now is not stored
DEFAULT_PROTOCOL = "walking-6wk"  # whose pace band `walkrx analyze` uses (no person)
SPORT_ASSUMED_NOTE = "The file does not name the sport; walkrx took it as a walk."
# why an activity of a file was not stored (`Skipped.code`); the words are in `Skipped.reason`
NOT_A_WALK = "not_a_walk"
BEFORE_START = "before_start"
IN_FUTURE = "in_future"
NOT_AN_ACTIVITY = "not_an_activity"
SKIP_CODES = (NOT_A_WALK, BEFORE_START, TOO_LONG, NO_DURATION, IN_FUTURE, NOT_AN_ACTIVITY)
Progress = Callable[[int, int, str], None]  # (bytes done, bytes in all, current file)


@dataclass(frozen=True)
class AnalysedWalk:
    file: str
    activity: Activity
    metrics: WalkMetrics
    timezone: str
    local_start: datetime
    verdict: Verdict | None = None  # what speed and cadence say (None: not judged)
    check_reason: str | None = None  # why it would wait for the person's confirmation
    pace_band: PaceBand = field(default_factory=PaceBand)  # the person's or the default protocol's
    units: str = METRIC  # how the person reads distances and speeds (issue 15)

    @property
    def pace(self) -> WalkPace:
        """Moving pace against the pace band (issue 15): advice, never a rule."""
        m = self.metrics
        return pace_from(m.distance_m, m.moving_s, self.pace_band, self.activity.indoor)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the importer noticed in the file, then what the figures cannot say."""
        return (*self.activity.notes, *self.metrics.notes)


@dataclass(frozen=True)
class Skipped:
    file: str
    sport: str | None
    reason: str  # in plain words, with what to do
    code: str = NOT_AN_ACTIVITY  # one of SKIP_CODES


@dataclass(frozen=True)
class Failed:
    file: str
    error: str


@dataclass(frozen=True)
class Duplicate:
    """Two records of the same walk: `aside` is kept but not counted; `kept` is the one counted."""

    aside: Walk
    kept: Walk


@dataclass(frozen=True)
class DiaryRows:
    """What a diary CSV file added: how many rows of which kind ("walks" or "check-ins")."""

    rows: int
    kind: str


@dataclass
class FileOutcome:
    """What became of one file: records, for each interface to word."""

    file: str
    walks: list[AnalysedWalk] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    stored: list[Walk] = field(default_factory=list)  # the walks stored and counted
    unchanged: bool = False  # the very same file was imported before
    set_aside: list[Duplicate] = field(default_factory=list)  # new records kept aside
    replaced: list[Duplicate] = field(default_factory=list)  # earlier records these replaced
    diary: DiaryRows | None = None  # a diary CSV file's rows
    # uploaded before (`unchanged`): the walks it gave then, each with the id of the walk it
    # was set aside for (None: it stands), and when it was uploaded
    earlier: list[tuple[Walk, int | None]] = field(default_factory=list)
    uploaded_at: datetime | None = None

    @property
    def unconfirmed(self) -> list[Walk]:
        """Stored walks that do not count until the person confirms them."""
        return [w for w in self.stored if not w.counted]


# --- time zones (spec section 4) ---------------------------------------------------------------


def _offset_zone(offset_s: int) -> str:
    """An IANA fixed-offset zone for a whole-hour offset (Etc/GMT signs are inverted), else UTC."""
    if offset_s % 3600 == 0 and -12 <= offset_s // 3600 <= 14:
        hours = offset_s // 3600
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return "UTC"


def _offset_at(zone: str, moment: datetime) -> int | None:
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    return None if offset is None else int(offset.total_seconds())


def _first_fix(activity: Activity) -> tuple[float, float] | None:
    for lat, lon in zip(activity.lat, activity.lon, strict=False):
        if lat is not None and lon is not None:
            return lat, lon
    return None


def walk_timezone(activity: Activity, fallback: str | None) -> str:
    """The walk's IANA zone: the file's; else its first GPS fix; else the file's offset (matched to
    the person's zone when they agree); else the person's profile zone; else UTC."""
    if activity.timezone:
        return activity.timezone
    offset = activity.utc_offset_s
    fix = _first_fix(activity)
    if fix is not None:
        zone = str(tzfpy.get_tz(fix[1], fix[0]))
        if zone and (offset is None or _offset_at(zone, activity.start) == offset):
            return zone
    if offset is not None:
        if fallback and _offset_at(fallback, activity.start) == offset:
            return fallback
        return _offset_zone(offset)
    return fallback or "UTC"


# --- reading -----------------------------------------------------------------------------------


def read_path(
    path: Path, *, fast_batch: bool = False
) -> tuple[list[Activity], list[Skipped], list[Failed]]:
    """Every activity of a file or archive; `fast_batch` (the command line only) lets the readers
    use process-wide speed-ups (decision 0003)."""
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(path.name, "is empty: export the activity again")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(path.name, f"is {size >> 20} MB, over the 4 GB limit")
    with path.open("rb") as stream:
        head = stream.read(16)
        stream.seek(0)
        if is_zip(head) or is_gzip(head):
            result = read_archive(stream, path.name, fast_batch=fast_batch)
            return (
                result.activities,
                [Skipped(s.name, None, s.reason, NOT_AN_ACTIVITY) for s in result.skipped],
                [failure(e) for e in result.failed],
            )
        return read_file(stream, path.name, fast_batch=fast_batch), [], []


def failure(exc: ImportFileError) -> Failed:
    """A failure named once: the file, then what is wrong (and where), not the name again."""
    where = f" ({exc.where})" if exc.where else ""
    return Failed(exc.file, f"{exc.problem}{where}")


def _verdict(activity: Activity, metrics: WalkMetrics) -> Verdict:
    """What the record's speed and cadence say (walkrx.domain.plausibility)."""
    distance = activity.distance_m
    interval_m: list[float | None] | None = None
    if not any(d is not None for d in distance) and activity.lat:
        interval_m = [
            haversine_m(lat1, lon1, lat2, lon2)
            if lat1 is not None and lon1 is not None and lat2 is not None and lon2 is not None
            else None
            for (lat1, lon1), (lat2, lon2) in pairwise(
                zip(activity.lat, activity.lon, strict=False)
            )
        ]
    # importers may give a cadence column (steps per minute); speed alone otherwise
    cadence: Sequence[float | None] = getattr(activity, "cadence_spm", ()) or ()
    return assess(
        activity.t_s,
        distance,
        metrics.moving_s,
        metrics.distance_m,
        cadence_spm=cadence,
        interval_m=interval_m,
    )


def _band_for(
    person: Person | None, day: date, fixed: tuple[int, int] | None
) -> tuple[int, int] | None:
    if fixed is not None or person is None:
        return fixed
    return zones_for(person.zone_settings_on(day), load_protocol(person).zones).band_bpm


def analyse_path(
    path: Path,
    *,
    person: Person | None = None,
    band: tuple[int, int] | None = None,
    include_other_sports: bool = False,
    fast_batch: bool = False,
) -> FileOutcome:
    """Read one file into analysed walks; other sports are skipped unless asked for."""
    outcome = FileOutcome(path.name)
    try:
        activities, outcome.skipped, outcome.failed = read_path(path, fast_batch=fast_batch)
    except ImportFileError as exc:
        outcome.failed.append(failure(exc))
        return outcome
    fallback = person.timezone if person else None
    pace_band = load_protocol(person).pace if person else protocols.load(DEFAULT_PROTOCOL).pace
    units = person.units if person else METRIC
    for found in activities:
        activity = found
        assumed = _unnamed_sport(activity)
        if assumed and not include_other_sports:
            activity = dataclasses.replace(
                activity, sport="walking", notes=(*activity.notes, SPORT_ASSUMED_NOTE)
            )
        elif not activity.is_walk and not include_other_sports:
            outcome.skipped.append(
                Skipped(
                    activity.file,
                    activity.sport,
                    f"{activity.sport} is not a walk (other sports come in only when asked for)",
                    NOT_A_WALK,
                )
            )
            continue
        zone = walk_timezone(activity, fallback)
        local = activity.start.astimezone(ZoneInfo(zone))
        metrics = analyze(activity, _band_for(person, local.date(), band))
        verdict = _verdict(activity, metrics)
        check = check_reason(logged_by_hand=False, sport_assumed=assumed, verdict=verdict)
        outcome.walks.append(
            AnalysedWalk(
                activity.file, activity, metrics, zone, local, verdict, check, pace_band, units
            )
        )
    return outcome


def _unnamed_sport(activity: Activity) -> bool:
    """GPX without a type, or TCX's catch-all 'Other' (TCX has no walking sport): maybe a walk."""
    return activity.sport == "unknown" or (
        activity.source_format == "tcx" and activity.sport == "other"
    )


def band_from(max_hr: int | None, age: int | None) -> tuple[int, int] | None:
    """The default 70-80 % HRmax band for `walkrx analyze --max-hr/--age`."""
    if max_hr is not None:
        hrmax = float(max_hr)
    elif age is not None:
        hrmax = estimate_hrmax(age)
    else:
        return None
    defaults = ZoneDefaults()
    return band_bpm(hrmax, defaults.hrmax_low, defaults.hrmax_high)


def analyse_files(
    paths: list[Path],
    *,
    band: tuple[int, int] | None = None,
    include_other_sports: bool = False,
    progress: Progress | None = None,
    fast_batch: bool = False,
) -> list[FileOutcome]:
    """Analyse files without touching any database."""
    return list(
        each_file(
            paths,
            progress,
            lambda p: analyse_path(
                p, band=band, include_other_sports=include_other_sports, fast_batch=fast_batch
            ),
        )
    )


def each_file(
    paths: list[Path], progress: Progress | None, work: Callable[[Path], FileOutcome]
) -> Iterator[FileOutcome]:
    total = sum(p.stat().st_size for p in paths if p.is_file())
    done = 0
    for path in paths:
        if progress:
            progress(done, total, path.name)
        if not path.is_file():
            yield FileOutcome(path.name, failed=[Failed(str(path), "no such file")])
            continue
        yield work(path)
        done += path.stat().st_size
    if progress:
        progress(total, total, "")


SKIP_LABEL = {  # (one, several)
    NOT_A_WALK: ("activity of another sport", "activities of other sports"),
    BEFORE_START: ("walk from before the program starts", "walks from before the program starts"),
    TOO_LONG: (
        "record too long to be one walk (the file's clock or tracks are probably wrong)",
        "records too long to be one walk (the files' clocks or tracks are probably wrong)",
    ),
    NO_DURATION: ("record lasting no time at all", "records lasting no time at all"),
    IN_FUTURE: (
        "record dated in the future (the device's clock was probably wrong)",
        "records dated in the future (the devices' clocks were probably wrong)",
    ),
    NOT_AN_ACTIVITY: (
        "file that is not an activity walkrx reads",
        "files that are not activities walkrx reads",
    ),
}


def skipped_summary(skipped: Sequence[Skipped]) -> str:
    """What was skipped, grouped by reason with counts: '3 activities of other sports (2 running,
    1 cycling), 1 walk from before the program starts' (no commands: every interface uses it)."""
    groups: dict[str, list[Skipped]] = {}
    for item in skipped:
        groups.setdefault(item.code, []).append(item)
    parts: list[str] = []
    for code in sorted(groups, key=lambda c: (-len(groups[c]), SKIP_CODES.index(c))):
        items = groups[code]
        one, several = SKIP_LABEL.get(code, (code, code))
        part = f"{len(items)} {one if len(items) == 1 else several}"
        if code == NOT_A_WALK:
            sports: dict[str, int] = {}
            for item in items:
                sports[item.sport or "unknown"] = sports.get(item.sport or "unknown", 0) + 1
            part += " (" + ", ".join(f"{n} {k}" for k, n in sorted(sports.items())) + ")"
        parts.append(part)
    return ", ".join(parts)


def outcome_json(o: FileOutcome) -> dict[str, Any]:
    return {
        "file": o.file,
        "walks": [analysed_json(w) for w in o.walks],
        "skipped": [dataclasses.asdict(s) for s in o.skipped],
        "failed": [dataclasses.asdict(f) for f in o.failed],
        "stored": [w.id for w in o.stored],
        "unconfirmed": [{"id": w.id, "check_reason": w.check_reason} for w in o.unconfirmed],
        "set_aside": [d.aside.id for d in o.set_aside],
        "replaced": [d.aside.id for d in o.replaced],
        "messages": outcome_messages(o),
        "unchanged": o.unchanged,
        "earlier": [{"id": w.id, "counted": w.counted, "set_aside_for": by} for w, by in o.earlier],
        "uploaded_at": o.uploaded_at.isoformat() if o.uploaded_at else None,
    }


def outcome_messages(o: FileOutcome) -> list[str]:
    """What the person should know about a file's walks, in words that fit every interface."""
    out: list[str] = []
    if o.unchanged:
        out.append("already imported: nothing changed")
    if o.diary is not None:
        out.append(f"imported {o.diary.rows} {o.diary.kind}")
    for d in o.set_aside:
        out.append(
            f"{d.aside.local_start:%Y-%m-%d %H:%M}: already logged as walk {d.kept.id} "
            f"({d.kept.source}), which has as much or more data; that one is kept and this "
            f"record (walk {d.aside.id}) is set aside"
        )
    for d in o.replaced:
        out.append(
            f"{d.kept.local_start:%Y-%m-%d %H:%M}: walk {d.kept.id} replaces walk {d.aside.id} "
            f"({d.aside.source}) because it has heart-rate samples; your ratings were kept"
        )
    units = o.walks[0].units if o.walks else METRIC  # the person's: miles or km (issue 15)
    for w in o.unconfirmed:
        assert w.check_reason is not None
        out.append(
            f"{w.local_start:%Y-%m-%d %H:%M}: walk {w.id} is not counted yet. "
            f"{check_text(w.check_reason, units)} {NOT_COUNTED_TEXT}"
        )
    return out


def analysed_json(a: AnalysedWalk) -> dict[str, Any]:
    m = a.metrics.to_json()
    return {
        "file": a.file,
        "sport": a.activity.sport,
        "sub_sport": a.activity.sub_sport,
        "start": a.local_start.isoformat(),
        "timezone": a.timezone,
        "duration_s": round(a.metrics.duration_s),
        "moving_s": round(a.metrics.moving_s),
        "distance_m": round(a.metrics.distance_m) if a.metrics.distance_m is not None else None,
        "avg_hr": round(a.metrics.avg_hr, 1) if a.metrics.avg_hr is not None else None,
        "max_hr": round(a.metrics.max_hr) if a.metrics.max_hr is not None else None,
        "samples": a.metrics.samples,
        "hr_samples": a.metrics.hr_samples,
        "hr_coverage": m["hr_coverage"],
        "zone": {
            "band_bpm": list(a.metrics.band) if a.metrics.band else None,
            "below_s": _whole(a.metrics.below_s),
            "in_s": _whole(a.metrics.in_s),
            "above_s": _whole(a.metrics.above_s),
        },
        "efficiency": m["efficiency"],
        "spikes_share": m["spikes_share"],
        "drift_pct": m["drift_pct"],
        "indoor": a.activity.indoor,
        "device": a.activity.device,
        "import_notes": list(a.notes),
        "check_reason": a.check_reason,
        "moving_speed_kmh": _round3(a.verdict.moving_speed_kmh if a.verdict else None),
        "fast_share": _round3(a.verdict.fast_share if a.verdict else None),
        "pace": a.pace.to_json(),
    }


def _round3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)
