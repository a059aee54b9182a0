"""The unit of work: one transaction over the repositories, rolled back unless committed.

with UnitOfWork(database) as uow:
    person = uow.people.add(person)
    uow.walks.add(person.id, walk)
    uow.commit()
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from walkrx.domain.model import Diary
from walkrx.errors import NotFoundError
from walkrx.storage.accounts import (
    ApiTokensRepository,
    CareLinksRepository,
    LoginAttemptsRepository,
    SessionsRepository,
    UsersRepository,
)
from walkrx.storage.database import Database
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

    def __init__(self, database: Database) -> None:
        self._database = database
        self._session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; make a new one")
        session = self._database.sessions()
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
        finally:
            session.close()
            self._session = None

    def commit(self) -> None:
        """Make everything done so far permanent; later changes need another commit."""
        try:
            self._open().commit()
        except IntegrityError as error:
            raise integrity_error(error, "the changes") from error

    def rollback(self) -> None:
        """Undo everything since the last commit."""
        self._open().rollback()

    def diary(self, person_id: int) -> Diary:
        """Everything the rules need about one person, in five queries (no superseded walks)."""
        person = self.people.get(person_id)
        if person is None:
            raise NotFoundError(f"no person with id {person_id}; list people to find the right one")
        return Diary(
            person=person,
            walks=tuple(self.walks.list(person_id)),
            checkins=tuple(self.checkins.list(person_id)),
            clearings=tuple(self.clearings.list(person_id)),
        )

    def _open(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._session
