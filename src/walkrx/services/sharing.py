"""The walker's side of sharing (issue 11): who can see my program (the clinics I joined and
their members, the clinicians I invited alone), who looked at it (the audit trail of my program),
and stopping sharing with a clinic. Withdrawing a clinician's own access is
`care.revoke_clinician`; invitations are in `services.care`.

Each public function is one use case over one unit of work handed in unopened (decision 0006),
acting on the signed-in walker's own program (`access.person_for`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from walkrx.domain.model import Person
from walkrx.errors import NotFoundError
from walkrx.services import care
from walkrx.services.access import Actor, person_for
from walkrx.services.accounts import User, public_user
from walkrx.services.clinics import LOG_PAGE, AuditLog, audit_log, retention_cutoff
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser
from walkrx.storage.clinic import AuditEvent, Clinic, Member


@dataclass(frozen=True)
class SharedClinic:
    """A clinic the walker shares their program with, and everyone in it who can see it."""

    clinic: Clinic
    members: list[Member]


@dataclass(frozen=True)
class Sharing:
    """Who can see the walker's program, and the invitations waiting for their answer."""

    has_program: bool
    clinics: list[SharedClinic]
    clinicians: list[User]  # by a link of their own
    invitations: list[care.Invitation]


def sharing_page(uow: UnitOfWork, actor: Actor) -> Sharing:
    """Everything the walker's sharing page shows, read in one transaction."""
    with uow.read():
        walker, person = _walker(uow, actor)
        clinics: list[SharedClinic] = []
        if person is not None and person.id is not None:
            clinics = [
                SharedClinic(clinic, uow.clinics.members(clinic.id))
                for clinic in uow.clinics.of_patient(person.id)
            ]
        return Sharing(
            has_program=person is not None,
            clinics=clinics,
            clinicians=[public_user(found) for found in uow.links.clinicians(walker.id)],
            invitations=care.invitations_waiting(walker, uow),
        )


def access_log(
    uow: UnitOfWork, actor: Actor, page: int = 0, now: datetime | None = None
) -> AuditLog:
    """Who looked at or changed the walker's program, newest first, a page at a time, in the
    walker's own time zone; events past the retention are swept first."""
    now = now or datetime.now(UTC)
    page = max(0, page)
    with uow:
        walker, person = _walker(uow, actor)
        uow.audit.delete_before(retention_cutoff(now))
        events: list[AuditEvent] = []
        if person is not None and person.id is not None:
            events = uow.audit.of_person(person.id, limit=LOG_PAGE + 1, offset=page * LOG_PAGE)
        log = audit_log(events, page, uow, reader=walker.id)
        uow.commit()
    zone = ZoneInfo(person.timezone) if person is not None else UTC
    local = [dataclasses.replace(e, at=e.at.astimezone(zone)) for e in log.entries]
    return dataclasses.replace(log, entries=local)


def leave_clinic(
    uow: UnitOfWork, actor: Actor, clinic_id: int, now: datetime | None = None
) -> Clinic:
    """The walker stops sharing their program with a clinic: its members lose access at once."""
    now = now or datetime.now(UTC)
    with uow:
        walker, person = _walker(uow, actor)
        clinic = uow.clinics.get(clinic_id)
        if (
            person is None
            or person.id is None
            or clinic is None
            or not uow.clinics.leave(clinic_id, person.id, now)
        ):
            raise NotFoundError(
                f"you do not share your program with a clinic {clinic_id}; see the clinics you "
                "share it with",
                kind="clinic",
            )
        uow.record(
            AuditEvent(
                at=now,
                actor_user_id=walker.id,
                actor=walker.email,
                role="walker",
                via=actor.via,
                client=actor.client,
                person_id=person.id,
                clinic_id=clinic.id,
                action="leave_clinic",
            )
        )
        uow.commit()
    return clinic


def _walker(uow: UnitOfWork, actor: Actor) -> tuple[StoredUser, Person | None]:
    """The acting walker and their program (None before onboarding); anyone else has nothing
    shared to see."""
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if stored is None or stored.role != "walker":
        raise NotFoundError(
            "only a walker's account shares a program; this one is not a walker's",
            kind="program",
        )
    if stored.person_id is None:
        return stored, None
    return stored, person_for(uow, actor, stored.person_id, write=False)
