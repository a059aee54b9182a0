"""Accounts and care links: a walker's own program (onboarding), clinicians' invitations, and who
may act on a program (`access.person_for`, which replaced `accounts.authorise`), on both engines."""

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
from walkrx.services import access, accounts, care, onboarding
from walkrx.services.access import Actor
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
        UnitOfWork(db), email=f"{name}@example.org", password=PASSWORD, name=name, role=role
    )


def _new_person(name: str | None = None) -> Person:
    start = date(2026, 3, 2)
    return Person(
        id=None,
        name=name or f"person{next(_serial)}@example.org",
        start=start,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=start, age=50),),
        days=(0, 2, 4),
        goals=(),
    )


def _person(db: Database, name: str | None = None) -> int:
    with UnitOfWork(db) as uow:
        stored = uow.people.add(_new_person(name))
        uow.commit()
    assert stored.id is not None
    return stored.id


def _onboarded_walker(db: Database) -> User:
    walker = _user(db, "walker")
    return onboarding.complete_onboarding(UnitOfWork(db), walker.id, _new_person(walker.email), ())


def _link(db: Database, clinician: User, walker: User, accept: bool = True) -> int:
    invitation = care.invite(UnitOfWork(db), clinician.id, walker.email)
    if accept:  # with the code the clinician handed over
        care.accept_invitation(UnitOfWork(db), Actor.user(walker.id), invitation.code)
    else:
        care.decline_invitation(UnitOfWork(db), Actor.user(walker.id), invitation.id)
    return invitation.id


def _authorise(db: Database, user: User, person_id: int, *, write: bool) -> int | None:
    """The id of the program `user` may act on (what `accounts.authorise` answered before)."""
    with UnitOfWork(db) as uow:
        return access.person_for(uow, Actor.user(user.id), person_id, write=write).id


def _message(db: Database, user: User, person_id: int) -> str:
    with pytest.raises(NotFoundError) as caught:
        _authorise(db, user, person_id, write=False)
    return str(caught.value).replace(str(person_id), "ID")


# --- a walker's own program ---------------------------------------------------------------------


def test_onboarding_makes_the_program_the_walkers_own(database: Database) -> None:
    """After onboarding the walker's User carries the person id; a second program is refused."""
    walker = _user(database, "walker")
    attached = onboarding.complete_onboarding(
        UnitOfWork(database), walker.id, _new_person(walker.email), ()
    )
    with UnitOfWork(database) as uow:
        stored = uow.people.by_name(walker.email)
    assert stored is not None
    assert attached.person_id == stored.id
    with pytest.raises(ConflictError, match="already has a program"):
        onboarding.complete_onboarding(UnitOfWork(database), walker.id, _new_person(), ())


def test_onboarding_cannot_take_someone_elses_program(database: Database) -> None:
    """A program under another account's name is refused, and the account stays without one."""
    owner = _onboarded_walker(database)
    thief = _user(database, "walker")
    with pytest.raises(ConflictError):
        onboarding.complete_onboarding(UnitOfWork(database), thief.id, _new_person(owner.email), ())
    with UnitOfWork(database) as uow:
        stored_thief = uow.users.get(thief.id)
        stored_owner = uow.users.get(owner.id)
    assert stored_thief is not None
    assert stored_thief.person_id is None
    assert stored_owner is not None
    assert stored_owner.person_id == owner.person_id


def test_a_clinician_has_no_program_of_their_own(database: Database) -> None:
    """Onboarding a clinician is refused with the reason."""
    clinician = _user(database, "clinician")
    with pytest.raises(InvalidInputError, match="only a walker"):
        onboarding.complete_onboarding(UnitOfWork(database), clinician.id, _new_person(), ())


# --- invitations ------------------------------------------------------------------------------


def test_the_invitation_flow_pending_accepted_revoked(database: Database) -> None:
    """Pending gives nothing; accepted gives access; revoked takes it away again."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    invitation = care.invite(UnitOfWork(database), clinician.id, walker.email.upper())
    assert (invitation.status, invitation.patient_email) == ("pending", walker.email)
    assert invitation.clinician == clinician
    waiting = care.invitations_for(UnitOfWork(database), walker.id)
    assert [(found.id, found.needs_code) for found in waiting] == [(invitation.id, False)]
    assert care.patient_ids(UnitOfWork(database), clinician.id) == []
    with pytest.raises(NotFoundError):
        _authorise(database, clinician, walker.person_id, write=False)

    answered = care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), invitation.code)
    assert answered.status == "accepted"
    assert care.invitations_for(UnitOfWork(database), walker.id) == []
    assert care.patient_ids(UnitOfWork(database), clinician.id) == [walker.person_id]
    assert care.clinicians_of(UnitOfWork(database), walker.id) == [clinician]
    assert _authorise(database, clinician, walker.person_id, write=True) == walker.person_id

    care.revoke_clinician(UnitOfWork(database), walker.id, clinician.id)
    assert care.clinicians_of(UnitOfWork(database), walker.id) == []
    assert care.patient_ids(UnitOfWork(database), clinician.id) == []
    with pytest.raises(NotFoundError):
        _authorise(database, clinician, walker.person_id, write=False)
    with pytest.raises(NotFoundError, match="list of clinicians"):
        care.revoke_clinician(UnitOfWork(database), walker.id, clinician.id)

    # After a revoke the clinician may ask again, and access returns only if accepted again.
    _link(database, clinician, walker)
    assert care.patient_ids(UnitOfWork(database), clinician.id) == [walker.person_id]


def test_a_declined_invitation_gives_no_access(database: Database) -> None:
    """Declining leaves the clinician without access and the invitation answered."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    invitation = care.invite(UnitOfWork(database), clinician.id, walker.email)
    declined = care.decline_invitation(UnitOfWork(database), Actor.user(walker.id), invitation.id)
    assert declined.status == "declined"
    with pytest.raises(NotFoundError):
        _authorise(database, clinician, walker.person_id, write=False)
    with pytest.raises(ConflictError, match="ask the clinician for a new one"):
        care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), invitation.code)
    assert care.clinicians_of(UnitOfWork(database), walker.id) == []


def test_an_invitation_waits_for_the_walker_to_sign_up(database: Database) -> None:
    """A clinician may invite an address with no account yet; the walker sees it on signing up."""
    clinician = _user(database, "clinician")
    invitation = care.invite(UnitOfWork(database), clinician.id, "later@example.org")
    walker = accounts.sign_up(
        UnitOfWork(database),
        email="later@example.org",
        password=PASSWORD,
        name="Later",
        role="walker",
    )
    assert [found.id for found in care.invitations_for(UnitOfWork(database), walker.id)] == [
        invitation.id
    ]


def test_invitation_mistakes_are_refused_with_what_to_do(database: Database) -> None:
    """Inviting oneself or a clinician, a walker inviting, and a patient already linked are all
    refused; a second invitation replaces the one waiting (its code may have been lost)."""
    clinician = _user(database, "clinician")
    colleague = _user(database, "clinician")
    walker = _onboarded_walker(database)
    with pytest.raises(InvalidInputError, match="cannot invite yourself"):
        care.invite(UnitOfWork(database), clinician.id, f"  {clinician.email.upper()} ")
    with pytest.raises(InvalidInputError, match="not a walker"):
        care.invite(UnitOfWork(database), clinician.id, colleague.email)
    with pytest.raises(ForbiddenError, match="only clinicians"):
        care.invite(UnitOfWork(database), walker.id, "someone@example.org")
    with pytest.raises(InvalidInputError, match="e-mail address"):
        care.invite(UnitOfWork(database), clinician.id, "nobody")
    lost = care.invite(UnitOfWork(database), clinician.id, walker.email)
    again = care.invite(UnitOfWork(database), clinician.id, walker.email)
    assert again.code != lost.code
    waiting = care.invitations_for(UnitOfWork(database), walker.id)
    assert [found.id for found in waiting] == [again.id]
    with pytest.raises(ConflictError, match="withdrawn or replaced"):
        care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), lost.code)
    # Another clinician's invitation to the same walker is independent.
    care.invite(UnitOfWork(database), colleague.id, walker.email)
    assert len(care.invitations_for(UnitOfWork(database), walker.id)) == 2
    care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), again.code)
    with pytest.raises(ConflictError, match="already your patient"):
        care.invite(UnitOfWork(database), clinician.id, walker.email)


def test_only_the_addressee_can_answer_an_invitation(database: Database) -> None:
    """Another walker answering someone else's invitation, even with its code, gets
    NotFoundError; nothing changes."""
    clinician = _user(database, "clinician")
    walker = _onboarded_walker(database)
    intruder = _onboarded_walker(database)
    invitation = care.invite(UnitOfWork(database), clinician.id, walker.email)
    with pytest.raises(NotFoundError, match="waiting for your account"):
        care.accept_invitation(UnitOfWork(database), Actor.user(intruder.id), invitation.code)
    with pytest.raises(NotFoundError, match="see your invitations"):
        care.decline_invitation(UnitOfWork(database), Actor.user(intruder.id), invitation.id)
    assert care.patient_ids(UnitOfWork(database), clinician.id) == []
    assert [found.status for found in care.invitations_for(UnitOfWork(database), walker.id)] == [
        "pending"
    ]


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
    care.revoke_clinician(UnitOfWork(database), walker.id, revoked.id)
    own = walker.person_id

    for write in (False, True):
        assert _authorise(database, walker, own, write=write) == own
        assert _authorise(database, linked, own, write=write) == own
    refusals = {
        _message(database, walker, other.person_id),
        _message(database, linked, other.person_id),
        _message(database, unlinked, own),
        _message(database, revoked, own),
        _message(database, walker, 999_999),
        _message(database, linked, 999_999),
    }
    assert len(refusals) == 1
    assert "choose your own program or one of your patients" in refusals.pop()


def test_authorise_trusts_the_database_not_the_user_object(database: Database) -> None:
    """A User claiming another role or person (stale or forged) gains nothing."""
    walker = _onboarded_walker(database)
    victim = _onboarded_walker(database)
    assert victim.person_id is not None
    forged = dataclasses.replace(walker, person_id=victim.person_id, role="clinician")
    with pytest.raises(NotFoundError):
        _authorise(database, forged, victim.person_id, write=True)


def test_a_deleted_program_is_no_longer_anyones(database: Database) -> None:
    """Deleting the person clears the account's link to it (ON DELETE SET NULL)."""
    walker = _onboarded_walker(database)
    assert walker.person_id is not None
    with UnitOfWork(database) as uow:
        uow.people.delete(walker.person_id)
        uow.commit()
    with pytest.raises(NotFoundError):
        _authorise(database, walker, walker.person_id, write=False)
    refreshed = onboarding.complete_onboarding(UnitOfWork(database), walker.id, _new_person(), ())
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
        care.invite(UnitOfWork(db), clinician.id, walker.email)
        return
    _link(db, clinician, walker, accept=story != "declined")
    if story.startswith("revoked"):
        care.revoke_clinician(UnitOfWork(db), walker.id, clinician.id)
        if story == "revoked then pending":
            care.invite(UnitOfWork(db), clinician.id, walker.email)
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
                assert _authorise(database, user, person_id, write=write) == person_id
            else:
                with pytest.raises(NotFoundError):
                    _authorise(database, user, person_id, write=write)
    for clinician in clinician_users:
        expected = sorted(person for (user_id, person) in allowed if user_id == clinician.id)
        assert care.patient_ids(UnitOfWork(database), clinician.id) == expected
