"""The unit of work commits only when told to, and leaves nothing half-written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from storage_builders import a_person, a_walk

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, Diary, FlagClearing
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.storage import Database, UnitOfWork


class Boom(Exception):
    """An error raised on purpose in the middle of some work."""


def _counts(database: Database) -> tuple[int, int]:
    with UnitOfWork(database) as uow:
        people = uow.people.list()
        walks = sum(len(uow.walks.list(p.id)) for p in people if p.id is not None)
    return len(people), walks


def test_work_not_committed_is_rolled_back(database: Database) -> None:
    """Leaving the block without `commit()` stores nothing."""
    with UnitOfWork(database) as uow:
        person = uow.people.add(a_person())
        assert person.id is not None
        uow.walks.add(person.id, a_walk())
    assert _counts(database) == (0, 0)


def test_an_exception_rolls_everything_back(database: Database) -> None:
    """A person and a walk added before an error are both gone: nothing half-written."""
    with pytest.raises(Boom), UnitOfWork(database) as uow:
        person = uow.people.add(a_person())
        assert person.id is not None
        uow.walks.add(person.id, a_walk())
        raise Boom
    assert _counts(database) == (0, 0)


def test_committed_work_stays_and_later_work_needs_its_own_commit(database: Database) -> None:
    """`commit()` makes what came before permanent; what follows it is rolled back on exit."""
    with pytest.raises(Boom), UnitOfWork(database) as uow:
        person = uow.people.add(a_person())
        assert person.id is not None
        uow.walks.add(person.id, a_walk())
        uow.commit()
        uow.walks.add(person.id, a_walk())
        raise Boom
    assert _counts(database) == (1, 1)


def test_explicit_rollback_undoes_since_the_last_commit(database: Database) -> None:
    """`rollback()` discards the work in progress; the unit of work stays usable."""
    with UnitOfWork(database) as uow:
        uow.people.add(a_person("Ann"))
        uow.rollback()
        uow.people.add(a_person("Bob"))
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [p.name for p in uow.people.list()] == ["Bob"]


def test_a_refused_write_leaves_the_rest_of_the_work_usable(database: Database) -> None:
    """A constraint violation undoes only that write (a savepoint), so the rest can commit."""
    with UnitOfWork(database) as uow:
        person = uow.people.add(a_person())
        assert person.id is not None
        with pytest.raises(InvalidInputError):
            uow.walks.add(person.id, a_walk(pain_after=11))
        kept = uow.walks.add(person.id, a_walk(pain_after=3))
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.walks.list(person.id) == [kept]


def test_repositories_need_an_open_unit_of_work(database: Database) -> None:
    """Outside `with`, there is no session to use; a unit of work is not re-entrant."""
    uow = UnitOfWork(database)
    with pytest.raises(RuntimeError, match="with"):
        uow.commit()
    with uow, pytest.raises(RuntimeError, match="already open"):
        uow.__enter__()


def test_the_diary_holds_everything_the_rules_need(database: Database) -> None:
    """`diary` gives the person, their walks in time order (no superseded duplicates), and
    their check-ins and clearings in recording order."""
    with UnitOfWork(database) as uow:
        person = uow.people.add(a_person())
        assert person.id is not None
        later = uow.walks.add(person.id, a_walk(start=a_walk().start.replace(day=31, hour=9)))
        earlier = uow.walks.add(person.id, a_walk())
        duplicate = uow.walks.add(person.id, a_walk(source="diary"))
        assert duplicate.id is not None and earlier.id is not None
        uow.walks.mark_superseded(person.id, duplicate.id, earlier.id)
        checkin = uow.checkins.add(
            person.id, CheckIn(None, date(2024, 3, 30), 0, red_flags=(RedFlag.FEVER_UNWELL,))
        )
        clearing = uow.clearings.add(person.id, FlagClearing(None, date(2024, 3, 31), 0))
        uow.commit()
    with UnitOfWork(database) as uow:
        diary = uow.diary(person.id)
    assert diary == Diary(
        person=person,
        walks=(earlier, later),
        checkins=(checkin,),
        clearings=(replace(clearing, seq=2),),
    )


def test_the_diary_of_a_missing_person_is_not_found(database: Database) -> None:
    """Asking for the diary of nobody raises NotFoundError."""
    with UnitOfWork(database) as uow, pytest.raises(NotFoundError, match="no person"):
        uow.diary(31337)
