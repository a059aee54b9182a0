"""Erasing one person (issue 12): every row of theirs, table by table, and then the space it held.

`ErasureRepository.erase(whose)` deletes, in the unit of work's transaction, each row that is the
person's (their program and everything in it), their account's (sessions, API tokens, care links,
clinic memberships) or about them (alerts, the panel's status line, pauses, clinic sharing,
sign-in attempts with their e-mail address, audit events about them or by their account). Each
table is named explicitly, in an order that needs no cascade; the foreign keys' cascades stay as
a second line. `count(whose)` says the same per table without deleting anything, and
`held(whose)` reads those very rows for the person's own export (secrets left out), so the export
holds exactly what an erasure would remove.

Deleting a row does not remove its bytes: on SQLite they stay in the page's free space, in free
pages and in the write-ahead log; on PostgreSQL as dead tuples until a vacuum. So the erasure's
connection zeroes what it frees (`PRAGMA secure_delete`), and once the erasure is committed
`scrub(database, tables)` rewrites the SQLite file (`VACUUM`) and empties its write-ahead log
(`wal_checkpoint(TRUNCATE)`), or vacuums the tables on PostgreSQL. docs/privacy.md says what that
reaches and what it cannot (PostgreSQL's own WAL, backups, the file system's old blocks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, false, func, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session

from walkrx.storage.database import SQLITE_BUSY_TIMEOUT_MS, Database
from walkrx.storage.rows import (
    AlertRow,
    ApiTokenRow,
    AuditEventRow,
    Base,
    CareLinkRow,
    CheckInRow,
    ClinicMemberRow,
    ClinicPatientRow,
    FlagClearingRow,
    FollowUpRow,
    LoginAttemptRow,
    PersonRow,
    PersonStatusRow,
    ProgramPauseRow,
    ProgramStageRow,
    SessionRow,
    SourceFileRow,
    UserRow,
    WalkRow,
    ZoneSettingsRow,
)


@dataclass(frozen=True)
class Whose:
    """Whose rows go: a program (person id), an account (user id) and its e-mail address; any
    of them may be missing (a program made at the console has no account, an account may have
    no program yet)."""

    person_id: int | None
    user_id: int | None
    email: str | None


@dataclass(frozen=True)
class Scrubbed:
    """What became of the space the erased rows held, once the erasure was committed."""

    engine: str  # sqlite | postgresql | ...
    done: bool  # every step below succeeded
    steps: tuple[str, ...]  # what ran, in order, e.g. "VACUUM", "wal_checkpoint(TRUNCATE)"
    problem: str = ""  # why it is not done (the erasure itself stands)


def _is(column: InstrumentedAttribute[Any], value: int | str | None) -> ColumnElement[bool]:
    """`column = value`, or nothing at all when there is no value (no account, no program)."""
    return false() if value is None else column == value


def _where(whose: Whose) -> list[tuple[type[Base], ColumnElement[bool]]]:
    """Each table with the condition that picks the person's rows, children before parents."""
    person, user, email = whose.person_id, whose.user_id, whose.email
    return [
        (
            AuditEventRow,
            or_(
                _is(AuditEventRow.person_id, person),
                _is(AuditEventRow.actor_user_id, user),
                _is(AuditEventRow.actor, email),
            ),
        ),
        (LoginAttemptRow, _is(LoginAttemptRow.email, email)),
        (
            CareLinkRow,
            or_(
                _is(CareLinkRow.patient_user_id, user),
                _is(CareLinkRow.clinician_id, user),
                _is(CareLinkRow.patient_email, email),
            ),
        ),
        (SessionRow, _is(SessionRow.user_id, user)),
        (ApiTokenRow, _is(ApiTokenRow.user_id, user)),
        (ClinicMemberRow, _is(ClinicMemberRow.user_id, user)),
        (AlertRow, _is(AlertRow.person_id, person)),
        (ClinicPatientRow, _is(ClinicPatientRow.person_id, person)),
        (PersonStatusRow, _is(PersonStatusRow.person_id, person)),
        (ProgramPauseRow, _is(ProgramPauseRow.person_id, person)),
        (ProgramStageRow, _is(ProgramStageRow.person_id, person)),  # issue 13
        (FollowUpRow, _is(FollowUpRow.person_id, person)),  # issue 13
        (WalkRow, _is(WalkRow.person_id, person)),  # before their files (walks refer to them)
        (CheckInRow, _is(CheckInRow.person_id, person)),
        (FlagClearingRow, _is(FlagClearingRow.person_id, person)),
        (SourceFileRow, _is(SourceFileRow.person_id, person)),
        (ZoneSettingsRow, _is(ZoneSettingsRow.person_id, person)),
        (UserRow, _is(UserRow.id, user)),  # the account refers to the program: it goes first
        (PersonRow, _is(PersonRow.id, person)),
    ]


# Never handed out, not even to the person: hashes and digests of secrets, and device files'
# bytes (the export reads those one at a time, through the files repository).
SECRET_COLUMNS = {
    "users": {"password_hash"},
    "sessions": {"token_sha256", "csrf_secret"},
    "api_tokens": {"token_sha256"},
    "care_links": {"code_sha256"},
    "source_files": {"content"},
}


class ErasureRepository:
    """Reading, counting and deleting every row of one person, in the unit of work's
    transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def count(self, whose: Whose) -> dict[str, int]:
        """How many rows of each table the erasure would delete (tables with none left out)."""
        counts: dict[str, int] = {}
        for row, condition in _where(whose):
            found = self._session.scalar(select(func.count()).select_from(row).where(condition))
            if found:
                counts[row.__tablename__] = int(found)
        return counts

    def held(self, whose: Whose) -> dict[str, list[dict[str, Any]]]:
        """Every row the erasure would delete, as column -> value without `SECRET_COLUMNS`: the
        program's tables first, each in primary-key order (tables with none left out)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for row, condition in reversed(_where(whose)):
            table = Base.metadata.tables[row.__tablename__]
            hidden = SECRET_COLUMNS.get(table.name, set())
            columns = [c for c in table.columns if c.name not in hidden]
            rows = self._session.execute(
                select(*columns).where(condition).order_by(*table.primary_key.columns)
            )
            values = [dict(r._mapping) for r in rows]
            if values:
                found[table.name] = values
        return found

    def erase(self, whose: Whose) -> dict[str, int]:
        """Delete every row of theirs; how many went from each table (tables with none left out).

        On SQLite the connection zeroes the space it frees while it deletes (`secure_delete`),
        then goes back to its setting before, so other work on the pooled connection pays
        nothing for it."""
        self._session.flush()
        sqlite = self._session.get_bind().dialect.name == "sqlite"
        before = None
        if sqlite:
            before = self._session.execute(text("PRAGMA secure_delete")).scalar()
            self._session.execute(text("PRAGMA secure_delete=ON"))
        counts: dict[str, int] = {}
        try:
            for row, condition in _where(whose):
                result = self._session.execute(
                    delete(row).where(condition).execution_options(synchronize_session=False)
                )
                deleted = int(getattr(result, "rowcount", 0) or 0)
                if deleted:
                    counts[row.__tablename__] = deleted
        finally:
            if sqlite:
                self._session.execute(text(f"PRAGMA secure_delete={int(before or 0)}"))
        self._session.expire_all()  # the database removed their rows; forget any we hold
        return counts


def scrub(database: Database, tables: Sequence[str]) -> Scrubbed:
    """Make the bytes of committed deletions unreachable through the database's own files.

    SQLite: `VACUUM` rewrites the whole file from its live rows (no free page or free space in a
    page keeps old bytes), and `wal_checkpoint(TRUNCATE)` (before and after) copies the log into
    the file and empties it. Both run outside any transaction, taking this process's write turn;
    another process's reader can hold the checkpoint back (then `done` is False and says so).
    PostgreSQL: `VACUUM` of `tables` removes their dead rows and index entries (see
    docs/privacy.md for what it does not reach). Other engines: nothing is done.
    """
    engine = database.engine
    name = engine.dialect.name
    if name == "sqlite":
        return _scrub_sqlite(database)
    if name == "postgresql":
        known = {table.name for table in Base.metadata.sorted_tables}
        chosen = [t for t in dict.fromkeys(tables) if t in known]
        if not chosen:
            return Scrubbed(name, True, ())
        statement = "VACUUM " + ", ".join(f'"{t}"' for t in chosen)
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(statement)
        except DBAPIError as error:
            return Scrubbed(name, False, (), _first_line(error))
        return Scrubbed(name, True, (statement,))
    return Scrubbed(name, False, (), f"nothing is done to free space on {name}")


def _scrub_sqlite(database: Database) -> Scrubbed:
    turns = database.write_turns
    if turns is not None and not turns.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        return Scrubbed("sqlite", False, (), "the database stayed busy with other changes")
    steps: list[str] = []
    try:
        raw = database.engine.raw_connection()  # pysqlite in autocommit: no BEGIN around these
        try:
            cursor = raw.cursor()
            for statement in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM"):
                cursor.execute(statement)
                cursor.fetchall()
                steps.append(statement.removeprefix("PRAGMA "))
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            checkpoint = cursor.fetchone()  # (busy, log frames, frames checkpointed)
            busy = checkpoint is None or bool(checkpoint[0])
            cursor.close()
        finally:
            raw.close()
    except DBAPIError as error:
        return Scrubbed("sqlite", False, tuple(steps), _first_line(error))
    except sqlite3.Error as error:  # the driver's own, on the raw connection
        return Scrubbed("sqlite", False, tuple(steps), str(error).splitlines()[0])
    finally:
        if turns is not None:
            turns.release()
    steps.append("wal_checkpoint(TRUNCATE)")
    if busy:
        return Scrubbed(
            "sqlite",
            False,
            tuple(steps),
            "another connection was still reading, so the write-ahead log could not be emptied "
            "yet; it will be at the next checkpoint",
        )
    return Scrubbed("sqlite", True, tuple(steps))


def _first_line(error: DBAPIError) -> str:
    text_ = str(error.orig).strip()
    return text_.splitlines()[0] if text_ else type(error.orig).__name__
