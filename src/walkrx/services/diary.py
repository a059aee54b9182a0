"""Use cases of the diary: log, edit, list and delete walks; morning check-ins; clearing red flags.

Each use case is one function over one unit of work (decision 0006): it authorises the actor, reads,
validates and writes in the same transaction, so a refused input leaves the database exactly as it
was. A walk logged by hand arrives as a `WalkEntry` (the person's units: minutes, kilometres, a
local date) from the CLI's flags, a web form or the API's JSON alike, and is turned into a `Walk`
here, in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from walkrx.domain.codes import PainStatus, RedFlag, RedFlagTier
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk
from walkrx.domain.pace import PaceBand, WalkPace, walk_pace
from walkrx.domain.pain import pain_status
from walkrx.domain.protocol import Protocol
from walkrx.domain.redflags import highest_tier
from walkrx.domain.review import open_red_flags
from walkrx.domain.units import METRIC
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.services import status
from walkrx.services.access import Actor, person_for
from walkrx.services.context import load_diary, load_protocol, local_today
from walkrx.services.entries import (  # re-exported: the diary's vocabulary
    DAYS_AHEAD,
    EDITABLE,
    ENTRY_KEY_PATTERN,
    MAX_ACTIVITY_LENGTH,
    MAX_AUTHOR_LENGTH,
    MAX_CODE_LENGTH,
    MAX_CUE_LENGTH,
    MAX_CUES,
    MAX_DISTANCE_KM,
    MAX_HR,
    MAX_NOTE_LENGTH,
    MAX_PSFS,
    MAX_RED_FLAGS,
    MAX_TIMEZONE_LENGTH,
    MAX_WALK_MINUTES,
    MIN_HR,
    MIN_PSFS,
    PAIN_FIELDS,
    SCALE_MAX,
    CheckInEntry,
    WalkEntry,
    check_activities,
    check_day,
    check_entry_key,
    check_length,
    entry_walk,
    parse_red_flags,
    validate_checkin,
    validate_walk,
    walk_changes,
    walk_start,
    with_diary_figures,
)
from walkrx.storage import UnitOfWork

__all__ = [
    "DAYS_AHEAD",
    "EDITABLE",
    "ENTRY_KEY_PATTERN",
    "MAX_ACTIVITY_LENGTH",
    "MAX_AUTHOR_LENGTH",
    "MAX_CODE_LENGTH",
    "MAX_CUES",
    "MAX_CUE_LENGTH",
    "MAX_DISTANCE_KM",
    "MAX_HR",
    "MAX_NOTE_LENGTH",
    "MAX_PSFS",
    "MAX_RED_FLAGS",
    "MAX_TIMEZONE_LENGTH",
    "MAX_WALK_MINUTES",
    "MIN_HR",
    "MIN_PSFS",
    "PAIN_FIELDS",
    "SCALE_MAX",
    "CheckInEntry",
    "LoggedWalk",
    "RecordedCheckIn",
    "ShownWalk",
    "ShownWalks",
    "WalkEntry",
    "check_activities",
    "check_day",
    "check_entry_key",
    "check_length",
    "clear_flags",
    "confirm_walk",
    "delete_walk",
    "edit_walk",
    "entry_walk",
    "get_walk",
    "list_walks",
    "log_walk",
    "parse_red_flags",
    "record_checkin",
    "shown_walk",
    "shown_walks",
    "store_checkin",
    "store_clearing",
    "validate_checkin",
    "validate_walk",
    "walk_changes",
    "walk_start",
    "with_diary_figures",
]


@dataclass(frozen=True)
class LoggedWalk:
    walk: Walk
    pain: PainStatus
    ask_red_flags: bool  # a red walk: the red-flag questions should be asked now (spec 7)
    replayed: bool = False  # the entry's key was stored already: this is that walk, not a new one
    units: str = METRIC  # how the person reads distances and speeds (issue 15)
    band: PaceBand = field(default_factory=PaceBand)  # the person's moderate pace band

    @property
    def pace(self) -> WalkPace:
        return walk_pace(self.walk, self.band)


@dataclass(frozen=True)
class ShownWalk:
    """A walk with what showing it needs: the person's units and pace band (issue 15)."""

    walk: Walk
    units: str
    band: PaceBand

    @property
    def pace(self) -> WalkPace:
        return walk_pace(self.walk, self.band)


@dataclass(frozen=True)
class ShownWalks:
    """Every stored walk, oldest first, with the person's units and pace band."""

    walks: list[Walk]
    units: str
    band: PaceBand

    def pace(self, walk: Walk) -> WalkPace:
        return walk_pace(walk, self.band)


def _walk_of(uow: UnitOfWork, person: Person, walk_id: int) -> Walk:
    assert person.id is not None
    walk = uow.walks.get(person.id, walk_id)
    if walk is None:
        raise NotFoundError(f"there is no walk {walk_id} in {person.name}'s diary", kind="walk")
    return walk


def _logged(stored: Walk, protocol: Protocol, person: Person, replayed: bool = False) -> LoggedWalk:
    status = pain_status(stored, protocol.pain)
    return LoggedWalk(
        stored,
        status,
        ask_red_flags=status is PainStatus.RED,
        replayed=replayed,
        units=person.units,
        band=protocol.pace,
    )


def log_walk(
    uow: UnitOfWork, actor: Actor, person_id: int, entry: WalkEntry, now: datetime | None = None
) -> LoggedWalk:
    """Log a walk by hand; the answer says whether to ask the red-flag questions now.

    With a key (`entry.key`), the walk is logged once: sent again with the same key (a retried
    request, a phone's outbox replayed), the walk stored first comes back, `replayed`, and
    nothing is added. Writers of one person queue on the person's row, so two requests with
    the same key at the same time store one walk."""
    key = check_entry_key(entry.key)
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        protocol = load_protocol(person)
        if key is not None:
            uow.people.lock(person_id)
            earlier = uow.walks.by_entry_key(person_id, key)
            if earlier is not None:
                return _logged(earlier, protocol, person, replayed=True)
        today = local_today(person, now)
        walk = with_diary_figures(
            validate_walk(entry_walk(entry, person, today), person, today), person, protocol
        )
        stored = uow.walks.add(person_id, walk, entry_key=key)
        status.refresh(uow, person, now=now)
        uow.commit()
    return _logged(stored, protocol, person)


def list_walks(uow: UnitOfWork, actor: Actor, person_id: int) -> list[Walk]:
    """Every stored walk, oldest first (those waiting for confirmation too; no duplicates)."""
    with uow.read():
        person_for(uow, actor, person_id, write=False)
        walks = uow.walks.list(person_id, include_unconfirmed=True)
    return sorted(walks, key=lambda w: w.start)


def get_walk(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> Walk:
    with uow.read():
        return _walk_of(uow, person_for(uow, actor, person_id, write=False), walk_id)


def shown_walks(uow: UnitOfWork, actor: Actor, person_id: int) -> ShownWalks:
    """`list_walks` with the person's units and pace band, to show them (issue 15)."""
    with uow.read():
        person = person_for(uow, actor, person_id, write=False)
        walks = uow.walks.list(person_id, include_unconfirmed=True)
    band = load_protocol(person).pace
    return ShownWalks(sorted(walks, key=lambda w: w.start), person.units, band)


def shown_walk(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> ShownWalk:
    """`get_walk` with the person's units and pace band, to show it (issue 15)."""
    with uow.read():
        person = person_for(uow, actor, person_id, write=False)
        walk = _walk_of(uow, person, walk_id)
    return ShownWalk(walk, person.units, load_protocol(person).pace)


def edit_walk(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    walk_id: int,
    changes: Mapping[str, Any],
    now: datetime | None = None,
) -> LoggedWalk:
    """Change fields of a stored walk (names of `EDITABLE`, in the person's units); the zone
    figures of a diary walk are worked out again."""
    fields = walk_changes(changes)
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        current = _walk_of(uow, person, walk_id)
        protocol = load_protocol(person)
        edited = dataclasses.replace(current, **fields)
        edited = validate_walk(edited, person, local_today(person, now))
        edited = with_diary_figures(edited, person, protocol)
        stored = uow.walks.update(person_id, edited)
        status.refresh(uow, person, now=now)
        uow.commit()
    return _logged(stored, protocol, person)


def confirm_walk(
    uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int, *, confirmed: bool = True
) -> ShownWalk:
    """Count an imported walk that waited for the person's confirmation ("count this walk"), or
    with `confirmed=False` undo that, so it waits again. A walk with nothing to check (logged by
    hand, or plainly a walk) always counts and cannot be set aside this way."""
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        current = _walk_of(uow, person, walk_id)
        if current.check_reason is None:
            raise InvalidInputError(
                f"walk {walk_id} already counts: there is nothing to confirm or undo "
                "(delete it if it was not a walk)"
            )
        stored = uow.walks.update(person_id, dataclasses.replace(current, confirmed=confirmed))
        status.refresh(uow, person)
        uow.commit()
    return ShownWalk(stored, person.units, load_protocol(person).pace)


def delete_walk(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> Walk:
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        walk = _walk_of(uow, person, walk_id)
        uow.walks.delete(person_id, walk_id)
        status.refresh(uow, person)
        uow.commit()
    return walk


@dataclass(frozen=True)
class RecordedCheckIn:
    checkin: CheckIn
    tier: RedFlagTier | None  # set when a red flag was answered yes: act on it now
    open_flags: tuple[RedFlag, ...]
    replayed: bool = False  # the entry's key was stored already: this is that check-in


def store_checkin(
    uow: UnitOfWork, person: Person, entry: CheckInEntry, now: datetime | None = None
) -> CheckIn:
    """Add a checked check-in for a person already authorised, in an open unit of work."""
    assert person.id is not None
    key = check_entry_key(entry.key)
    checkin = validate_checkin(
        CheckIn(
            id=None,
            day=entry.day or local_today(person, now),
            seq=0,
            morning_pain=entry.morning_pain,
            red_flags=parse_red_flags(entry.red_flags),
            fear_of_movement=entry.fear_of_movement,
            psfs=entry.psfs,
            tsk17=entry.tsk17,
            fabq_pa=entry.fabq_pa,
        )
    )
    return uow.checkins.add(person.id, checkin, entry_key=key)


def _named_activities(uow: UnitOfWork, person: Person, entry: CheckInEntry) -> Person:
    """The activities of the functional scale named with a check-in, stored with the person;
    ratings cannot outnumber the activities named."""
    named = person.activities
    if entry.activities is not None:
        named = check_activities(entry.activities)
    if named and len(entry.psfs) > len(named):
        raise InvalidInputError(
            f"{len(entry.psfs)} ratings for {len(named)} activities: rate each activity you "
            "named once",
            field="psfs",
        )
    if named == person.activities:
        return person
    return uow.people.update(dataclasses.replace(person, activities=named))


def record_checkin(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    entry: CheckInEntry,
    now: datetime | None = None,
) -> RecordedCheckIn:
    """Store a morning check-in; a red-flag answer is acted on at once (spec section 7). With a
    key, stored once, as `log_walk`; activities named with it become the person's (PSFS).

    Dated from the program's start (or today, when the program starts later) to the person's
    today + `DAYS_AHEAD`."""
    key = check_entry_key(entry.key)
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        if key is not None:
            uow.people.lock(person_id)
            earlier = uow.checkins.by_entry_key(person_id, key)
            if earlier is not None:
                still = open_red_flags(load_diary(uow, person), date.max)
                return RecordedCheckIn(earlier, highest_tier(earlier.red_flags), still, True)
        today = local_today(person, now)
        if entry.day is not None:
            check_day(person, entry.day, today, "a check-in", min(person.start, today))
        person = _named_activities(uow, person, entry)
        stored = store_checkin(uow, person, entry, now)
        diary = load_diary(uow, person)
        status.refresh(uow, person, now=now)
        uow.commit()
    still_open = open_red_flags(diary, date.max)
    return RecordedCheckIn(stored, highest_tier(stored.red_flags), still_open)


def store_clearing(
    uow: UnitOfWork, person: Person, day: date, note: str, by: str, today: date | None = None
) -> tuple[FlagClearing, tuple[RedFlag, ...]]:
    """Clear the red flags open on `day` for a person already authorised, in an open unit of
    work; refused when none is open. `day` runs from the program's start (or today, when it
    starts later) to the person's `today` (default: now where they live) + `DAYS_AHEAD`."""
    assert person.id is not None
    today = today or local_today(person)
    check_day(person, day, today, "a clearing", min(person.start, today))
    check_length("the note", note, MAX_NOTE_LENGTH, "note")
    check_length("the name of who cleared it", by, MAX_AUTHOR_LENGTH, "by")
    closing = open_red_flags(load_diary(uow, person), day)
    if not closing:
        raise InvalidInputError(f"there is no open red flag on {day} to clear", field="date")
    clearing = uow.clearings.add(
        person.id, FlagClearing(id=None, day=day, seq=0, note=note, by=by or person.name)
    )
    return clearing, closing


def clear_flags(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    day: date | None = None,
    note: str = "",
    by: str = "",
    now: datetime | None = None,
) -> tuple[FlagClearing, tuple[RedFlag, ...]]:
    """Clear the red flags open on `day` (default: the person's today): an explicit act,
    recorded with date, note and author."""
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        today = local_today(person, now)
        cleared = store_clearing(uow, person, day or today, note, by, today)
        status.refresh(uow, person, now=now)
        uow.commit()
    return cleared
