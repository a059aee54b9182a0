"""Person isolation: no repository method returns or changes another person's records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from storage_builders import a_walk

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk
from walkrx.errors import NotFoundError
from walkrx.storage import Database, UnitOfWork


@dataclass(frozen=True)
class TwoPeople:
    ann: int
    bob: int
    ann_walk: Walk
    ann_file: int
    bob_walk: Walk


@pytest.fixture
def two(database: Database, add_person: Callable[..., Person]) -> TwoPeople:
    """Ann with a walk, a file, a check-in and a clearing; Bob with one walk of his own."""
    ann, bob = add_person("Ann"), add_person("Bob")
    assert ann.id is not None and bob.id is not None
    with UnitOfWork(database) as uow:
        ann_file = uow.files.add(ann.id, "a.fit", "c" * 64, "fit", b"ann's file")
        ann_walk = uow.walks.add(ann.id, a_walk(), source_file_id=ann_file, activity_index=0)
        bob_walk = uow.walks.add(bob.id, a_walk(start=a_walk().start + timedelta(days=1)))
        uow.checkins.add(ann.id, CheckIn(None, date(2024, 3, 30), 0, red_flags=(RedFlag.TRAUMA,)))
        uow.clearings.add(ann.id, FlagClearing(None, date(2024, 3, 31), 0, "ok", "GP"))
        uow.commit()
    return TwoPeople(ann.id, bob.id, ann_walk, ann_file, bob_walk)


def test_reads_for_bob_never_return_anns_records(database: Database, two: TwoPeople) -> None:
    """Through every read method, Bob sees only his own walk and nothing of Ann's."""
    walk = two.ann_walk
    assert walk.id is not None
    with UnitOfWork(database) as uow:
        assert uow.walks.get(two.bob, walk.id) is None
        assert uow.walks.list(two.bob, include_superseded=True) == [two.bob_walk]
        window = (walk.start, walk.start + timedelta(hours=1))
        assert uow.walks.overlapping(two.bob, *window, include_superseded=True) == []
        assert uow.checkins.list(two.bob) == []
        assert uow.clearings.list(two.bob) == []
        assert uow.files.get(two.bob, two.ann_file) is None
        assert uow.files.by_sha256(two.bob, "c" * 64) is None
        assert uow.files.list(two.bob) == []
        diary = uow.diary(two.bob)
    assert diary.walks == (two.bob_walk,)
    assert diary.checkins == () and diary.clearings == ()


def test_writes_for_bob_cannot_touch_anns_records(database: Database, two: TwoPeople) -> None:
    """Updating, deleting or superseding Ann's walk as Bob is not found, and changes nothing."""
    walk, bobs = two.ann_walk, two.bob_walk
    assert walk.id is not None and bobs.id is not None
    with UnitOfWork(database) as uow:
        with pytest.raises(NotFoundError):
            uow.walks.update(two.bob, walk)
        with pytest.raises(NotFoundError):
            uow.walks.delete(two.bob, walk.id)
        with pytest.raises(NotFoundError):
            uow.walks.mark_superseded(two.bob, walk.id, bobs.id)
        with pytest.raises(NotFoundError):
            uow.walks.mark_superseded(two.bob, bobs.id, walk.id)  # across people
        with pytest.raises(NotFoundError):
            uow.walks.superseded_by(two.bob, walk.id)
        with pytest.raises(NotFoundError):
            uow.walks.source_file_id(two.bob, walk.id)
        with pytest.raises(NotFoundError):
            uow.walks.activity_index(two.bob, walk.id)
        with pytest.raises(NotFoundError):
            uow.walks.add(two.bob, a_walk(), source_file_id=two.ann_file, activity_index=5)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.walks.list(two.ann) == [walk]
        assert uow.walks.list(two.bob) == [bobs]


def test_each_person_has_their_own_sequence(database: Database, two: TwoPeople) -> None:
    """Bob's first check-in is number 1, whatever Ann has recorded."""
    with UnitOfWork(database) as uow:
        assert uow.checkins.add(two.bob, CheckIn(None, date(2024, 4, 1), 0)).seq == 1
        assert uow.checkins.add(two.ann, CheckIn(None, date(2024, 4, 1), 0)).seq == 3
