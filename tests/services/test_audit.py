"""The audit trail (issue 11): every read or change of a person's data by anyone but that person
is recorded (who, in which role, how, from where, what), reads included; the person's own use is
not, and a refused access stores nothing of the data it asked for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from walkrx.errors import NotFoundError
from walkrx.services import accounts, care, diary, onboarding, program
from walkrx.services.access import SESSION, Actor
from walkrx.storage import Database, UnitOfWork

START = date(2026, 3, 2)
PASSWORD = "a long test password 1"


def _walker(db: Database, email: str) -> tuple[accounts.User, int]:
    walker = accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name=email, role="walker"
    )
    person = program.new_person(name=email, start=START, age=45, timezone="UTC")
    onboarded = datetime.combine(START, time(8, 0), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), onboarded)
    assert walker.person_id is not None
    return walker, walker.person_id


def _trail(db: Database, person_id: int) -> list[tuple[str, str, str, str | None]]:
    with UnitOfWork(db) as uow:
        events = uow.audit.of_person(person_id)
    return [(e.actor, e.role, e.action, e.client) for e in reversed(events)]


def test_a_clinicians_reads_and_changes_are_recorded_the_walkers_own_are_not(
    database: Database,
) -> None:
    dr = accounts.sign_up(
        UnitOfWork(database),
        email="dr@clinic.example",
        password=PASSWORD,
        name="Dr",
        role="clinician",
    )
    walker, person_id = _walker(database, "ann@example.org")
    invitation = care.invite(UnitOfWork(database), dr.id, "ann@example.org")
    care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), invitation.code)

    own = Actor.user(walker.id, via=SESSION, client="198.51.100.7")
    program.load_program(UnitOfWork(database), own, person_id, START)
    diary.list_walks(UnitOfWork(database), own, person_id)
    assert _trail(database, person_id) == []

    clinician = Actor.user(dr.id, via=SESSION, client="203.0.113.5")
    program.load_program(UnitOfWork(database), clinician, person_id, START)  # a read
    diary.record_checkin(  # a change
        UnitOfWork(database), clinician, person_id, diary.CheckInEntry(day=START, tsk17=30)
    )
    assert _trail(database, person_id) == [
        ("dr@clinic.example", "clinician", "read", "203.0.113.5"),
        ("dr@clinic.example", "clinician", "change", "203.0.113.5"),
    ]


def test_a_refused_access_leaves_no_record_of_data(database: Database) -> None:
    """A stranger's attempt is refused like a missing program; the trail holds nothing."""
    stranger = accounts.sign_up(
        UnitOfWork(database),
        email="x@clinic.example",
        password=PASSWORD,
        name="X",
        role="clinician",
    )
    _, person_id = _walker(database, "bo@example.org")
    with pytest.raises(NotFoundError):
        program.load_program(UnitOfWork(database), Actor.user(stranger.id), person_id, START)
    assert _trail(database, person_id) == []
