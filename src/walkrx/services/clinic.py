"""The clinician's use cases: a panel of linked patients, most urgent first, and acting for them.

Each public use case is one function over one unopened unit of work (decision 0006): it checks in
that transaction that the actor is a clinician, authorises each patient with
`access.person_for` (so an unlinked person is "not found", never revealed), reads and writes, and
commits at most once. The programs come from `program.read_program`, exactly the data the
walker sees. Urgency follows the spec's order of concern: open red flags (emergency before
urgent), a red week, `clinician_review`, `not_logging`, referrals, then low adherence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from walkrx import protocols
from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk
from walkrx.errors import (
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from walkrx.services import care, diary, program, status
from walkrx.services.access import Actor, hidden, person_for
from walkrx.services.adjusting import Threshold, thresholds
from walkrx.services.context import local_today
from walkrx.services.program import Program
from walkrx.services.status import PatientRow, patient_row
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser
from walkrx.storage.clinic import StoredAlert

# --- the panel --------------------------------------------------------------------------------


def _clinician_account(uow: UnitOfWork, actor: Actor) -> StoredUser | None:
    """The actor's account, read in the open unit of work, if it is a clinician's."""
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    return stored if stored is not None and stored.role == "clinician" else None


def _clinician(uow: UnitOfWork, actor: Actor) -> StoredUser:
    """The acting clinician; anyone else has no patients (NotFoundError)."""
    clinician = _clinician_account(uow, actor)
    if clinician is None:
        raise NotFoundError(
            "only a clinician's account has patients and invitations; this one is not a "
            "clinician's",
            kind="clinician",
        )
    return clinician


def _patient(
    uow: UnitOfWork, actor: Actor, person_id: int, *, write: bool
) -> tuple[StoredUser, Person]:
    """The acting clinician and their linked patient, authorised in the open unit of work. An
    actor who is not a clinician gets the same answer as for a program that is not theirs."""
    clinician = _clinician_account(uow, actor)
    if clinician is None:
        raise hidden(person_id)
    return clinician, person_for(uow, actor, person_id, write=write)


def _rows(
    uow: UnitOfWork, actor: Actor, clinician: StoredUser, today: date | None
) -> list[PatientRow]:
    rows = [
        patient_row(
            program.read_program(uow, person_for(uow, actor, person_id, write=False), today)
        )
        for person_id in uow.links.patient_person_ids(clinician.id)
    ]
    return sorted(rows, key=lambda row: row.urgency)


def panel(uow: UnitOfWork, actor: Actor, today: date | None = None) -> list[PatientRow]:
    """The clinician's linked patients, most urgent first, read in one transaction."""
    with uow:
        return _rows(uow, actor, _clinician(uow, actor), today)


@dataclass(frozen=True)
class SentInvitation:
    """An invitation the clinician sent, and where it stands."""

    id: int
    patient_email: str
    status: str  # pending | accepted | declined | revoked
    created_at: datetime
    answered_at: datetime | None
    person_id: int | None  # the patient's program, once accepted and onboarded


def _sent(uow: UnitOfWork, clinician: StoredUser) -> list[SentInvitation]:
    return [
        SentInvitation(
            id=link.id,
            patient_email=link.patient_email,
            status=link.status,
            created_at=link.created_at,
            answered_at=link.answered_at,
            person_id=person_id,
        )
        for link, person_id in uow.links.sent_by(clinician.id)
    ]


def sent_invitations(uow: UnitOfWork, actor: Actor) -> list[SentInvitation]:
    """Every invitation the clinician sent, newest first."""
    with uow:
        return _sent(uow, _clinician(uow, actor))


@dataclass(frozen=True)
class Overview:
    """The clinician's patients (most urgent first) and the invitations they sent."""

    rows: list[PatientRow]
    invitations: list[SentInvitation]


def overview(uow: UnitOfWork, actor: Actor, today: date | None = None) -> Overview:
    """The panel and the invitations sent, read in one transaction."""
    with uow:
        clinician = _clinician(uow, actor)
        return Overview(_rows(uow, actor, clinician, today), _sent(uow, clinician))


# --- a patient's full picture ----------------------------------------------------------------


@dataclass(frozen=True)
class PatientPicture:
    row: PatientRow
    program: Program
    walks: list[Walk]
    checkins: list[CheckIn]
    clearings: list[FlagClearing]
    thresholds: list[Threshold]
    protocols: list[str]
    max_position: int  # the first maintenance position
    alerts: tuple[StoredAlert, ...] = ()  # newest first, open and acknowledged


def picture(
    uow: UnitOfWork, actor: Actor, person_id: int, today: date | None = None
) -> PatientPicture:
    """Everything a linked patient's page needs, read in one transaction."""
    with uow.read():
        _, person = _patient(uow, actor, person_id, write=False)
        prog = program.read_program(uow, person, today)
        alerts = tuple(uow.alerts.of_person(person_id))
    walks = sorted(prog.diary.walks, key=lambda w: w.start, reverse=True)
    checkins = sorted(prog.diary.checkins, key=lambda c: (c.day, c.seq), reverse=True)
    clearings = sorted(prog.diary.clearings, key=lambda c: (c.day, c.seq), reverse=True)
    return PatientPicture(
        row=patient_row(prog),
        program=prog,
        walks=walks,
        checkins=checkins,
        clearings=clearings,
        thresholds=thresholds(prog.person),
        protocols=protocols.available(),
        max_position=prog.protocol.last_week + 1,
        alerts=alerts,
    )


# --- acting for a patient --------------------------------------------------------------------


def clear_red_flags(
    uow: UnitOfWork, actor: Actor, person_id: int, day: date | None, note: str = ""
) -> tuple[FlagClearing, tuple[RedFlag, ...]]:
    """Clear the red flags open on `day` (default: the patient's today), with a note saying why;
    recorded with the clinician's e-mail address as the author. Returns the clearing and the flags
    it closed."""
    with uow:
        clinician, person = _patient(uow, actor, person_id, write=True)
        if not note.strip():
            raise InvalidInputError(
                "say why the flag can be cleared (e.g. seen in clinic, no concern)", field="note"
            )
        cleared = diary.store_clearing(
            uow, person, day or local_today(person), note.strip(), clinician.email
        )
        status.refresh(uow, person)
        uow.commit()
    return cleared


# --- invitations -----------------------------------------------------------------------------


def invite(uow: UnitOfWork, actor: Actor, patient_email: str) -> care.Invitation:
    """Invite a walker, by e-mail address, to share their program with the clinician.

    The rules of care links live in `care.invite`, which this hands the unopened unit of work: one
    transaction. An actor who is not a clinician is refused (`ForbiddenError`).
    """
    if actor.user_id is None:
        raise ForbiddenError("only a clinician's account can invite patients")
    return care.invite(uow, actor.user_id, patient_email)
