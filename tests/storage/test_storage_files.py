"""Source files are kept whole, found again by SHA-256, and belong to one person."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from walkrx.domain.model import Person
from walkrx.errors import ConflictError, NotFoundError
from walkrx.storage import Database, SourceFile, SourceFileInfo, UnitOfWork

CONTENT = bytes(range(256)) * 40  # binary, with NUL bytes


def test_a_file_round_trips_with_its_bytes(database: Database, person_id: int) -> None:
    """`get` returns the bytes unchanged; the metadata records size and an aware import time."""
    sha = hashlib.sha256(CONTENT).hexdigest()
    with UnitOfWork(database) as uow:
        file_id = uow.files.add(person_id, "Morning_Walk.fit", sha, "fit", CONTENT)
        uow.commit()
    with UnitOfWork(database) as uow:
        stored = uow.files.get(person_id, file_id)
    assert isinstance(stored, SourceFile)
    assert stored.content == CONTENT
    assert (stored.id, stored.filename, stored.sha256, stored.format, stored.size_bytes) == (
        file_id,
        "Morning_Walk.fit",
        sha,
        "fit",
        len(CONTENT),
    )
    assert stored.imported_at.tzinfo is UTC
    assert abs(stored.imported_at - datetime.now(UTC)) < timedelta(hours=1)


def test_a_file_is_found_by_its_sha256_without_its_bytes(
    database: Database, person_id: int
) -> None:
    """`by_sha256` (any case of hex) returns the metadata only; unknown hashes give None."""
    sha = hashlib.sha256(b"<gpx/>").hexdigest()
    with UnitOfWork(database) as uow:
        file_id = uow.files.add(person_id, "walk.gpx", sha.upper(), "gpx", b"<gpx/>")
        found = uow.files.by_sha256(person_id, sha.upper())
        assert uow.files.by_sha256(person_id, "0" * 64) is None
        assert uow.files.list(person_id) == [found]
    assert type(found) is SourceFileInfo
    assert found.id == file_id and found.sha256 == sha


def test_the_same_file_twice_is_a_conflict_for_one_person_only(
    database: Database, add_person: Callable[..., Person]
) -> None:
    """A person cannot store a file twice; another person may store the same bytes."""
    ann, bob = add_person("Ann"), add_person("Bob")
    assert ann.id is not None and bob.id is not None
    sha = hashlib.sha256(CONTENT).hexdigest()
    with UnitOfWork(database) as uow:
        uow.files.add(ann.id, "a.fit", sha, "fit", CONTENT)
        with pytest.raises(ConflictError, match="already stored"):
            uow.files.add(ann.id, "copy of a.fit", sha, "fit", CONTENT)
        uow.files.add(bob.id, "a.fit", sha, "fit", CONTENT)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert len(uow.files.list(ann.id)) == 1
        assert len(uow.files.list(bob.id)) == 1


def test_a_file_for_a_missing_person_is_not_found(database: Database) -> None:
    """Files need a stored person."""
    with UnitOfWork(database) as uow, pytest.raises(NotFoundError):
        uow.files.add(999, "a.fit", "b" * 64, "fit", b"x")
