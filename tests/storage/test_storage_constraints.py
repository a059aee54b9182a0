"""The database itself refuses impossible values, whichever way they arrive."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from storage_builders import a_walk

from walkrx.domain.model import CheckIn
from walkrx.errors import InvalidInputError
from walkrx.storage import Database, UnitOfWork

SCORES = ["effort", "pain_before", "pain_during", "pain_after", "pain_next_morning"]


@pytest.mark.parametrize("field", [*SCORES, "lower_limb_pain"])
@pytest.mark.parametrize("value", [11, -1])
def test_pain_and_effort_outside_0_to_10_are_refused(
    database: Database, person_id: int, field: str, value: int
) -> None:
    """A walk with pain or effort 11 (or -1) raises an input error naming the constraint."""
    with UnitOfWork(database) as uow:
        with pytest.raises(InvalidInputError, match=f"{field}_range"):
            uow.walks.add(person_id, a_walk(**{field: value}))
        assert uow.walks.list(person_id) == []


def test_the_bounds_themselves_are_accepted(database: Database, person_id: int) -> None:
    """0 and 10 are valid scores."""
    with UnitOfWork(database) as uow:
        uow.walks.add(person_id, a_walk(**dict.fromkeys(SCORES, 10)))
        uow.walks.add(person_id, a_walk(**dict.fromkeys(SCORES, 0)))
        assert len(uow.walks.list(person_id)) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("morning_pain", 11), ("tsk17", 16), ("tsk17", 69), ("fabq_pa", 25)],
)
def test_check_in_scores_out_of_range_are_refused(
    database: Database, person_id: int, field: str, value: int
) -> None:
    """Morning pain is 0-10, TSK-17 17-68, FABQ physical activity 0-24."""
    changes: dict[str, Any] = {field: value}
    checkin = replace(CheckIn(None, date(2024, 3, 5), 0), **changes)
    with UnitOfWork(database) as uow, pytest.raises(InvalidInputError, match=field):
        uow.checkins.add(person_id, checkin)


@pytest.mark.parametrize("band", [(130, 120)])
def test_a_band_upside_down_is_refused(
    database: Database, person_id: int, band: tuple[int, int]
) -> None:
    """The band's low limit cannot exceed its high limit."""
    with UnitOfWork(database) as uow, pytest.raises(InvalidInputError, match="band"):
        uow.walks.add(person_id, a_walk(band_bpm=band))


def test_negative_durations_are_refused(database: Database, person_id: int) -> None:
    """A walk cannot last less than nothing."""
    with UnitOfWork(database) as uow, pytest.raises(InvalidInputError, match="duration_s"):
        uow.walks.add(person_id, a_walk(duration_s=-1))


def test_the_constraint_lives_in_the_database(database: Database, person_id: int) -> None:
    """Plain SQL that bypasses the repositories is refused too (pain 11)."""
    insert = text(
        "INSERT INTO walks (person_id, start, timezone, duration_s, pain_during, tempo, notes,"
        " cues, source) VALUES (:person, :start, 'UTC', 600, 11, false, '', '[]', 'diary')"
    )
    with database.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(insert, {"person": person_id, "start": "2024-04-02 07:00:00"})


def test_foreign_keys_are_enforced(database: Database) -> None:
    """A row for a person that does not exist is refused, on SQLite as well."""
    insert = text(
        "INSERT INTO checkins (person_id, day, seq, red_flags, psfs) "
        "VALUES (999, '2024-04-02', 1, '', '')"
    )
    with database.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(insert)
