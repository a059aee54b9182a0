"""The unit of work: one transaction over the repositories, rolled back unless committed.

with UnitOfWork(database) as uow:
    person = uow.people.add(person)
    uow.walks.add(person.id, walk)
    uow.commit()

Concurrent use (issue 10). On SQLite a transaction that may write takes the write lock as it
begins (`BEGIN IMMEDIATE`), waiting up to the busy timeout for another writer to finish, so
concurrent writers queue instead of failing half way with "database is locked"; a read-only use
case says so with `with uow.read():` and never blocks writers or other readers (WAL). When the
database stays busy past the timeout, or cannot be reached (a PostgreSQL restart), the use case
fails with `UnavailableError` (503, try again): nothing of it is stored, and the next request
works as soon as the database does.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import TracebackType

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from walkrx.domain.model import Diary, ProgramPause
from walkrx.errors import NotFoundError, UnavailableError
from walkrx.storage.accounts import (
    ApiTokensRepository,
    CareLinksRepository,
    LoginAttemptsRepository,
    SessionsRepository,
    UsersRepository,
)
from walkrx.storage.clinic import (
    AlertsRepository,
    AuditEvent,
    AuditRepository,
    ClinicsRepository,
)
from walkrx.storage.database import IMMEDIATE, SQLITE_BUSY_TIMEOUT_MS, Database
from walkrx.storage.erasure import ErasureRepository, Scrubbed, scrub
from walkrx.storage.followups import FollowUpsRepository, StagesRepository
from walkrx.storage.panel import PausesRepository, StatusRepository
from walkrx.storage.repositories import (
    CheckInsRepository,
    ClearingsRepository,
    PeopleRepository,
    SourceFilesRepository,
    WalksRepository,
    integrity_error,
)


class UnitOfWork:
    """A session and its repositories; leaving the block rolls back whatever was not committed."""

    people: PeopleRepository
    walks: WalksRepository
    checkins: CheckInsRepository
    clearings: ClearingsRepository
    files: SourceFilesRepository
    users: UsersRepository
    sessions: SessionsRepository
    api_tokens: ApiTokensRepository
    links: CareLinksRepository
    login_attempts: LoginAttemptsRepository
    clinics: ClinicsRepository
    alerts: AlertsRepository
    audit: AuditRepository
    statuses: StatusRepository
    pauses: PausesRepository
    erasure: ErasureRepository
    stages: StagesRepository
    followups: FollowUpsRepository

    def __init__(self, database: Database) -> None:
        self._database = database
        self._session: Session | None = None
        self._write = True
        self._audit: list[AuditEvent] = []
        self._turns: threading.RLock | None = None

    def read(self) -> UnitOfWork:
        """Make the next `with` block a read-only transaction (on SQLite: no write lock)."""
        self._write = False
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; make a new one")
        turns = self._database.write_turns if self._write else None
        if turns is not None and not turns.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            self._write = True
            raise UnavailableError(
                "the database is busy with other changes; nothing was changed: try again in a "
                "moment"
            )
        self._turns = turns
        session = self._database.sessions()
        try:
            # begin now, taking SQLite's write lock up front for a transaction that may write
            session.connection(execution_options={IMMEDIATE: self._write})
        except DBAPIError as error:
            session.close()
            self._write = True
            self._release()
            raise unavailable(error) from error
        self._session = session
        self.people = PeopleRepository(session)
        self.walks = WalksRepository(session)
        self.checkins = CheckInsRepository(session)
        self.clearings = ClearingsRepository(session)
        self.files = SourceFilesRepository(session)
        self.users = UsersRepository(session)
        self.sessions = SessionsRepository(session)
        self.api_tokens = ApiTokensRepository(session)
        self.links = CareLinksRepository(session)
        self.login_attempts = LoginAttemptsRepository(session)
        self.clinics = ClinicsRepository(session)
        self.alerts = AlertsRepository(session)
        self.audit = AuditRepository(session)
        self.statuses = StatusRepository(session)
        self.pauses = PausesRepository(session)
        self.erasure = ErasureRepository(session)
        self.stages = StagesRepository(session)
        self.followups = FollowUpsRepository(session)
        self._audit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self._open()
        try:
            session.rollback()
        except DBAPIError:
            pass  # the connection is gone: there is nothing left to roll back
        finally:
            session.close()
            self._session = None
            self._write = True
            self._release()
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):
            raise unavailable(exc) from exc
        if exc is None and self._audit:  # a read by someone else: its record must still stay
            self._keep_audit()

    def _release(self) -> None:
        turns, self._turns = self._turns, None
        if turns is not None:
            turns.release()

    def record(self, event: AuditEvent) -> None:
        """Keep an access on the audit trail: with the use case's commit, or (a read, which
        never commits) in a short transaction of its own when the use case ends without error."""
        self._audit.append(event)

    def _keep_audit(self) -> None:
        events, self._audit = self._audit, []
        turns = self._database.write_turns
        if turns is not None and not turns.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise UnavailableError("the database is busy: try again in a moment")
        session = self._database.sessions()
        try:
            session.connection(execution_options={IMMEDIATE: True})
            AuditRepository(session).add_all(events)
            session.commit()
        except DBAPIError as error:
            raise unavailable(error) from error
        finally:
            session.close()
            if turns is not None:
                turns.release()

    def commit(self) -> None:
        """Make everything done so far permanent; later changes need another commit."""
        session = self._open()
        events, self._audit = self._audit, []
        self.audit.add_all(events)
        try:
            session.commit()
        except IntegrityError as error:
            raise integrity_error(error, "the changes") from error
        except DBAPIError as error:
            raise unavailable(error) from error

    def rollback(self) -> None:
        """Undo everything since the last commit."""
        self._open().rollback()

    def scrub_freed_space(self, tables: Sequence[str]) -> Scrubbed:
        """After an erasure is committed (outside the `with` block): make the bytes it freed
        unreachable through the database's own files (`storage.erasure.scrub`)."""
        if self._session is not None:
            raise RuntimeError("scrub after the unit of work is closed: it runs outside one")
        return scrub(self._database, tables)

    def diary(self, person_id: int) -> Diary:
        """Everything the rules need about one person, in eight queries (no superseded walks),
        a clinician's pauses, the program's finishes and returns and its follow-ups included."""
        person = self.people.get(person_id)
        if person is None:
            raise NotFoundError(f"no person with id {person_id}; list people to find the right one")
        return Diary(
            person=person,
            walks=tuple(self.walks.list(person_id)),
            checkins=tuple(self.checkins.list(person_id)),
            clearings=tuple(self.clearings.list(person_id)),
            pauses=tuple(
                ProgramPause(p.start, p.end, p.reason, p.by, p.id)
                for p in self.pauses.of_person(person_id)
            ),
            stages=tuple(self.stages.of_person(person_id)),
            followups=tuple(self.followups.of_person(person_id)),
        )

    def _open(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._session


def unavailable(error: DBAPIError) -> UnavailableError:
    """A database that is busy past the timeout, or unreachable, as a clean 'try again'."""
    busy = "locked" in str(error.orig).lower() or "busy" in str(error.orig).lower()
    what = "is busy with other changes" if busy else "cannot be reached just now"
    return UnavailableError(f"the database {what}; nothing was changed: try again in a moment")
