"""Repositories: store and load domain records, one person at a time.

Every method that touches a person's records takes `person_id` and filters on it, so no method can
return another person's rows: that is where "every read is authorised" starts. Rows never leave
this module; callers get the frozen dataclasses of `walkrx.domain.model` (and `SourceFile`, which
the domain has no use for). The conversions between rows and records are in `storage/mapping.py`.

Integrity errors are raised as walkrx errors: a duplicate as `ConflictError`, an out-of-range value
as `InvalidInputError`, a reference to a missing person, file or walk as `NotFoundError`. Each write
runs in a savepoint, so after such an error the unit of work can carry on.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk, ZoneSettings
from walkrx.domain.plausibility import MAX_WALK_DURATION_S
from walkrx.errors import ConflictError, InvalidInputError, NotFoundError, WalkrxError
from walkrx.storage import mapping
from walkrx.storage.mapping import SourceFile, SourceFileInfo
from walkrx.storage.rows import (
    CheckInRow,
    FlagClearingRow,
    PersonRow,
    SourceFileRow,
    WalkRow,
    ZoneSettingsRow,
)

_utc = mapping.utc  # storage/accounts.py imports `_utc` from here


class PeopleRepository:
    """People and their versioned zone settings (a person is saved together with its zones)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, person: Person) -> Person:
        """Store a new person with its zone settings; returns it with its new id."""
        row = PersonRow()
        mapping.fill_person(row, person)

        def change() -> None:  # one savepoint: the person and all its zones, or nothing
            self._session.add(row)
            self._session.flush()
            for settings in person.zones:
                self.add_zone_settings(row.id, settings)

        _write(self._session, f"person {person.name!r}", change)
        return self._load(row)

    def get(self, person_id: int) -> Person | None:
        row = self._session.get(PersonRow, person_id)
        return None if row is None else self._load(row)

    def by_name(self, name: str) -> Person | None:
        row = self._session.scalars(select(PersonRow).where(PersonRow.name == name)).first()
        return None if row is None else self._load(row)

    def list(self) -> list[Person]:
        """Every person, by name (two queries, whatever the number of people)."""
        rows = self._session.scalars(select(PersonRow).order_by(PersonRow.name)).all()
        zones: dict[int, list[ZoneSettings]] = {row.id: [] for row in rows}
        zone_rows = self._session.scalars(
            select(ZoneSettingsRow).order_by(ZoneSettingsRow.person_id, ZoneSettingsRow.effective)
        )
        for zone_row in zone_rows:
            zones.setdefault(zone_row.person_id, []).append(mapping.zone_settings(zone_row))
        return [mapping.person(row, zones[row.id]) for row in rows]

    def update(self, person: Person) -> Person:
        """Save a changed person; its zone settings become exactly `person.zones`."""
        row = self._row(person.id)
        wanted = {settings.effective for settings in person.zones}

        def change() -> None:  # one savepoint: the person and all its zones, or nothing
            mapping.fill_person(row, person)
            self._session.flush()
            self._session.execute(
                delete(ZoneSettingsRow).where(
                    ZoneSettingsRow.person_id == row.id, ZoneSettingsRow.effective.not_in(wanted)
                )
            )
            for settings in person.zones:
                self.add_zone_settings(row.id, settings)

        _write(self._session, f"person {person.name!r}", change)
        return self._load(row)

    def lock(self, person_id: int) -> None:
        """Hold the person's row until the transaction ends (PostgreSQL: `FOR UPDATE`; SQLite's
        writers take turns already), so that writers of one person's records queue."""
        _require_person(self._session, person_id, lock=True)

    def delete(self, person_id: int) -> None:
        """Delete a person and, through the foreign keys, every record of theirs."""
        row = self._row(person_id)
        _write(self._session, f"person {person_id}", lambda: self._session.delete(row))
        self._session.expire_all()  # the database removed their rows; forget any we hold

    def add_zone_settings(self, person_id: int, settings: ZoneSettings) -> None:
        """Save zone settings effective from a date, replacing any from the same date."""
        _require_person(self._session, person_id)
        row = self._session.scalars(
            select(ZoneSettingsRow).where(
                ZoneSettingsRow.person_id == person_id,
                ZoneSettingsRow.effective == settings.effective,
            )
        ).first()
        if row is None:
            row = ZoneSettingsRow(person_id=person_id, effective=settings.effective)

        def change() -> None:
            assert row is not None
            row.age = settings.age
            row.max_hr = settings.max_hr
            row.resting_hr = settings.resting_hr
            row.hrmax_formula = settings.hrmax_formula
            row.zone_method = settings.zone_method
            self._session.add(row)

        _write(self._session, f"zone settings from {settings.effective}", change)

    def _row(self, person_id: int | None) -> PersonRow:
        row = None if person_id is None else self._session.get(PersonRow, person_id)
        if row is None:
            raise NotFoundError(f"no person with id {person_id}; list people to find the right one")
        return row

    def _load(self, row: PersonRow) -> Person:
        zone_rows = self._session.scalars(
            select(ZoneSettingsRow)
            .where(ZoneSettingsRow.person_id == row.id)
            .order_by(ZoneSettingsRow.effective)
        )
        return mapping.person(row, [mapping.zone_settings(zone_row) for zone_row in zone_rows])


class WalksRepository:
    """A person's walks, including those superseded by a richer record of the same walk."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        person_id: int,
        walk: Walk,
        source_file_id: int | None = None,
        activity_index: int | None = None,
        entry_key: str | None = None,
    ) -> Walk:
        """Store a walk (its `id` is ignored); returns it with its new id. `entry_key` is the
        client's key for the entry, unique per person (`by_entry_key` finds it again)."""
        _require_person(self._session, person_id)
        if source_file_id is not None:
            self._require_file(person_id, source_file_id)
        row = WalkRow(
            person_id=person_id,
            source_file_id=source_file_id,
            activity_index=activity_index,
            entry_key=entry_key,
        )
        mapping.fill_walk(row, walk)
        _write(self._session, mapping.walk_label(walk), lambda: self._session.add(row))
        return mapping.walk(row)

    def get(self, person_id: int, walk_id: int) -> Walk | None:
        row = self._row(person_id, walk_id)
        return None if row is None else mapping.walk(row)

    def by_entry_key(self, person_id: int, entry_key: str) -> Walk | None:
        """The person's walk stored with this client key, if any."""
        row = self._session.scalars(
            select(WalkRow).where(WalkRow.person_id == person_id, WalkRow.entry_key == entry_key)
        ).first()
        return None if row is None else mapping.walk(row)

    def of_file(self, person_id: int, file_id: int) -> builtins.list[tuple[Walk, int | None]]:
        """The walks imported from one of the person's files, each with the id of the walk that
        supersedes it (None: it stands), in the file's order."""
        rows = self._session.scalars(
            select(WalkRow)
            .where(WalkRow.person_id == person_id, WalkRow.source_file_id == file_id)
            .order_by(WalkRow.activity_index, WalkRow.id)
        )
        return [(mapping.walk(row), row.superseded_by) for row in rows]

    def list(
        self, person_id: int, include_superseded: bool = False, include_unconfirmed: bool = False
    ) -> list[Walk]:
        """The person's walks by start time: by default only those that count (the program's
        weeks, reviews and trends read these); superseded duplicates and imported walks waiting
        for the person's confirmation only when asked for."""
        query = select(WalkRow).where(WalkRow.person_id == person_id)
        if not include_superseded:
            query = query.where(WalkRow.superseded_by.is_(None))
        if not include_unconfirmed:
            query = query.where(mapping.counted())
        rows = self._session.scalars(query.order_by(WalkRow.start, WalkRow.id))
        return [mapping.walk(row) for row in rows]

    def update(self, person_id: int, walk: Walk) -> Walk:
        """Save a changed walk (its file, index and superseded mark are kept)."""
        row = self._existing(person_id, walk.id)
        _write(self._session, mapping.walk_label(walk), lambda: mapping.fill_walk(row, walk))
        return mapping.walk(row)

    def delete(self, person_id: int, walk_id: int) -> None:
        """Delete a walk; walks it had superseded come back into the diary."""
        row = self._existing(person_id, walk_id)
        _write(self._session, f"walk {walk_id}", lambda: self._session.delete(row))
        # The database cleared `superseded_by` on the walks this one had superseded.
        self._session.expire_all()

    def overlapping(
        self,
        person_id: int,
        start: datetime,
        end: datetime,
        include_superseded: bool = False,
    ) -> builtins.list[Walk]:
        """The person's walks whose time overlaps [start, end) (0 s counts as a moment).

        Walks waiting for the person's confirmation are included (they are records of the same
        time); walks longer than a plausible walk (`MAX_WALK_DURATION_S`) never match anything.
        """
        start, end = _utc(start, "start"), _utc(end, "end")
        longest = self._session.scalar(
            select(func.max(WalkRow.duration_s)).where(
                WalkRow.person_id == person_id, WalkRow.duration_s <= MAX_WALK_DURATION_S
            )
        )
        if longest is None:
            return []
        query = select(WalkRow).where(
            WalkRow.person_id == person_id,
            WalkRow.duration_s <= MAX_WALK_DURATION_S,
            WalkRow.start <= max(end, start),
            WalkRow.start >= start - timedelta(seconds=longest),
        )
        if not include_superseded:
            query = query.where(WalkRow.superseded_by.is_(None))
        rows = self._session.scalars(query.order_by(WalkRow.start, WalkRow.id))
        walks = [mapping.walk(row) for row in rows]
        return [walk for walk in walks if mapping.overlaps(walk, start, end)]

    def mark_superseded(self, person_id: int, walk_id: int, by_walk_id: int | None) -> None:
        """Mark a walk as a duplicate of a richer record (None: it stands on its own again)."""
        row = self._existing(person_id, walk_id)
        if by_walk_id is not None:
            if by_walk_id == walk_id:
                raise InvalidInputError(f"walk {walk_id} cannot supersede itself")
            self._existing(person_id, by_walk_id)

        def change() -> None:
            row.superseded_by = by_walk_id

        _write(self._session, f"walk {walk_id}", change)

    def superseded_by(self, person_id: int, walk_id: int) -> int | None:
        """The id of the walk that supersedes this one, if any."""
        return self._existing(person_id, walk_id).superseded_by

    def source_file_id(self, person_id: int, walk_id: int) -> int | None:
        """The id of the file the walk was imported from (None for a diary walk)."""
        return self._existing(person_id, walk_id).source_file_id

    def activity_index(self, person_id: int, walk_id: int) -> int | None:
        """The position of the walk's activity within its source file, if imported."""
        return self._existing(person_id, walk_id).activity_index

    def _row(self, person_id: int, walk_id: int | None) -> WalkRow | None:
        if walk_id is None:
            return None
        return self._session.scalars(
            select(WalkRow).where(WalkRow.id == walk_id, WalkRow.person_id == person_id)
        ).first()

    def _existing(self, person_id: int, walk_id: int | None) -> WalkRow:
        row = self._row(person_id, walk_id)
        if row is None:
            raise NotFoundError(
                f"no walk {walk_id} for person {person_id}; list the walks to find its id"
            )
        return row

    def _require_file(self, person_id: int, file_id: int) -> None:
        found = self._session.scalar(
            select(SourceFileRow.id).where(
                SourceFileRow.id == file_id, SourceFileRow.person_id == person_id
            )
        )
        if found is None:
            raise NotFoundError(f"no source file {file_id} for person {person_id}")


class CheckInsRepository:
    """Morning check-ins. Their `seq` is shared with flag clearings (one sequence per person)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, person_id: int, checkin: CheckIn, entry_key: str | None = None) -> CheckIn:
        """Store a check-in; its `id` and `seq` are ignored and the allocated ones returned.
        `entry_key` is the client's key for the entry, unique per person."""
        seq = _next_seq(self._session, person_id)
        row = CheckInRow(
            person_id=person_id,
            entry_key=entry_key,
            day=checkin.day,
            seq=seq,
            morning_pain=checkin.morning_pain,
            red_flags=",".join(RedFlag(flag).value for flag in checkin.red_flags),
            fear_of_movement=checkin.fear_of_movement,
            psfs=mapping.join_ints(checkin.psfs),
            tsk17=checkin.tsk17,
            fabq_pa=checkin.fabq_pa,
        )
        _write(self._session, f"check-in of {checkin.day}", lambda: self._session.add(row))
        return mapping.checkin(row)

    def by_entry_key(self, person_id: int, entry_key: str) -> CheckIn | None:
        """The person's check-in stored with this client key, if any."""
        row = self._session.scalars(
            select(CheckInRow).where(
                CheckInRow.person_id == person_id, CheckInRow.entry_key == entry_key
            )
        ).first()
        return None if row is None else mapping.checkin(row)

    def list(self, person_id: int) -> list[CheckIn]:
        """The person's check-ins in the order they were recorded."""
        rows = self._session.scalars(
            select(CheckInRow).where(CheckInRow.person_id == person_id).order_by(CheckInRow.seq)
        )
        return [mapping.checkin(row) for row in rows]


class ClearingsRepository:
    """Recorded clearings of red flags (an explicit act, never silent)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, person_id: int, clearing: FlagClearing) -> FlagClearing:
        """Store a clearing; its `id` and `seq` are ignored and the allocated ones returned."""
        seq = _next_seq(self._session, person_id)
        row = FlagClearingRow(
            person_id=person_id,
            day=clearing.day,
            seq=seq,
            note=clearing.note,
            cleared_by=clearing.by,
        )
        _write(self._session, f"flag clearing of {clearing.day}", lambda: self._session.add(row))
        return mapping.clearing(row)

    def list(self, person_id: int) -> list[FlagClearing]:
        """The person's clearings in the order they were recorded."""
        rows = self._session.scalars(
            select(FlagClearingRow)
            .where(FlagClearingRow.person_id == person_id)
            .order_by(FlagClearingRow.seq)
        )
        return [mapping.clearing(row) for row in rows]


class SourceFilesRepository:
    """The files walks were imported from, kept whole and recognised by their SHA-256."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        person_id: int,
        filename: str,
        sha256: str,
        format: str,
        content: bytes,
        skipped: Sequence[tuple[str | None, str, str]] = (),
    ) -> int:
        """Store a file, with its activities not stored and why ((sport, reason, code) each);
        a file with the same SHA-256 for this person raises `ConflictError`."""
        _require_person(self._session, person_id)
        row = SourceFileRow(
            person_id=person_id,
            filename=filename,
            sha256=sha256.lower(),
            format=format,
            size_bytes=len(content),
            content=content,
            skipped=json.dumps(
                [
                    {"sport": sport, "reason": reason, "code": code}
                    for sport, reason, code in skipped
                ]
            ),
        )
        _write(self._session, f"file {filename!r}", lambda: self._session.add(row))
        return row.id

    def by_sha256(self, person_id: int, sha256: str) -> SourceFileInfo | None:
        """The person's file with this SHA-256 (hex), if it was imported before."""
        row = self._session.scalars(
            select(SourceFileRow).where(
                SourceFileRow.person_id == person_id, SourceFileRow.sha256 == sha256.lower()
            )
        ).first()
        return None if row is None else mapping.file_info(row)

    def get(self, person_id: int, file_id: int) -> SourceFile | None:
        """A file with its bytes."""
        row = self._session.scalars(
            select(SourceFileRow).where(
                SourceFileRow.id == file_id, SourceFileRow.person_id == person_id
            )
        ).first()
        if row is None:
            return None
        info = mapping.file_info(row)
        return SourceFile(**vars(info), content=row.content)

    def list(self, person_id: int) -> list[SourceFileInfo]:
        """The person's files, oldest first, without their bytes."""
        rows = self._session.scalars(
            select(SourceFileRow)
            .where(SourceFileRow.person_id == person_id)
            .order_by(SourceFileRow.id)
        )
        return [mapping.file_info(row) for row in rows]


# --- writing and errors ---------------------------------------------------------------------


def _write(session: Session, what: str, change: Callable[[], None]) -> None:
    """Apply a change and flush it inside a savepoint, translating integrity errors.

    The change must happen inside: `begin_nested` flushes what is pending before the savepoint.
    """
    try:
        with session.begin_nested():
            change()
    except IntegrityError as error:
        raise integrity_error(error, what) from error


def integrity_error(error: IntegrityError, what: str) -> WalkrxError:
    """The walkrx error for a database integrity error, its message naming `what` failed."""
    original = error.orig
    state = getattr(original, "sqlstate", None)
    diag = getattr(original, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    text = str(original).lower()
    if state == "23505" or "unique constraint" in text:
        return ConflictError(
            f"{what} is already stored ({constraint or _first_line(text)}); "
            "change the existing record instead of adding it again"
        )
    if state == "23503" or "foreign key constraint" in text:
        return NotFoundError(
            f"{what} refers to a person, file or walk that does not exist; check the ids given"
        )
    if state == "23514" or "check constraint" in text:
        name = constraint or text.rsplit(":", 1)[-1].strip()
        return InvalidInputError(
            f"{what} has a value out of range ({name}); pain and effort are 0-10"
        )
    return InvalidInputError(f"{what} cannot be stored: {_first_line(text)}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "integrity error"


def _require_person(session: Session, person_id: int, lock: bool = False) -> None:
    query = select(PersonRow.id).where(PersonRow.id == person_id)
    if lock:
        query = query.with_for_update()
    if session.scalar(query) is None:
        raise NotFoundError(f"no person with id {person_id}; list people to find the right one")


def _next_seq(session: Session, person_id: int) -> int:
    # Locking the person's row (PostgreSQL) serialises allocation for one person; on SQLite the
    # explicit BEGIN makes the read and the insert one transaction, and writers are serialised.
    _require_person(session, person_id, lock=True)
    last_checkin = session.scalar(
        select(func.max(CheckInRow.seq)).where(CheckInRow.person_id == person_id)
    )
    last_clearing = session.scalar(
        select(func.max(FlagClearingRow.seq)).where(FlagClearingRow.person_id == person_id)
    )
    return max(last_checkin or 0, last_clearing or 0) + 1


__all__ = [
    "CheckInsRepository",
    "ClearingsRepository",
    "PeopleRepository",
    "SourceFile",
    "SourceFileInfo",
    "SourceFilesRepository",
    "WalksRepository",
]
