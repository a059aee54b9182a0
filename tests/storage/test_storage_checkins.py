"""Check-ins and flag clearings round-trip and share one recording sequence per person."""

from __future__ import annotations

from datetime import date

import pytest

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing
from walkrx.errors import NotFoundError
from walkrx.storage import Database, UnitOfWork


def test_a_check_in_with_every_field_round_trips(database: Database, person_id: int) -> None:
    """Red flags come back as RedFlag members in order; PSFS ratings as a tuple of ints."""
    given = CheckIn(
        id=None,
        day=date(2024, 3, 1),  # before the program's start: allowed for onboarding
        seq=0,
        morning_pain=6,
        red_flags=(RedFlag.NIGHT_PAIN, RedFlag.SADDLE_NUMBNESS),
        fear_of_movement=True,
        psfs=(3, 0, 10),
        tsk17=41,
        fabq_pa=17,
    )
    with UnitOfWork(database) as uow:
        stored = uow.checkins.add(person_id, given)
        uow.commit()
    with UnitOfWork(database) as uow:
        [loaded] = uow.checkins.list(person_id)
    assert loaded == stored
    assert loaded.id is not None
    assert loaded == CheckIn(**{**vars(given), "id": loaded.id, "seq": 1})
    assert all(isinstance(flag, RedFlag) for flag in loaded.red_flags)


def test_an_empty_check_in_round_trips(database: Database, person_id: int) -> None:
    """A check-in that answers nothing keeps None and empty tuples."""
    with UnitOfWork(database) as uow:
        stored = uow.checkins.add(person_id, CheckIn(id=None, day=date(2024, 3, 5), seq=0))
        assert uow.checkins.list(person_id) == [stored]
    assert stored.red_flags == () and stored.psfs == () and stored.morning_pain is None


def test_a_clearing_round_trips(database: Database, person_id: int) -> None:
    """Note and who cleared come back as given, with an allocated sequence number."""
    given = FlagClearing(id=None, day=date(2024, 3, 9), seq=0, note="GP: no CES", by="Dr Okafor")
    with UnitOfWork(database) as uow:
        stored = uow.clearings.add(person_id, given)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.clearings.list(person_id) == [stored]
    assert stored.id is not None
    assert stored == FlagClearing(stored.id, given.day, 1, given.note, given.by)


def test_check_ins_and_clearings_share_one_increasing_sequence(
    database: Database, person_id: int
) -> None:
    """The seq given is ignored; each record gets the next number across both kinds, so a
    clearing knows which flags were recorded before it, whatever the dates say."""
    day = date(2024, 3, 10)
    with UnitOfWork(database) as uow:
        first = uow.checkins.add(person_id, CheckIn(None, day, 99, red_flags=(RedFlag.TRAUMA,)))
        clearing = uow.clearings.add(person_id, FlagClearing(None, day, 99))
        uow.commit()
    with UnitOfWork(database) as uow:
        later = uow.checkins.add(person_id, CheckIn(None, date(2024, 3, 8), 0, morning_pain=2))
        second_clearing = uow.clearings.add(person_id, FlagClearing(None, day, 0))
        uow.commit()
    assert [first.seq, clearing.seq, later.seq, second_clearing.seq] == [1, 2, 3, 4]
    with UnitOfWork(database) as uow:
        assert [c.seq for c in uow.checkins.list(person_id)] == [1, 3]
        assert [c.seq for c in uow.clearings.list(person_id)] == [2, 4]


def test_a_rolled_back_record_does_not_use_up_a_number_for_good(
    database: Database, person_id: int
) -> None:
    """Numbers come from what is stored, so a rolled-back check-in leaves no gap behind."""
    with UnitOfWork(database) as uow:
        uow.checkins.add(person_id, CheckIn(None, date(2024, 3, 10), 0))
    with UnitOfWork(database) as uow:
        assert uow.checkins.add(person_id, CheckIn(None, date(2024, 3, 10), 0)).seq == 1


def test_records_for_a_missing_person_are_not_found(database: Database) -> None:
    """Check-ins and clearings need a stored person."""
    with UnitOfWork(database) as uow:
        with pytest.raises(NotFoundError):
            uow.checkins.add(999, CheckIn(None, date(2024, 3, 10), 0))
        with pytest.raises(NotFoundError):
            uow.clearings.add(999, FlagClearing(None, date(2024, 3, 10), 0))
