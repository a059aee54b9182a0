"""People and their versioned zone settings round-trip through storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text
from storage_builders import a_person, a_walk

from walkrx.domain.model import CheckIn, FlagClearing, Person, ZoneSettings
from walkrx.errors import ConflictError, InvalidInputError, NotFoundError
from walkrx.storage import Database, UnitOfWork


def test_a_person_round_trips_with_zones_days_and_goals(database: Database) -> None:
    """Everything about a person comes back equal, zone settings in effective-date order."""
    given = a_person()
    with UnitOfWork(database) as uow:
        stored = uow.people.add(replace(given, zones=tuple(reversed(given.zones))))
        uow.commit()
    assert stored.id is not None
    with UnitOfWork(database) as uow:
        loaded = uow.people.get(stored.id)
    assert loaded == replace(given, id=stored.id)
    assert loaded == stored


def test_a_person_with_no_goals_and_no_days(database: Database) -> None:
    """Empty tuples stay empty tuples."""
    with UnitOfWork(database) as uow:
        stored = uow.people.add(a_person(days=(), goals=()))
        assert stored.id is not None
        assert uow.people.get(stored.id) == replace(a_person(days=(), goals=()), id=stored.id)


def test_people_are_found_by_name_and_listed_by_name(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """`by_name` finds one person; `list` gives everyone with their own zones."""
    zoe = add_person("Zoe", zones=(ZoneSettings(effective=date(2024, 1, 1), age=30),))
    ann = add_person("Ann")
    with UnitOfWork(database) as uow:
        assert uow.people.by_name("Zoe") == zoe
        assert uow.people.by_name("Nobody") is None
        assert uow.people.list() == [ann, zoe]


def test_an_unknown_person_is_none(database: Database) -> None:
    """`get` of an id nobody has is None, not an error: the service decides what to say."""
    with UnitOfWork(database) as uow:
        assert uow.people.get(12345) is None


def test_two_people_cannot_share_a_name(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """Names identify people on the command line, so a second Ann is a conflict."""
    add_person("Ann")
    with UnitOfWork(database) as uow, pytest.raises(ConflictError, match="already stored"):
        uow.people.add(a_person("Ann"))


def test_update_changes_fields_and_makes_zones_exactly_the_given_ones(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """Update saves every field; zones not given are removed, same-date ones replaced."""
    ann = add_person()
    new_zones = (
        ZoneSettings(effective=ann.start, age=53, max_hr=175),
        ZoneSettings(effective=date(2024, 4, 15), age=53, resting_hr=55, zone_method="hrr"),
    )
    changed = replace(
        ann,
        name="Ann B.",
        start=date(2024, 3, 11),
        timezone="America/New_York",
        protocol="/clinic/protocols/gentle.toml",
        zones=new_zones,
        days=(1, 3),
        goals=(),
    )
    with UnitOfWork(database) as uow:
        assert uow.people.update(changed) == changed
        uow.commit()
    assert ann.id is not None
    with UnitOfWork(database) as uow:
        assert uow.people.get(ann.id) == changed


def test_update_of_a_missing_person_is_not_found(database: Database) -> None:
    """Updating a person that was never stored says so."""
    with UnitOfWork(database) as uow, pytest.raises(NotFoundError):
        uow.people.update(a_person(id=999))


def test_zone_settings_are_versioned_and_a_same_day_change_replaces(
    database: Database, person_id: int
) -> None:
    """New settings add a version; settings for an existing date replace that version."""
    later = ZoneSettings(effective=date(2024, 5, 1), age=52, max_hr=168)
    with UnitOfWork(database) as uow:
        uow.people.add_zone_settings(person_id, later)
        uow.people.add_zone_settings(person_id, replace(later, max_hr=166))
        uow.commit()
    with UnitOfWork(database) as uow:
        person = uow.people.get(person_id)
    assert person is not None
    assert [z.effective for z in person.zones] == [
        date(2024, 3, 4),
        date(2024, 3, 25),
        date(2024, 5, 1),
    ]
    assert person.zone_settings_on(date(2024, 5, 2)).max_hr == 166


def test_zone_settings_for_a_missing_person_are_not_found(database: Database) -> None:
    """Zone settings need a stored person."""
    with UnitOfWork(database) as uow, pytest.raises(NotFoundError):
        uow.people.add_zone_settings(999, ZoneSettings(effective=date(2024, 1, 1), age=40))


def test_a_person_whose_zone_settings_are_refused_is_not_stored(database: Database) -> None:
    """Adding a person is all or nothing: a refused zone version leaves no person behind."""
    broken = ZoneSettings(effective=date(2024, 1, 1), age=40, hrmax_formula=None)  # type: ignore[arg-type]
    with UnitOfWork(database) as uow:
        with pytest.raises(InvalidInputError):
            uow.people.add(a_person(zones=(broken,)))
        assert uow.people.list() == []
        uow.people.add(a_person())
        uow.commit()
    with UnitOfWork(database) as uow:
        assert [p.name for p in uow.people.list()] == ["Ann"]


def test_an_update_whose_zone_settings_are_refused_changes_nothing(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """Updating is all or nothing too: the name and the zones stay as they were."""
    ann = add_person()
    broken = ZoneSettings(effective=date(2024, 1, 1), age=40, hrmax_formula=None)  # type: ignore[arg-type]
    with UnitOfWork(database) as uow:
        with pytest.raises(InvalidInputError):
            uow.people.update(replace(ann, name="Renamed", zones=(broken,)))
        assert ann.id is not None
        assert uow.people.get(ann.id) == ann


def test_deleting_a_person_deletes_everything_of_theirs_and_nothing_else(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """Zones, walks, files, check-ins and clearings go with the person; others keep theirs."""
    ann, bob = add_person("Ann"), add_person("Bob")
    assert ann.id is not None and bob.id is not None
    with UnitOfWork(database) as uow:
        for person_id in (ann.id, bob.id):
            file_id = uow.files.add(person_id, "a.fit", "d" * 64, "fit", b"x")
            uow.walks.add(person_id, a_walk(), source_file_id=file_id, activity_index=0)
            uow.checkins.add(person_id, CheckIn(None, date(2024, 3, 5), 0, morning_pain=2))
            uow.clearings.add(person_id, FlagClearing(None, date(2024, 3, 6), 0))
        uow.commit()
    with UnitOfWork(database) as uow:
        uow.people.delete(ann.id)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.people.get(ann.id) is None
        assert uow.walks.list(ann.id, include_superseded=True) == []
        assert uow.files.list(ann.id) == []
        assert uow.checkins.list(ann.id) == [] and uow.clearings.list(ann.id) == []
        with database.engine.connect() as connection:
            zones = connection.execute(
                text("SELECT count(*) FROM zone_settings WHERE person_id = :id"), {"id": ann.id}
            ).scalar()
        assert zones == 0
        bobs = uow.diary(bob.id)
        assert bobs.person == bob
        assert len(bobs.walks) == len(bobs.checkins) == len(bobs.clearings) == 1
        assert len(uow.files.list(bob.id)) == 1


def test_deleting_a_missing_person_is_not_found(database: Database) -> None:
    """Deleting nobody says so."""
    with UnitOfWork(database) as uow, pytest.raises(NotFoundError):
        uow.people.delete(4242)
