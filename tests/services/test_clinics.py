"""Clinics, invitation codes, the walker's sharing and the audit logs (issue 11), on both engines.

- A clinic's creator is its administrator; administrators add and remove members; the clinic
  keeps an administrator; a member who leaves or is removed loses access at once.
- An invitation is a single-use, expiring code for one e-mail address: the address alone is not
  enough, the code alone is not either; only its SHA-256 is stored; an invitation made before
  codes cannot be accepted.
- An invitation to a clinic gives access through the clinic only, never to its inviter alone.
- The walker sees who can see their program and who looked at it; the administrator the clinic's
  log; events past the retention are swept when a log is read.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services import accounts, care, clinics, onboarding, program, sharing
from walkrx.services.access import Actor, person_for
from walkrx.services.accounts import User
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.clinic import AuditEvent
from walkrx.storage.rows import CareLinkRow

START = date(2026, 3, 2)
PASSWORD = "a long test password 1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _account(db: Database, email: str, role: str = "clinician") -> User:
    return accounts.sign_up(
        UnitOfWork(db),
        email=email,
        password=PASSWORD,
        name=email.split("@", maxsplit=1)[0],
        role=role,
    )


def _walker(db: Database, email: str, *, onboarded: bool = True) -> User:
    walker = _account(db, email, "walker")
    if not onboarded:
        return walker
    person = program.new_person(name=email, start=START, age=45, timezone="Europe/London")
    at = datetime.combine(START, time(8, 0), tzinfo=UTC)
    return onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), at)


def _sees(db: Database, user: User, person_id: int) -> bool:
    try:
        with UnitOfWork(db) as uow:
            person_for(uow, Actor.user(user.id), person_id, write=False)
    except NotFoundError:
        return False
    return True


def _clinic(db: Database) -> tuple[User, User, int]:
    """A clinic with its administrator and one clinician."""
    admin = _account(db, "boss@clinic.example")
    clinician = _account(db, "dr@clinic.example")
    clinic = clinics.create_clinic(UnitOfWork(db), Actor.user(admin.id), "  Riverside   Clinic ")
    assert clinic.name == "Riverside Clinic"
    clinics.add_member(
        UnitOfWork(db), Actor.user(admin.id), clinic.id, "DR@clinic.example", "clinician"
    )
    return admin, clinician, clinic.id


def _join(db: Database, inviter: User, walker: User, clinic_id: int) -> None:
    made = care.invite(UnitOfWork(db), inviter.id, walker.email, clinic_id=clinic_id)
    care.accept_invitation(UnitOfWork(db), Actor.user(walker.id), made.code)


# --- clinics and their members -----------------------------------------------------------------


def test_a_patient_who_joins_a_clinic_is_followed_by_its_members_while_they_are_members(
    database: Database,
) -> None:
    admin, clinician, clinic_id = _clinic(database)
    outsider = _account(database, "other@elsewhere.example")
    walker = _walker(database, "ann@example.org")
    assert walker.person_id is not None
    _join(database, clinician, walker, clinic_id)
    assert _sees(database, clinician, walker.person_id)
    assert _sees(database, admin, walker.person_id)
    assert not _sees(database, outsider, walker.person_id)

    clinics.remove_member(UnitOfWork(database), Actor.user(admin.id), clinic_id, clinician.id)
    assert not _sees(database, clinician, walker.person_id)  # at once, invitation or not
    assert care.patient_ids(UnitOfWork(database), clinician.id) == []
    assert _sees(database, admin, walker.person_id)

    clinics.add_member(
        UnitOfWork(database), Actor.user(admin.id), clinic_id, clinician.email, "clinician"
    )
    assert _sees(database, clinician, walker.person_id)
    sharing.leave_clinic(UnitOfWork(database), Actor.user(walker.id), clinic_id)
    assert not _sees(database, clinician, walker.person_id)
    assert not _sees(database, admin, walker.person_id)
    with pytest.raises(NotFoundError, match="do not share"):
        sharing.leave_clinic(UnitOfWork(database), Actor.user(walker.id), clinic_id)


def test_only_administrators_change_members_and_a_clinic_keeps_one(database: Database) -> None:
    admin, clinician, clinic_id = _clinic(database)
    stranger = _account(database, "x@elsewhere.example")
    walker = _walker(database, "ann@example.org")
    with pytest.raises(ForbiddenError, match="administrators"):
        clinics.add_member(
            UnitOfWork(database), Actor.user(clinician.id), clinic_id, stranger.email, "clinician"
        )
    with pytest.raises(ForbiddenError):
        clinics.remove_member(UnitOfWork(database), Actor.user(clinician.id), clinic_id, admin.id)
    with pytest.raises(ForbiddenError):
        clinics.clinic_log(UnitOfWork(database), Actor.user(clinician.id), clinic_id)
    for outsider in (stranger, walker):  # not a member: as if the clinic did not exist
        with pytest.raises(NotFoundError, match="no clinic"):
            clinics.clinic_page(UnitOfWork(database), Actor.user(outsider.id), clinic_id)
        with pytest.raises(NotFoundError, match="no clinic"):
            clinics.add_member(
                UnitOfWork(database), Actor.user(outsider.id), clinic_id, "", "clinician"
            )
    with pytest.raises(InvalidInputError, match="no clinician's account"):
        clinics.add_member(
            UnitOfWork(database), Actor.user(admin.id), clinic_id, walker.email, "clinician"
        )
    with pytest.raises(InvalidInputError, match="choose clinician or administrator"):
        clinics.add_member(
            UnitOfWork(database), Actor.user(admin.id), clinic_id, stranger.email, "owner"
        )
    with pytest.raises(ConflictError, match="already a clinician"):
        clinics.add_member(
            UnitOfWork(database), Actor.user(admin.id), clinic_id, clinician.email, "clinician"
        )
    with pytest.raises(ConflictError, match="at least one administrator"):
        clinics.remove_member(UnitOfWork(database), Actor.user(admin.id), clinic_id, admin.id)
    with pytest.raises(ConflictError, match="at least one administrator"):
        clinics.add_member(
            UnitOfWork(database), Actor.user(admin.id), clinic_id, admin.email, "clinician"
        )
    promoted = clinics.add_member(
        UnitOfWork(database), Actor.user(admin.id), clinic_id, clinician.email, "admin"
    )
    assert promoted.role == "admin"
    clinics.remove_member(UnitOfWork(database), Actor.user(admin.id), clinic_id, admin.id)  # leaves
    view = clinics.clinic_page(UnitOfWork(database), Actor.user(clinician.id), clinic_id)
    assert [(m.email, m.role) for m in view.members] == [(clinician.email, "admin")]
    assert clinics.my_clinics(UnitOfWork(database), Actor.user(admin.id)) == []


def test_clinic_names_are_checked(database: Database) -> None:
    _clinic(database)
    other = _account(database, "x@elsewhere.example")
    walker = _walker(database, "ann@example.org")
    with pytest.raises(ConflictError, match="exists already"):
        clinics.create_clinic(UnitOfWork(database), Actor.user(other.id), "Riverside Clinic")
    with pytest.raises(InvalidInputError, match="name"):
        clinics.create_clinic(UnitOfWork(database), Actor.user(other.id), "   ")
    with pytest.raises(InvalidInputError, match="at most 200"):
        clinics.create_clinic(UnitOfWork(database), Actor.user(other.id), "x" * 201)
    with pytest.raises(NotFoundError, match="clinician's account"):
        clinics.create_clinic(UnitOfWork(database), Actor.user(walker.id), "Mine")
    mine = clinics.my_clinics(UnitOfWork(database), Actor.user(other.id))
    assert mine == []


# --- invitation codes ----------------------------------------------------------------------------


def test_a_code_is_single_use_for_its_address_and_stored_as_its_digest(database: Database) -> None:
    clinician = _account(database, "dr@clinic.example")
    walker = _walker(database, "ann@example.org")
    other = _walker(database, "bo@example.org")
    made = care.invite(UnitOfWork(database), clinician.id, walker.email)
    assert len(made.code) == 14 and made.code.count("-") == 2
    assert made.expires_at is not None and made.expires_at - made.created_at == timedelta(days=14)
    with database.sessions() as session:
        digests = list(session.scalars(select(CareLinkRow.code_sha256)))
    plain = made.code.replace("-", "")
    assert digests == [hashlib.sha256(plain.encode()).hexdigest()]

    with pytest.raises(
        NotFoundError, match="waiting for your account"
    ):  # the code, not the address
        care.accept_invitation(UnitOfWork(database), Actor.user(other.id), made.code)
    with pytest.raises(NotFoundError, match="waiting for your account"):  # the address, no code
        care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), "AAAA-BBBB-CCCC")
    with pytest.raises(NotFoundError):
        care.invitation_for_code(UnitOfWork(database), Actor.user(clinician.id), made.code)
    typed = plain.lower().replace("0", "o").replace("1", "l")  # as a person may type it
    offer = care.invitation_for_code(UnitOfWork(database), Actor.user(walker.id), f" {typed} ")
    assert (offer.invitation.id, offer.code, offer.needs_program) == (made.id, made.code, False)
    accepted = care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), made.code)
    assert accepted.status == "accepted"
    assert walker.person_id is not None and _sees(database, clinician, walker.person_id)
    with pytest.raises(ConflictError, match="already accepted"):
        care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), made.code)


def test_a_code_expires(database: Database) -> None:
    clinician = _account(database, "dr@clinic.example")
    walker = _walker(database, "ann@example.org")
    made = care.invite(UnitOfWork(database), clinician.id, walker.email, now=NOW)
    late = NOW + timedelta(days=14, seconds=1)
    with pytest.raises(ConflictError, match="expired on Mon 16 Mar 2026"):
        care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), made.code, now=late)
    with pytest.raises(ConflictError, match="expired"):
        care.invitation_for_code(UnitOfWork(database), Actor.user(walker.id), made.code, late)
    assert care.invitations_for(UnitOfWork(database), walker.id) == []  # no longer waiting
    assert walker.person_id is not None and not _sees(database, clinician, walker.person_id)
    in_time = NOW + timedelta(days=13)
    care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), made.code, now=in_time)
    assert _sees(database, clinician, walker.person_id)


def test_an_invitation_made_before_codes_needs_a_new_one(database: Database) -> None:
    """Links from before migration 0007 (no code) stay, but only as "ask for a new code"."""
    clinician = _account(database, "dr@clinic.example")
    walker = _walker(database, "ann@example.org")
    with UnitOfWork(database) as uow:
        old = uow.links.add(clinician_id=clinician.id, patient_email=walker.email, now=NOW)
        uow.commit()
    waiting = care.invitations_for(UnitOfWork(database), walker.id)
    assert [(i.id, i.needs_code, i.expires_at) for i in waiting] == [(old.id, True, None)]
    shared = sharing.sharing_page(UnitOfWork(database), Actor.user(walker.id))
    assert [i.needs_code for i in shared.invitations] == [True]
    made = care.invite(UnitOfWork(database), clinician.id, walker.email)  # replaces it
    assert [i.id for i in care.invitations_for(UnitOfWork(database), walker.id)] == [made.id]
    declined = care.decline_invitation(UnitOfWork(database), Actor.user(walker.id), made.id)
    assert declined.status == "declined"


def test_an_invitation_to_a_clinic_gives_access_through_the_clinic_only(
    database: Database,
) -> None:
    """The inviter keeps no access of their own once removed; a walker without a program sets it
    up first; a walker already in the clinic is not invited twice."""
    admin, clinician, clinic_id = _clinic(database)
    outsider = _account(database, "x@elsewhere.example")
    newcomer = _walker(database, "new@example.org", onboarded=False)
    with pytest.raises(NotFoundError, match="no clinic"):
        care.invite(UnitOfWork(database), outsider.id, newcomer.email, clinic_id=clinic_id)
    made = care.invite(UnitOfWork(database), clinician.id, newcomer.email, clinic_id=clinic_id)
    assert made.clinic is not None and made.clinic.name == "Riverside Clinic"
    offer = care.invitation_for_code(UnitOfWork(database), Actor.user(newcomer.id), made.code)
    assert offer.needs_program
    with pytest.raises(InvalidInputError, match="set yours up first"):
        care.accept_invitation(UnitOfWork(database), Actor.user(newcomer.id), made.code)

    walker = _walker(database, "ann@example.org")
    assert walker.person_id is not None
    _join(database, clinician, walker, clinic_id)
    with pytest.raises(ConflictError, match="already shares their program with Riverside"):
        care.invite(UnitOfWork(database), admin.id, walker.email, clinic_id=clinic_id)
    assert care.clinicians_of(UnitOfWork(database), walker.id) == []  # none of their own
    clinics.remove_member(UnitOfWork(database), Actor.user(admin.id), clinic_id, clinician.id)
    assert not _sees(database, clinician, walker.person_id)
    # the clinician may still invite the walker to follow them alone
    alone = care.invite(UnitOfWork(database), clinician.id, walker.email)
    assert alone.clinic is None


# --- who can see, who looked ---------------------------------------------------------------------


def test_the_walker_sees_who_can_see_and_who_looked(database: Database) -> None:
    admin, clinician, clinic_id = _clinic(database)
    own = _account(database, "own@practice.example")
    walker = _walker(database, "ann@example.org")
    assert walker.person_id is not None
    _join(database, clinician, walker, clinic_id)
    made = care.invite(UnitOfWork(database), own.id, walker.email)
    care.accept_invitation(UnitOfWork(database), Actor.user(walker.id), made.code)

    shared = sharing.sharing_page(UnitOfWork(database), Actor.user(walker.id))
    assert shared.has_program
    assert [c.clinic.name for c in shared.clinics] == ["Riverside Clinic"]
    assert sorted((m.email, m.role) for m in shared.clinics[0].members) == [
        ("boss@clinic.example", "admin"),
        ("dr@clinic.example", "clinician"),
    ]
    assert [c.email for c in shared.clinicians] == ["own@practice.example"]

    program.load_program(UnitOfWork(database), Actor.user(clinician.id), walker.person_id)
    program.load_program(UnitOfWork(database), Actor.user(own.id), walker.person_id)
    program.load_program(UnitOfWork(database), Actor.user(walker.id), walker.person_id)
    log = sharing.access_log(UnitOfWork(database), Actor.user(walker.id))
    assert [(e.email, e.action, e.clinic, e.mine) for e in log.entries] == [
        ("own@practice.example", "read", None, False),
        ("dr@clinic.example", "read", "Riverside Clinic", False),
        ("ann@example.org", "join_clinic", "Riverside Clinic", True),
    ]
    assert log.entries[0].at.tzinfo is not None and str(log.entries[0].at.tzinfo) == "Europe/London"
    assert not log.more and log.retention_years == 6

    clinic_log = clinics.clinic_log(UnitOfWork(database), Actor.user(admin.id), clinic_id).log
    assert [(e.email, e.action, e.patient, e.detail) for e in clinic_log.entries] == [
        ("dr@clinic.example", "read", "ann@example.org", ""),
        ("ann@example.org", "join_clinic", "ann@example.org", ""),
        ("boss@clinic.example", "add_clinician", None, "dr (dr@clinic.example)"),
        ("boss@clinic.example", "create_clinic", None, ""),
    ]
    with pytest.raises(NotFoundError):
        sharing.sharing_page(UnitOfWork(database), Actor.user(clinician.id))


def test_logs_come_a_page_at_a_time_and_events_past_the_retention_are_swept(
    database: Database,
) -> None:
    admin, clinician, clinic_id = _clinic(database)
    walker = _walker(database, "ann@example.org")
    assert walker.person_id is not None
    _join(database, clinician, walker, clinic_id)
    old = NOW - timedelta(days=6 * 365 + 2)
    with UnitOfWork(database) as uow:
        for minutes in range(clinics.LOG_PAGE + 5):
            uow.audit.add(
                AuditEvent(
                    at=NOW - timedelta(minutes=minutes),
                    actor_user_id=clinician.id,
                    actor=clinician.email,
                    role="clinician",
                    via="token",
                    client=None,
                    person_id=walker.person_id,
                    clinic_id=clinic_id,
                    action="read",
                )
            )
        uow.audit.add(
            AuditEvent(
                old,
                clinician.id,
                clinician.email,
                "clinician",
                "session",
                None,
                walker.person_id,
                clinic_id,
                "change",
            )
        )
        uow.commit()
    first = sharing.access_log(UnitOfWork(database), Actor.user(walker.id), now=NOW)
    assert len(first.entries) == clinics.LOG_PAGE and first.more
    second = sharing.access_log(UnitOfWork(database), Actor.user(walker.id), 1, now=NOW)
    assert not second.more
    assert "change" not in {e.action for e in first.entries + second.entries}  # swept
    with UnitOfWork(database) as uow:
        assert all(e.at > old for e in uow.audit.of_person(walker.person_id, limit=1000))
    clinic_page = clinics.clinic_log(UnitOfWork(database), Actor.user(admin.id), clinic_id, 0)
    assert clinic_page.log.more


def test_the_retention_cutoff_is_six_years_back() -> None:
    assert clinics.retention_cutoff(NOW) == datetime(2020, 3, 2, 9, 0, tzinfo=UTC)
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert clinics.retention_cutoff(leap) == datetime(2022, 2, 28, tzinfo=UTC)
