"""Fixtures for the storage tests: a stored person on each database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from storage_builders import a_person

from walkrx.domain.model import Person
from walkrx.storage import Database, UnitOfWork


@pytest.fixture
def add_person(database: Database) -> Callable[..., Person]:
    """Store a person (committed) and return it with its id."""

    def add(name: str = "Ann", **changes: Any) -> Person:
        with UnitOfWork(database) as uow:
            person = uow.people.add(a_person(name, **changes))
            uow.commit()
        return person

    return add


@pytest.fixture
def person_id(add_person: Callable[..., Person]) -> int:
    """The id of a stored person, Ann."""
    person = add_person()
    assert person.id is not None
    return person.id
