"""Accounts: a walker's own program, clinicians' invitations, and `authorise`, on both engines."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from walkrx.domain.model import Person, ZoneSettings
from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services import accounts
from walkrx.services.accounts import User
from walkrx.storage import Database, UnitOfWork

PASSWORD = "correct horse battery"
_serial = itertools.count()


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hash with small argon2id parameters so the tests run quickly (same algorithm)."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


def _user(db: Database, role: str, name: str | None = None) -> User:
    name = name or f"{role}{next(_serial)}"
    return accounts.sign_up(
        db, email=f"{name}@example.org", password=PASSWORD, name=name, role=role
    )


def _person(db: Database, name: str | None = None) -> int:
    start = date(2026, 3, 2)
    person = Person(
        id=None,
        name=name or f"person{next(_serial)}@example.org",
        start=start,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=start, age=50),),
        days=(0, 2, 4),
        goals=(),
    )
    with UnitOfWork(db) as uow:
        stored = uow.people.add(person)
        uow.commit()
    assert stored.id is not None
    return stored.id


def _onboarded_walker(db: Database) -> User:
    walker = _user(db, "walker")
    return accounts.attach_person(db, walker, _person(db, walker.email))


def _link(db: Database, clinician: User, walker: User, accept: bool = True) -> int:
    invitation = accounts.invite(db, clinician, walker.email)
    accounts.answer_invitation(db, walker, invitation.id, accept)
    return invitation.id


def _message(db: Database, user: User, person_id: int) -> str:
    with pytest.raises(NotFoundError) as caught:
        accounts.authorise(db, user, person_id, write=False)
    return str(caught.value).replace(str(person_id), "ID")


# --- a walker's own program ---------------------------------------------------------------------


def test_attach_person_makes_the_program_the_walkers_own(database: Database) -> None:
    """After onboarding the walker's User carries the person id, and attaching again is harmless."""
    walker = _user(database, "walker")
    person_id = _person(database)
    attached = accounts.attach_person(database, walker, person_id)
    assert attached.person_id == person_id
    assert accounts.attach_person(database, attached, person_id) == attached
    with pytest.raises(ConflictError, match="already has a program"):
        accounts.attach_person(database, attached, _person(database))


def test_attach_person_refuses_someone_elses_or_a_missing_program(database: Database) -> None:
    """Claiming another account's person or an unknown id gives the same NotFoundError."""
    owner = _onboarded_walker(database)
    assert owner.person_id is not None
    thief = _user(database, "walker")
    with pytest.raises(NotFoundError) as taken:
        accounts.attach_person(database, thief, owner.person_id)
    with pytest.raises(NotFoundError) as missing:
        accounts.attach_person(database, thief, 999_999)
    assert str(taken.value).replace(str(owner.person_id), "ID") == str(missing.value).replace(
        "999999", "ID"
    )


def test_a_clinician_has_no_program_of_their_own(database: Database) -> None:
    """Attaching a person to a clinician is refused with the reason."""
    clinician = _user(database, "clinician")
    with pytest.raises(InvalidInputError, match="only a walker"):
        accounts.attach_person(database, clinician, _person(database))


# --- invitations ------------------------------------------------------------------------------


def test_the_invitation_flow_pending_accepted_revoked(database: Database) -> None:
    """Pending gives nothing; accepted gives access; revoked takes it away again."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    invitation = accounts.invite(database, clinician, walker.email.upper())
    assert (invitation.status, invitation.patient_email) == ("pending", walker.email)
    assert invitation.clinician == clinician
    assert accounts.invitations_for(database, walker) == [invitation]
    assert accounts.patient_ids(database, clinician) == []
    with pytest.raises(NotFoundError):
        accounts.authorise(database, clinician, walker.person_id, write=False)

    answered = accounts.answer_invitation(database, walker, invitation.id, accept=True)
    assert answered.status == "accepted"
    assert accounts.invitations_for(database, walker) == []
    assert accounts.patient_ids(database, clinician) == [walker.person_id]
    assert accounts.clinicians_of(database, walker) == [clinician]
    assert accounts.authorise(database, clinician, walker.person_id, write=True) == str(
        walker.person_id
    )

    accounts.revoke_clinician(database, walker, clinician.id)
    assert accounts.clinicians_of(database, walker) == []
    assert accounts.patient_ids(database, clinician) == []
    with pytest.raises(NotFoundError):
        accounts.authorise(database, clinician, walker.person_id, write=False)
    with pytest.raises(NotFoundError, match="list of clinicians"):
        accounts.revoke_clinician(database, walker, clinician.id)

    # After a revoke the clinician may ask again, and access returns only if accepted again.
    _link(database, clinician, walker)
    assert accounts.patient_ids(database, clinician) == [walker.person_id]


def test_a_declined_invitation_gives_no_access(database: Database) -> None:
    """Declining leaves the clinician without access and the invitation answered."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    invitation = accounts.invite(database, clinician, walker.email)
    declined = accounts.answer_invitation(database, walker, invitation.id, accept=False)
    assert declined.status == "declined"
    with pytest.raises(NotFoundError):
        accounts.authorise(database, clinician, walker.person_id, write=False)
    with pytest.raises(ConflictError, match="ask the clinician for a new one"):
        accounts.answer_invitation(database, walker, invitation.id, accept=True)
    assert accounts.clinicians_of(database, walker) == []


def test_an_invitation_waits_for_the_walker_to_sign_up(database: Database) -> None:
    """A clinician may invite an address with no account yet; the walker sees it on signing up."""
    clinician = _user(database, "clinician")
    invitation = accounts.invite(database, clinician, "later@example.org")
    walker = accounts.sign_up(
        database, email="later@example.org", password=PASSWORD, name="Later", role="walker"
    )
    assert [found.id for found in accounts.invitations_for(database, walker)] == [invitation.id]


def test_invitation_mistakes_are_refused_with_what_to_do(database: Database) -> None:
    """Inviting oneself or a clinician, a walker inviting, and duplicates are all refused."""
    clinician = _user(database, "clinician")
    colleague = _user(database, "clinician")
    walker = _onboarded_walker(database)
    with pytest.raises(InvalidInputError, match="cannot invite yourself"):
        accounts.invite(database, clinician, f"  {clinician.email.upper()} ")
    with pytest.raises(InvalidInputError, match="not a walker"):
        accounts.invite(database, clinician, colleague.email)
    with pytest.raises(ForbiddenError, match="only clinicians"):
        accounts.invite(database, walker, "someone@example.org")
    with pytest.raises(InvalidInputError, match="e-mail address"):
        accounts.invite(database, clinician, "nobody")
    accounts.invite(database, clinician, walker.email)
    with pytest.raises(ConflictError, match="waiting"):
        accounts.invite(database, clinician, walker.email)
    # Another clinician's invitation to the same walker is independent.
    accounts.invite(database, colleague, walker.email)
    assert len(accounts.invitations_for(database, walker)) == 2


def test_only_the_addressee_can_answer_an_invitation(database: Database) -> None:
    """Another walker answering someone else's invitation gets NotFoundError; nothing changes."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    intruder = _onboarded_walker(database)
    invitation = accounts.invite(database, clinician, walker.email)
    with pytest.raises(NotFoundError, match="see your invitations"):
        accounts.answer_invitation(database, intruder, invitation.id, accept=True)
    assert accounts.patient_ids(database, clinician) == []
    assert [found.status for found in accounts.invitations_for(database, walker)] == ["pending"]


# --- authorise ----------------------------------------------------------------------------------


def test_the_authorise_matrix(database: Database) -> None:
    """Own yes, other no; linked clinician yes, unlinked no, revoked no; all refusals alike."""
    walker = _onboarded_walker(database)
    other = _onboarded_walker(database)
    linked = _user(database, "clinician")
    unlinked = _user(database, "clinician")
    revoked = _user(database, "clinician")
    assert walker.person_id is not None
    assert other.person_id is not None
    _link(database, linked, walker)
    _link(database, revoked, walker)
    accounts.revoke_clinician(database, walker, revoked.id)
    own = walker.person_id

    for write in (False, True):
        assert accounts.authorise(database, walker, own, write=write) == str(own)
        assert accounts.authorise(database, linked, own, write=write) == str(own)
    refusals = {
        _message(database, walker, other.person_id),
        _message(database, linked, other.person_id),
        _message(database, unlinked, own),
        _message(database, revoked, own),
        _message(database, walker, 999_999),
        _message(database, linked, 999_999),
    }
    assert len(refusals) == 1
    assert "choose one from your own program or your list of patients" in refusals.pop()


def test_authorise_trusts_the_database_not_the_user_object(database: Database) -> None:
    """A User claiming another role or person (stale or forged) gains nothing."""
    walker = _onboarded_walker(database)
    victim = _onboarded_walker(database)
    assert victim.person_id is not None
    forged = dataclasses.replace(walker, person_id=victim.person_id, role="clinician")
    with pytest.raises(NotFoundError):
        accounts.authorise(database, forged, victim.person_id, write=True)


def test_a_deleted_program_is_no_longer_anyones(database: Database) -> None:
    """Deleting the person clears the account's link to it (ON DELETE SET NULL)."""
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    with UnitOfWork(database) as uow:
        uow.people.delete(walker.person_id)
        uow.commit()
    with pytest.raises(NotFoundError):
        accounts.authorise(database, walker, walker.person_id, write=False)
    refreshed = accounts.attach_person(database, walker, _person(database))
    assert refreshed.person_id is not None


# --- the property: authorise grants exactly own and linked programs ---------------------------

# What happens between one clinician and one walker, and whether access should result.
STORIES = {
    "nothing": False,
    "pending": False,
    "accepted": True,
    "declined": False,
    "revoked": False,
    "revoked then pending": False,
    "revoked then accepted": True,
}


def _tell(db: Database, clinician: User, walker: User, story: str) -> None:
    if story == "nothing":
        return
    if story == "pending":
        accounts.invite(db, clinician, walker.email)
        return
    _link(db, clinician, walker, accept=story != "declined")
    if story.startswith("revoked"):
        accounts.revoke_clinician(db, walker, clinician.id)
        if story == "revoked then pending":
            accounts.invite(db, clinician, walker.email)
        elif story == "revoked then accepted":
            _link(db, clinician, walker)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    walkers=st.lists(st.booleans(), min_size=1, max_size=3),  # onboarded or not
    clinicians=st.integers(min_value=1, max_value=2),
    orphans=st.integers(min_value=0, max_value=1),
    data=st.data(),
)
def test_authorise_grants_nothing_beyond_own_and_linked_programs(
    database: Database, walkers: list[bool], clinicians: int, orphans: int, data: st.DataObject
) -> None:
    """For every user and every person id, access is granted iff own or accepted and unrevoked."""
    walker_users = [
        _onboarded_walker(database) if on else _user(database, "walker") for on in walkers
    ]
    clinician_users = [_user(database, "clinician") for _ in range(clinicians)]
    for _ in range(orphans):
        _person(database)
    allowed: set[tuple[int, int]] = {
        (walker.id, walker.person_id) for walker in walker_users if walker.person_id is not None
    }
    for clinician in clinician_users:
        for walker in walker_users:
            story = data.draw(st.sampled_from(sorted(STORIES)), label="story")
            _tell(database, clinician, walker, story)
            if STORIES[story] and walker.person_id is not None:
                allowed.add((clinician.id, walker.person_id))

    with UnitOfWork(database) as uow:
        person_ids = [person.id for person in uow.people.list() if person.id is not None]
    for user in [*walker_users, *clinician_users]:
        for person_id in [*person_ids, max(person_ids, default=0) + 1]:
            write = data.draw(st.booleans(), label="write")
            if (user.id, person_id) in allowed:
                assert accounts.authorise(database, user, person_id, write=write) == str(person_id)
            else:
                with pytest.raises(NotFoundError):
                    accounts.authorise(database, user, person_id, write=write)
    for clinician in clinician_users:
        expected = sorted(person for (user_id, person) in allowed if user_id == clinician.id)
        assert accounts.patient_ids(database, clinician) == expected
