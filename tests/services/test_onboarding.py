"""Onboarding is all or nothing (decision 0006): a failure at its last step stores none of it, and
the same account can then finish onboarding with its red-flag answers kept. On both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, Person
from walkrx.services import accounts, onboarding, program
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.accounts import UsersRepository
from walkrx.storage.repositories import CheckInsRepository

EMAIL = "walker@example.org"
HELD_ON = date(2026, 3, 1)
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


class Boom(RuntimeError):
    """The failure injected into the last step of onboarding."""


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hash with small argon2id parameters so the tests run quickly (same algorithm)."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


def _walker(db: Database) -> int:
    user = accounts.sign_up(
        UnitOfWork(db), email=EMAIL, password="correct horse battery", name="W", role="walker"
    )
    return user.id


def _new_person() -> Person:
    return program.new_person(
        name=EMAIL, start=date(2026, 3, 2), age=50, timezone="Europe/London", days=(0, 2, 4)
    )


def _stored(db: Database) -> tuple[Person | None, int | None, tuple[str, ...], date | None]:
    """The person named after the account, the account's program, and its held answers."""
    with UnitOfWork(db) as uow:
        person = uow.people.by_name(EMAIL)
        account = uow.users.by_email(EMAIL)
        assert account is not None
        held, held_on = uow.users.pending_flags(account.id)
    return person, account.person_id, held, held_on


def _checkins(db: Database, person_id: int) -> list[CheckIn]:
    with UnitOfWork(db) as uow:
        return uow.checkins.list(person_id)


@pytest.mark.parametrize(
    ("repository", "method"),
    [(UsersRepository, "set_pending_flags"), (CheckInsRepository, "add")],
    ids=["clearing the held answers", "adding the check-in"],
)
def test_onboarding_is_all_or_nothing(
    database: Database, monkeypatch: pytest.MonkeyPatch, repository: type, method: str
) -> None:
    """A failure at the last steps stores no person, leaves the account without a program and
    keeps the held answers; then the same account finishes and its answers are a check-in."""
    user_id = _walker(database)
    onboarding.hold_onboarding_flags(UnitOfWork(database), user_id, (RedFlag.NIGHT_PAIN,), HELD_ON)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise Boom(f"{method} failed")

    with monkeypatch.context() as patched:
        patched.setattr(repository, method, fail)
        with pytest.raises(Boom):
            onboarding.complete_onboarding(
                UnitOfWork(database), user_id, _new_person(), ("fever_unwell",), now=NOW
            )

    person, own, held, held_on = _stored(database)
    assert person is None
    assert own is None
    assert (held, held_on) == (("night_pain",), HELD_ON)
    with UnitOfWork(database) as uow:
        assert uow.people.list() == []

    user = onboarding.complete_onboarding(
        UnitOfWork(database), user_id, _new_person(), ("fever_unwell",), now=NOW
    )
    person, own, held, held_on = _stored(database)
    assert person is not None
    assert user.person_id == own == person.id
    assert (held, held_on) == ((), None)
    assert person.id is not None
    [checkin] = _checkins(database, person.id)
    assert checkin.day == HELD_ON  # the day the first answer was given
    assert set(checkin.red_flags) == {RedFlag.NIGHT_PAIN, RedFlag.FEVER_UNWELL}


def test_without_held_answers_the_check_in_is_dated_today(database: Database) -> None:
    """Answers given only at the last step become a check-in of the person's today."""
    user_id = _walker(database)
    user = onboarding.complete_onboarding(UnitOfWork(database), user_id, _new_person(), (), now=NOW)
    assert user.person_id is not None
    [checkin] = _checkins(database, user.person_id)
    assert (checkin.day, checkin.red_flags) == (date(2026, 3, 4), ())


def test_held_answers_accumulate_and_are_read_back(database: Database) -> None:
    """A later "no" never erases an earlier "yes"; the first day an answer was given is kept."""
    user_id = _walker(database)
    onboarding.hold_onboarding_flags(UnitOfWork(database), user_id, ("night_pain",), HELD_ON)
    onboarding.hold_onboarding_flags(UnitOfWork(database), user_id, (), date(2026, 3, 3))
    flags, day = onboarding.onboarding_flags(UnitOfWork(database), user_id)
    assert (flags, day) == ((RedFlag.NIGHT_PAIN,), HELD_ON)
