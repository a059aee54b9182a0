"""Rows <-> domain records for the repositories (`mapping.walk(row)` and so on), plus `utc` and
the stored-file records `SourceFileInfo`/`SourceFile` that the domain has no use for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, or_

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk, ZoneSettings
from walkrx.errors import InvalidInputError
from walkrx.storage.rows import (
    CheckInRow,
    FlagClearingRow,
    PersonRow,
    SourceFileRow,
    WalkRow,
    ZoneSettingsRow,
)

__all__ = [
    "SourceFile",
    "SourceFileInfo",
    "checkin",
    "clearing",
    "counted",
    "file_info",
    "fill_person",
    "fill_walk",
    "join_ints",
    "json_strings",
    "overlaps",
    "person",
    "split_ints",
    "utc",
    "walk",
    "walk_label",
    "zone_settings",
]


@dataclass(frozen=True)
class SourceFileInfo:
    """A stored import file, without its bytes."""

    id: int
    filename: str
    sha256: str
    format: str
    size_bytes: int
    imported_at: datetime  # aware, UTC
    # the file's activities not stored, and why: (sport or None, reason in words, code)
    skipped: tuple[tuple[str | None, str, str], ...] = ()


@dataclass(frozen=True)
class SourceFile(SourceFileInfo):
    """A stored import file with its bytes, kept so that a walk can be re-read from its source."""

    content: bytes = b""


def utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(
            f"{what} {moment.isoformat()} has no time zone; give an aware datetime (UTC)"
        )
    return moment.astimezone(UTC)


def fill_person(row: PersonRow, person: Person) -> None:
    row.name = person.name
    row.start = person.start
    row.timezone = person.timezone
    row.protocol = person.protocol
    row.days = join_ints(person.days)
    row.goals = json.dumps(list(person.goals))
    row.start_position = person.start_position
    row.adjustments = json.dumps(dict(person.adjustments), sort_keys=True)
    row.display_name = person.display_name
    row.psfs_activities = json.dumps(list(person.activities))
    row.units = person.units


def person(row: PersonRow, zones: Iterable[ZoneSettings]) -> Person:
    return Person(
        id=row.id,
        name=row.name,
        start=row.start,
        timezone=row.timezone,
        protocol=row.protocol,
        zones=tuple(zones),
        days=split_ints(row.days),
        goals=tuple(json_strings(row.goals)),
        start_position=row.start_position,
        adjustments=tuple(sorted(json.loads(row.adjustments).items())),
        display_name=row.display_name,
        activities=tuple(json_strings(row.psfs_activities or "[]")),
        units=row.units or "metric",
    )


def zone_settings(row: ZoneSettingsRow) -> ZoneSettings:
    return ZoneSettings(
        effective=row.effective,
        age=row.age,
        max_hr=row.max_hr,
        resting_hr=row.resting_hr,
        hrmax_formula=row.hrmax_formula,
        zone_method=row.zone_method,
    )


def fill_walk(row: WalkRow, walk: Walk) -> None:
    row.start = utc(walk.start, f"start of the walk at {walk.start}")
    row.timezone = walk.timezone
    row.duration_s = walk.duration_s
    row.moving_s = walk.moving_s
    row.distance_m = walk.distance_m
    row.avg_hr = walk.avg_hr
    row.max_hr = walk.max_hr
    row.effort = walk.effort
    row.pain_before = walk.pain_before
    row.pain_during = walk.pain_during
    row.pain_after = walk.pain_after
    row.pain_next_morning = walk.pain_next_morning
    row.lower_limb_pain = walk.lower_limb_pain
    row.terrain = walk.terrain
    row.talk_test = walk.talk_test
    row.tempo = walk.tempo
    row.notes = walk.notes
    row.cues = json.dumps(list(walk.cues))
    row.zone_in_s = walk.zone_in_s
    row.band_lo_bpm, row.band_hi_bpm = walk.band_bpm if walk.band_bpm else (None, None)
    row.source = walk.source
    row.pace_hr = walk.pace_hr
    row.check_reason = walk.check_reason
    row.confirmed = walk.confirmed
    row.import_notes = json.dumps(list(walk.import_notes), ensure_ascii=False)


def counted() -> ColumnElement[bool]:
    """The SQL condition of `Walk.counted`: nothing to check, or confirmed by the person."""
    return or_(WalkRow.check_reason.is_(None), WalkRow.confirmed.is_(True))


def walk(row: WalkRow) -> Walk:
    band = (
        None
        if row.band_lo_bpm is None or row.band_hi_bpm is None
        else (row.band_lo_bpm, row.band_hi_bpm)
    )
    return Walk(
        id=row.id,
        start=row.start,
        timezone=row.timezone,
        duration_s=row.duration_s,
        moving_s=row.moving_s,
        distance_m=row.distance_m,
        avg_hr=row.avg_hr,
        max_hr=row.max_hr,
        effort=row.effort,
        pain_before=row.pain_before,
        pain_during=row.pain_during,
        pain_after=row.pain_after,
        pain_next_morning=row.pain_next_morning,
        lower_limb_pain=row.lower_limb_pain,
        terrain=row.terrain,
        talk_test=row.talk_test,
        tempo=row.tempo,
        notes=row.notes,
        cues=tuple(json_strings(row.cues)),
        zone_in_s=row.zone_in_s,
        band_bpm=band,
        source=row.source,
        pace_hr=row.pace_hr,
        check_reason=row.check_reason,
        confirmed=row.confirmed,
        import_notes=tuple(json_strings(row.import_notes)),
    )


def walk_label(walk: Walk) -> str:
    return f"walk of {walk.start.isoformat()}" if walk.id is None else f"walk {walk.id}"


def overlaps(walk: Walk, start: datetime, end: datetime) -> bool:
    # Half-open intervals; a zero-length interval is widened to a moment so that it can overlap.
    moment = timedelta(microseconds=1)
    walk_end = max(walk.start + timedelta(seconds=walk.duration_s), walk.start + moment)
    return walk.start < max(end, start + moment) and start < walk_end


def checkin(row: CheckInRow) -> CheckIn:
    return CheckIn(
        id=row.id,
        day=row.day,
        seq=row.seq,
        morning_pain=row.morning_pain,
        red_flags=tuple(RedFlag(code) for code in row.red_flags.split(",") if code),
        fear_of_movement=row.fear_of_movement,
        psfs=split_ints(row.psfs),
        tsk17=row.tsk17,
        fabq_pa=row.fabq_pa,
    )


def clearing(row: FlagClearingRow) -> FlagClearing:
    return FlagClearing(id=row.id, day=row.day, seq=row.seq, note=row.note, by=row.cleared_by)


def file_info(row: SourceFileRow) -> SourceFileInfo:
    return SourceFileInfo(
        id=row.id,
        filename=row.filename,
        sha256=row.sha256,
        format=row.format,
        size_bytes=row.size_bytes,
        imported_at=row.imported_at,
        skipped=tuple(
            (item.get("sport"), str(item.get("reason", "")), str(item.get("code", "")))
            for item in json.loads(row.skipped or "[]")
            if isinstance(item, dict)
        ),
    )


def join_ints(values: Sequence[int]) -> str:
    return ",".join(str(int(value)) for value in values)


def split_ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def json_strings(text: str) -> list[str]:
    values = json.loads(text)
    return [str(value) for value in values]
