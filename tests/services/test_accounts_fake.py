"""Account use cases on the in-memory unit of work (`tests/services/fakes.py`): the rules and the
transaction (one commit, nothing kept from a failed use case) without a database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from argon2 import PasswordHasher

from walkrx.domain.codes import RedFlag
from walkrx.errors import ConflictError, ForbiddenError, NotFoundError
from walkrx.services import access, accounts, care, onboarding, program
from walkrx.services.access import Actor

from .fakes import FakeUnitOfWork, FakeUsers

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hash with small argon2id parameters so the tests run quickly (same algorithm)."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


def test_sign_up_sign_in_and_a_session_commit_once_each() -> None:
    """Each use case commits once; a refused sign-in commits only the failure it counts."""
    uow = FakeUnitOfWork()
    user, token = accounts.sign_up_and_in(
        uow, email="Ann@Example.org", password=PASSWORD, name="Ann", role="walker", client="c"
    )
    assert uow.committed == 1
    found = accounts.signed_in(uow, token)
    assert found is not None
    assert found.user == user
    with pytest.raises(ForbiddenError):
        accounts.sign_in(uow, email="ann@example.org", password="wrong password", client="c")
    assert uow.committed == 2
    assert [attempt[2] for attempt in uow.data.login_attempts] == [True, False]
    with pytest.raises(ConflictError):
        accounts.sign_up(uow, email="ann@example.org", password=PASSWORD, name="A", role="walker")
    assert uow.committed == 2
    assert len(uow.data.users) == 1


def test_onboarding_on_the_fake_is_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure at the last step keeps nothing; the retry stores the program and the check-in."""
    uow = FakeUnitOfWork()
    user = accounts.sign_up(uow, email="w@example.org", password=PASSWORD, name="W", role="walker")
    onboarding.hold_onboarding_flags(uow, user.id, ("night_pain",), date(2026, 3, 1))
    person = program.new_person(
        name="w@example.org", start=date(2026, 3, 2), age=50, timezone="Europe/London"
    )
    before, commits = uow.data, uow.committed

    def fail(self: FakeUsers, user_id: int, codes: tuple[str, ...], day: date | None) -> None:
        raise RuntimeError("the last step failed")

    with monkeypatch.context() as patched:
        patched.setattr(FakeUsers, "set_pending_flags", fail)
        with pytest.raises(RuntimeError):
            onboarding.complete_onboarding(uow, user.id, person, (), now=NOW)
    assert (uow.data, uow.committed) == (before, commits)
    assert uow.data.people == {}

    done = onboarding.complete_onboarding(uow, user.id, person, (), now=NOW)
    assert uow.committed == commits + 1
    assert done.person_id is not None
    [(_, checkin)] = uow.data.checkins.values()
    assert (checkin.day, checkin.red_flags) == (date(2026, 3, 1), (RedFlag.NIGHT_PAIN,))
    with uow:
        assert access.person_for(uow, Actor.user(user.id), done.person_id, write=True).id == (
            done.person_id
        )


def test_a_care_link_grants_access_until_revoked() -> None:
    """Invite, accept: the clinician may act on the program; revoked: the same NotFoundError."""
    uow = FakeUnitOfWork()
    clinician = accounts.sign_up(
        uow, email="dr@example.org", password=PASSWORD, name="Dr", role="clinician"
    )
    walker = accounts.sign_up(
        uow, email="w@example.org", password=PASSWORD, name="W", role="walker"
    )
    person = program.new_person(name="w@example.org", start=date(2026, 3, 2), age=50)
    person_id = onboarding.complete_onboarding(uow, walker.id, person, (), now=NOW).person_id
    assert person_id is not None
    invitation = care.invite(uow, clinician.id, "W@example.org")
    care.accept_invitation(uow, Actor.user(walker.id), invitation.code)
    assert care.patient_ids(uow, clinician.id) == [person_id]
    with uow:
        access.person_for(uow, Actor.user(clinician.id), person_id, write=True)
    care.revoke_clinician(uow, walker.id, clinician.id)
    with uow, pytest.raises(NotFoundError):
        access.person_for(uow, Actor.user(clinician.id), person_id, write=False)
