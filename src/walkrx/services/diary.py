"""Use cases of the diary: log, edit, list and delete walks; morning check-ins; clearing red flags.

Every value is validated before anything is written, and each use case is one unit of work, so a
refused input leaves the database exactly as it was.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from walkrx.domain.codes import PainStatus, RedFlag, RedFlagTier, Terrain
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk
from walkrx.domain.pain import pain_status
from walkrx.domain.protocol import Protocol
from walkrx.domain.redflags import highest_tier
from walkrx.domain.review import open_red_flags
from walkrx.domain.zones import in_band, zones_for
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.services.context import check_timezone, find_person, load_diary, load_protocol
from walkrx.storage import Database, UnitOfWork

PAIN_FIELDS = ("pain_before", "pain_during", "pain_after", "pain_next_morning", "lower_limb_pain")
MIN_PACE_WALK_S = 600  # spec 9: walks under 10 minutes give no efficiency figure


def _check_scale(label: str, value: int | None) -> None:
    if value is not None and not 0 <= value <= 10:
        raise InvalidInputError(f"{label} must be a whole number from 0 to 10, not {value}")


def parse_red_flags(codes: list[str] | tuple[str, ...]) -> tuple[RedFlag, ...]:
    flags: list[RedFlag] = []
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        try:
            flags.append(RedFlag(code))
        except ValueError:
            known = ", ".join(f.value for f in RedFlag)
            raise InvalidInputError(f"unknown red-flag code '{code}': use one of {known}") from None
    return tuple(dict.fromkeys(flags))


def validate_walk(walk: Walk, person: Person) -> Walk:
    """Refuse a walk that cannot be right, with a message that says what to fix."""
    check_timezone(walk.timezone)
    if walk.start.tzinfo is None:
        raise InvalidInputError("a walk's start time needs a time zone")
    if walk.local_date < person.start:
        raise InvalidInputError(
            f"the walk on {walk.local_date} is before the program starts ({person.start}): "
            "walks can only be logged from the start date on"
        )
    if not 0 < walk.duration_s <= 24 * 3600:
        raise InvalidInputError("a walk must last more than 0 and at most 24 hours (--minutes)")
    if walk.moving_s is not None and not 0 <= walk.moving_s <= walk.duration_s:
        raise InvalidInputError("moving time must be between 0 and the walk's duration")
    if walk.distance_m is not None and not 0 <= walk.distance_m <= 100_000:
        raise InvalidInputError("distance must be between 0 and 100 km")
    for label, hr in (("average heart rate", walk.avg_hr), ("maximum heart rate", walk.max_hr)):
        if hr is not None and not 30 <= hr <= 240:
            raise InvalidInputError(f"{label} {hr} is not plausible: give 30 to 240 bpm")
    if walk.avg_hr is not None and walk.max_hr is not None and walk.max_hr < walk.avg_hr:
        raise InvalidInputError("maximum heart rate cannot be below the average heart rate")
    _check_scale("effort", walk.effort)
    for field in PAIN_FIELDS:
        _check_scale(field.replace("_", " "), getattr(walk, field))
    if walk.terrain is not None and walk.terrain not in {t.value for t in Terrain}:
        known = ", ".join(t.value for t in Terrain)
        raise InvalidInputError(f"unknown terrain '{walk.terrain}': use one of {known}")
    return walk


def with_diary_figures(walk: Walk, person: Person, protocol: Protocol) -> Walk:
    """Fill the measured zone time and the pace-per-beat of a walk logged by hand (spec 2 and 9).

    A diary walk with an average heart rate counts all its minutes as measured when that average
    lies in the band in force on the walk's date, none otherwise. Imported walks keep the figures
    computed from their samples.
    """
    if walk.source not in ("diary", "csv"):
        return walk
    zones = zones_for(person.zone_settings_on(walk.local_date), protocol.zones)
    zone_in_s: int | None = None
    band: tuple[int, int] | None = None
    if walk.avg_hr is not None:
        band = zones.band_bpm
        zone_in_s = walk.duration_s if in_band(walk.avg_hr, band) else 0
    pace = None
    if (
        walk.distance_m
        and walk.avg_hr
        and walk.duration_s >= MIN_PACE_WALK_S
        and walk.terrain not in ("hilly", "treadmill")
    ):
        pace = (walk.distance_m / (walk.duration_s / 60)) / walk.avg_hr
    return dataclasses.replace(walk, zone_in_s=zone_in_s, band_bpm=band, pace_hr=pace)


@dataclass(frozen=True)
class LoggedWalk:
    walk: Walk
    pain: PainStatus
    ask_red_flags: bool  # a red walk: the red-flag questions should be asked now (spec 7)


def walk_start(day: date, start: time | None, timezone: str) -> datetime:
    local = datetime.combine(day, start or time(12, 0), tzinfo=ZoneInfo(check_timezone(timezone)))
    return local.astimezone(UTC)


def log_walk(db: Database, person_ref: str | None, walk: Walk) -> LoggedWalk:
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        protocol = load_protocol(person)
        walk = with_diary_figures(validate_walk(walk, person), person, protocol)
        assert person.id is not None
        stored = uow.walks.add(person.id, walk)
        uow.commit()
    status = pain_status(stored, protocol.pain)
    return LoggedWalk(stored, status, ask_red_flags=status is PainStatus.RED)


def list_walks(db: Database, person_ref: str | None) -> list[Walk]:
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        return sorted(uow.walks.list(person.id), key=lambda w: w.start)


def get_walk(db: Database, person_ref: str | None, walk_id: int) -> Walk:
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        walk = uow.walks.get(person.id, walk_id)
    if walk is None:
        raise NotFoundError(f"no walk {walk_id} for {person.name}: 'walkrx walks' lists them")
    return walk


def edit_walk(
    db: Database, person_ref: str | None, walk_id: int, changes: dict[str, Any]
) -> LoggedWalk:
    """Change fields of a stored walk; the zone figures of a diary walk are worked out again."""
    unknown = set(changes) - {f.name for f in dataclasses.fields(Walk)} - {"id", "source"}
    if unknown:
        raise InvalidInputError(f"cannot edit {', '.join(sorted(unknown))}")
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        current = uow.walks.get(person.id, walk_id)
        if current is None:
            raise NotFoundError(f"no walk {walk_id} for {person.name}: 'walkrx walks' lists them")
        protocol = load_protocol(person)
        edited = validate_walk(dataclasses.replace(current, **changes), person)
        edited = with_diary_figures(edited, person, protocol)
        stored = uow.walks.update(person.id, edited)
        uow.commit()
    status = pain_status(stored, protocol.pain)
    return LoggedWalk(stored, status, ask_red_flags=status is PainStatus.RED)


def delete_walk(db: Database, person_ref: str | None, walk_id: int) -> Walk:
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        walk = uow.walks.get(person.id, walk_id)
        if walk is None:
            raise NotFoundError(f"no walk {walk_id} for {person.name}: 'walkrx walks' lists them")
        uow.walks.delete(person.id, walk_id)
        uow.commit()
    return walk


@dataclass(frozen=True)
class RecordedCheckIn:
    checkin: CheckIn
    tier: RedFlagTier | None  # set when a red flag was answered yes: act on it now
    open_flags: tuple[RedFlag, ...]


def validate_checkin(checkin: CheckIn) -> CheckIn:
    _check_scale("morning pain", checkin.morning_pain)
    if checkin.psfs and not 3 <= len(checkin.psfs) <= 5:
        raise InvalidInputError(
            "the functional scale (--psfs) takes 3 to 5 ratings, one per activity, e.g. 5,6,4"
        )
    for rating in checkin.psfs:
        _check_scale("each functional-scale rating", rating)
    if checkin.tsk17 is not None and not 17 <= checkin.tsk17 <= 68:
        raise InvalidInputError(f"a TSK-17 score runs from 17 to 68, not {checkin.tsk17}")
    if checkin.fabq_pa is not None and not 0 <= checkin.fabq_pa <= 24:
        raise InvalidInputError(
            f"a FABQ physical-activity score runs from 0 to 24, not {checkin.fabq_pa}"
        )
    return checkin


def record_checkin(db: Database, person_ref: str | None, checkin: CheckIn) -> RecordedCheckIn:
    """Store a morning check-in; a red-flag answer is acted on at once (spec section 7)."""
    validate_checkin(checkin)
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        stored = uow.checkins.add(person.id, checkin)
        diary = load_diary(uow, person)
        uow.commit()
    still_open = open_red_flags(diary, date.max)
    return RecordedCheckIn(stored, highest_tier(checkin.red_flags), still_open)


def clear_flags(
    db: Database, person_ref: str | None, day: date, note: str = "", by: str = ""
) -> tuple[FlagClearing, tuple[RedFlag, ...]]:
    """Clear the red flags open on `day`: an explicit act, recorded with date, note and author."""
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        assert person.id is not None
        closing = open_red_flags(load_diary(uow, person), day)
        if not closing:
            raise InvalidInputError(f"there is no open red flag on {day} to clear")
        clearing = uow.clearings.add(
            person.id, FlagClearing(id=None, day=day, seq=0, note=note, by=by or person.name)
        )
        uow.commit()
    return clearing, closing
