"""Use cases for device files: analyse them without storing, and import them as walks.

Each file is one unit of work: it is stored whole (its walks and its original bytes) or not at all,
and a bad file never stops the others. Re-importing a file already stored changes nothing. The same
walk arriving from two sources (time overlap) is kept once: the richer record stays active, the
other is kept as superseded so the choice can be undone (`prefer_walk`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tzfpy  # offline GPS-to-time-zone lookup (MIT)

from walkrx.domain.activity import Activity
from walkrx.domain.metrics import WalkMetrics, analyze
from walkrx.domain.model import Person, Walk
from walkrx.domain.protocol import ZoneDefaults
from walkrx.domain.zones import band_bpm, estimate_hrmax, zones_for
from walkrx.errors import ImportFileError, InvalidInputError, NotFoundError
from walkrx.importers import read_file
from walkrx.importers.archive import is_gzip, is_zip, read_archive
from walkrx.services.context import find_person, load_protocol
from walkrx.services.diary import with_diary_figures
from walkrx.services.diary_csv import import_diary_csv
from walkrx.storage import Database, UnitOfWork

MAX_FILE_BYTES = 4 << 30  # 4 GB: an Apple Health export of many years
MAX_STORED_BYTES = 64 << 20  # originals up to 64 MB are kept in the database for download
# fields a person adds after a walk; when a richer record replaces a diary entry they move across
PERSONAL_FIELDS = (
    "effort",
    "pain_before",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "lower_limb_pain",
    "talk_test",
    "tempo",
    "notes",
    "cues",
    "terrain",
)

Progress = Callable[[int, int, str], None]  # (bytes done, bytes in all, current file)


@dataclass(frozen=True)
class AnalysedWalk:
    file: str
    activity: Activity
    metrics: WalkMetrics
    timezone: str
    local_start: datetime


@dataclass(frozen=True)
class Skipped:
    file: str
    sport: str | None
    reason: str


@dataclass(frozen=True)
class Failed:
    file: str
    error: str


@dataclass
class FileOutcome:
    file: str
    walks: list[AnalysedWalk] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    stored: list[Walk] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # what the person should know (duplicates)
    unchanged: bool = False  # the very same file was imported before


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


def _read(path: Path) -> tuple[list[Activity], list[Skipped], list[Failed]]:
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(path.name, "is empty: export the activity again")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(path.name, f"is {size >> 20} MB, over the 4 GB limit")
    with path.open("rb") as stream:
        head = stream.read(16)
        stream.seek(0)
        if is_zip(head) or is_gzip(head):
            result = read_archive(stream, path.name)
            return (
                result.activities,
                [Skipped(s.name, None, s.reason) for s in result.skipped],
                [Failed(e.file, e.message) for e in result.failed],
            )
        return read_file(stream, path.name), [], []


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
) -> FileOutcome:
    """Read one file into analysed walks; other sports are skipped unless asked for."""
    outcome = FileOutcome(path.name)
    try:
        activities, outcome.skipped, outcome.failed = _read(path)
    except ImportFileError as exc:
        outcome.failed.append(Failed(exc.file, exc.message))
        return outcome
    fallback = person.timezone if person else None
    for found in activities:
        activity = found
        if _unnamed_sport(activity) and not include_other_sports:
            outcome.messages.append(
                f"the file does not name the sport of the activity at {activity.start:%Y-%m-%d}; "
                "it is taken as a walk (delete it with 'walkrx walks delete ID' if it was not)"
            )
            activity = dataclasses.replace(
                activity, sport="walking", notes=(*activity.notes, "sport assumed: walking")
            )
        elif not activity.is_walk and not include_other_sports:
            outcome.skipped.append(
                Skipped(
                    activity.file,
                    activity.sport,
                    f"{activity.sport} is not a walk (import it anyway with --all-sports)",
                )
            )
            continue
        zone = walk_timezone(activity, fallback)
        local = activity.start.astimezone(ZoneInfo(zone))
        metrics = analyze(activity, _band_for(person, local.date(), band))
        outcome.walks.append(AnalysedWalk(activity.file, activity, metrics, zone, local))
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
) -> list[FileOutcome]:
    """Analyse files without touching any database."""
    return list(
        _each(
            paths,
            progress,
            lambda p: analyse_path(p, band=band, include_other_sports=include_other_sports),
        )
    )


def _each(
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


# --- importing ---------------------------------------------------------------------------------


def richness(walk: Walk) -> tuple[int, int]:
    """How much a record knows: heart-rate samples beat an average, which beats none."""
    measured = (
        2
        if walk.source not in ("diary", "csv") and walk.avg_hr is not None
        else (1 if walk.avg_hr is not None else 0)
    )
    return measured, walk.duration_s


def _walk_from(a: AnalysedWalk) -> Walk:
    m = a.metrics
    eff = m.efficiency
    return Walk(
        id=None,
        start=a.activity.start.astimezone(UTC),
        timezone=a.timezone,
        duration_s=max(1, round(m.duration_s)),
        moving_s=round(m.moving_s),
        distance_m=m.distance_m,
        avg_hr=m.avg_hr,
        max_hr=round(m.max_hr) if m.max_hr is not None else None,
        terrain="treadmill" if a.activity.indoor else None,
        zone_in_s=round(m.in_s) if m.in_s is not None and m.hr_samples else None,
        band_bpm=m.band if m.hr_samples else None,
        pace_hr=eff.speed_per_beat if eff.eligible else None,
        source=a.activity.source_format,
    )


def _end(walk: Walk) -> datetime:
    return walk.start + timedelta(seconds=walk.duration_s)


def import_path(
    db: Database, person_ref: str | None, path: Path, *, include_other_sports: bool = False
) -> FileOutcome:
    """Import one file for a person, as one unit of work."""
    if path.suffix.lower() == ".csv":
        result = import_diary_csv(db, person_ref, path.name, path.read_bytes())
        return FileOutcome(path.name, messages=[f"imported {result.rows} {result.kind}"])
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
    assert person.id is not None
    digest = _sha256(path)
    with UnitOfWork(db) as uow:
        if uow.files.by_sha256(person.id, digest) is not None:
            return FileOutcome(
                path.name, unchanged=True, messages=["already imported: nothing changed"]
            )
    outcome = analyse_path(path, person=person, include_other_sports=include_other_sports)
    if not outcome.walks:
        return outcome
    protocol = load_protocol(person)
    with UnitOfWork(db) as uow:
        content = path.read_bytes() if path.stat().st_size <= MAX_STORED_BYTES else b""
        file_id = uow.files.add(
            person.id, path.name, digest, outcome.walks[0].activity.source_format, content
        )
        for index, analysed in enumerate(outcome.walks):
            walk = _walk_from(analysed)
            if walk.local_date < person.start:
                outcome.skipped.append(
                    Skipped(
                        analysed.file,
                        analysed.activity.sport,
                        f"walked on {walk.local_date}, before the program starts ({person.start})",
                    )
                )
                continue
            others = uow.walks.overlapping(person.id, walk.start, _end(walk))
            richer = next((o for o in others if richness(o) >= richness(walk)), None)
            if richer is not None:
                stored = uow.walks.add(
                    person.id, walk, source_file_id=file_id, activity_index=index
                )
                assert stored.id is not None and richer.id is not None
                uow.walks.mark_superseded(person.id, stored.id, richer.id)
                outcome.messages.append(
                    f"{analysed.local_start:%Y-%m-%d %H:%M}: already logged as walk {richer.id} "
                    f"({richer.source}), which has as much or more data; kept that one "
                    f"('walkrx walks prefer {stored.id}' swaps them)"
                )
                continue
            for other in others:  # carry the person's own ratings over to the richer record
                walk = dataclasses.replace(
                    walk,
                    **{
                        f: getattr(other, f)
                        for f in PERSONAL_FIELDS
                        if getattr(walk, f) in (None, "", (), False)
                        and getattr(other, f) not in (None, "", ())
                    },
                )
            stored = uow.walks.add(
                person.id,
                with_diary_figures(walk, person, protocol),
                source_file_id=file_id,
                activity_index=index,
            )
            assert stored.id is not None
            for other in others:
                assert other.id is not None
                uow.walks.mark_superseded(person.id, other.id, stored.id)
                outcome.messages.append(
                    f"{analysed.local_start:%Y-%m-%d %H:%M}: replaces walk {other.id} "
                    f"({other.source}) because this record has heart-rate samples; your ratings "
                    f"were kept ('walkrx walks prefer {other.id}' undoes this)"
                )
            outcome.stored.append(stored)
        uow.commit()
    return outcome


def import_files(
    db: Database,
    person_ref: str | None,
    paths: list[Path],
    *,
    include_other_sports: bool = False,
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Import many files; each stands alone, so one bad file is reported and the rest go in."""

    def one(path: Path) -> FileOutcome:
        try:
            return import_path(db, person_ref, path, include_other_sports=include_other_sports)
        except ImportFileError as exc:
            return FileOutcome(path.name, failed=[Failed(exc.file, exc.message)])

    return list(_each(paths, progress, one))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _same_walk(uow: UnitOfWork, person_ref: str | None, walk_id: int) -> tuple[int, list[Walk]]:
    """The person's id and the other records overlapping `walk_id`, set aside ones included."""
    person = find_person(uow, person_ref)
    assert person.id is not None
    walk = uow.walks.get(person.id, walk_id)
    if walk is None:
        raise NotFoundError(f"no walk {walk_id} for {person.name}")
    group = uow.walks.overlapping(person.id, walk.start, _end(walk), include_superseded=True)
    return person.id, [w for w in group if w.id is not None and w.id != walk_id]


def prefer_walk(db: Database, person_ref: str | None, walk_id: int) -> list[int]:
    """Undo a duplicate choice: make `walk_id` the active record of its overlapping group."""
    with UnitOfWork(db) as uow:
        person_id, others = _same_walk(uow, person_ref, walk_id)
        uow.walks.mark_superseded(person_id, walk_id, None)
        for other in others:
            assert other.id is not None
            uow.walks.mark_superseded(person_id, other.id, walk_id)
        uow.commit()
    return [w.id for w in others if w.id is not None]


@dataclass(frozen=True)
class DuplicateRecords:
    """Other records of the same walk: the one this walk was set aside for, or those it replaced."""

    kept_instead: int | None  # the walk id kept in the diary instead of this one
    set_aside: tuple[int, ...]  # walk ids set aside for this one


def duplicate_records(db: Database, person_ref: str | None, walk_id: int) -> DuplicateRecords:
    """How a walk stands among records of the same walk (see `import_files`, `prefer_walk`)."""
    with UnitOfWork(db) as uow:
        person_id, others = _same_walk(uow, person_ref, walk_id)
        aside = tuple(
            w.id
            for w in others
            if w.id is not None and uow.walks.superseded_by(person_id, w.id) == walk_id
        )
        return DuplicateRecords(uow.walks.superseded_by(person_id, walk_id), aside)


def original_file(db: Database, person_ref: str | None, walk_id: int) -> tuple[str, bytes]:
    """The original file a walk was imported from, for download."""
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        file_id = uow.walks.source_file_id(person.id, walk_id)
        if file_id is None:
            raise NotFoundError(f"walk {walk_id} was not imported from a file")
        stored = uow.files.get(person.id, file_id)
    if stored is None or not stored.content:
        raise InvalidInputError(
            f"the original of walk {walk_id} was larger than 64 MB and was not kept"
        )
    return stored.filename, stored.content


def outcome_json(o: FileOutcome) -> dict[str, Any]:
    return {
        "file": o.file,
        "walks": [analysed_json(w) for w in o.walks],
        "skipped": [dataclasses.asdict(s) for s in o.skipped],
        "failed": [dataclasses.asdict(f) for f in o.failed],
        "stored": [w.id for w in o.stored],
        "messages": o.messages,
        "unchanged": o.unchanged,
    }


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
    }


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


@dataclass(frozen=True)
class Trace:
    """A walk's heart rate over time, re-read from its original file, for the walk's chart."""

    t_s: list[float]
    hr_bpm: list[float | None]
    band_bpm: tuple[int, int] | None


def walk_trace(db: Database, person_ref: str | None, walk_id: int) -> Trace | None:
    """The heart-rate samples of an imported walk (None for diary walks or files not kept)."""
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        walk = uow.walks.get(person.id, walk_id)
        if walk is None:
            raise NotFoundError(f"no walk {walk_id} for {person.name}")
        file_id = uow.walks.source_file_id(person.id, walk_id)
        index = uow.walks.activity_index(person.id, walk_id)
        stored = uow.files.get(person.id, file_id) if file_id is not None else None
    if stored is None or not stored.content or index is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / stored.filename
        path.write_bytes(stored.content)
        activities, _, _ = _read(path)
    matching = [a for a in activities if a.start == walk.start] or activities[index : index + 1]
    if not matching:
        return None
    activity = matching[0]
    return Trace(list(activity.t_s), list(activity.hr_bpm), walk.band_bpm)
