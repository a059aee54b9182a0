"""Invitations and care links (issue 11): a clinician invites a walker to share their program,
with the clinician alone or with one of the clinician's clinics; the walker accepts with the
single-use code the clinician handed them, or declines; and may later withdraw a clinician's
access.

An invitation names the walker's e-mail address *and* carries a code: only the account with that
address, holding the code, can accept it (matching the address alone is not enough, issue 11).
The code is shown once, when it is made, and stored only as its SHA-256; it works once, for
`INVITATION_DAYS`. A new invitation from the same clinician to the same address and place
replaces the one waiting (the clinician may have lost its code). Invitations made before codes
existed can no longer be accepted: the walker sees them as needing a new code, and may decline
them (decision 0007).

Accepting an invitation to a clinic makes the walker a patient of the clinic (its clinicians and
administrators follow the program while they are members); accepting one to a clinician alone
gives that clinician access of their own. Either is what `access.person_for` reads inside every
use case about the program. Each public function is one use case over one unit of work handed in
unopened (decision 0006).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services.access import Actor
from walkrx.services.accounts import User, check_email, load_user, public_user
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredLink, StoredUser
from walkrx.storage.clinic import AuditEvent, Clinic

INVITATION_DAYS = 14
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U
CODE_LENGTH = 12  # 60 random bits, typed as three groups of four
_LOOK_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_STATUS_WORDS = {
    "accepted": "accepted",
    "declined": "declined",
    "revoked": "withdrawn or replaced by a newer one",
}


@dataclass(frozen=True)
class Invitation:
    id: int
    clinician: User
    patient_email: str
    created_at: datetime
    status: str  # "pending" | "accepted" | "declined" | "revoked"
    expires_at: datetime | None = None  # None: made before codes existed
    clinic: Clinic | None = None  # None: the clinician alone
    needs_code: bool = False  # made before codes: cannot be accepted, a new one is needed


@dataclass(frozen=True)
class NewInvitation(Invitation):
    """An invitation just made, with its code: shown this once, never stored."""

    code: str = ""  # e.g. "7KQ2-MX9D-4TRB"


@dataclass(frozen=True)
class Offer:
    """An invitation a code opens for the walker holding it, before they accept it."""

    invitation: Invitation
    code: str  # the code as the walker will send it back
    needs_program: bool  # a clinic follows a program: the walker must set theirs up first


def invite(
    uow: UnitOfWork,
    clinician_id: int,
    patient_email: str,
    *,
    clinic_id: int | None = None,
    now: datetime | None = None,
) -> NewInvitation:
    """A clinician invites a walker, by e-mail address, to share their program with the clinician
    alone or (`clinic_id`) with one of the clinician's clinics; the code comes back once."""
    email = check_email(patient_email, field="email")
    now = now or datetime.now(UTC)
    with uow:
        inviter = load_user(uow, clinician_id)
        if inviter.role != "clinician":
            raise ForbiddenError(
                "only clinicians can invite patients; to share your program, ask your clinician "
                "for an invitation code"
            )
        if email == inviter.email:
            raise InvalidInputError(
                "you cannot invite yourself; give your patient's e-mail address", field="email"
            )
        patient = uow.users.by_email(email)
        if patient is not None and patient.role != "walker":
            raise InvalidInputError(
                f"{email} belongs to a clinician's account, not a walker's; "
                "invite the e-mail address your patient signed up with",
                field="email",
            )
        clinic = _inviting_clinic(uow, inviter, clinic_id)
        _refuse_if_shared(uow, inviter, email, patient, clinic)
        for waiting in uow.links.between(inviter.id, email, ("pending",)):
            if waiting.clinic_id == clinic_id:  # its code may be lost: this one replaces it
                uow.links.answer(waiting.id, status="revoked", patient_user_id=None, now=now)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        link = uow.links.add(
            clinician_id=inviter.id,
            patient_email=email,
            now=now,
            code_sha256=_digest(code),
            expires_at=now + timedelta(days=INVITATION_DAYS),
            clinic_id=clinic_id,
        )
        uow.commit()
    made = _invitation(link, public_user(inviter), clinic)
    return NewInvitation(**vars(made), code=_shown(code))


def invitations_for(uow: UnitOfWork, walker_id: int) -> list[Invitation]:
    """The invitations waiting for the walker's answer, oldest first (those made before codes
    existed included, as needing a new code; expired ones left out)."""
    with uow.read():
        return invitations_waiting(load_user(uow, walker_id), uow)


def invitation_for_code(
    uow: UnitOfWork, actor: Actor, code: str, now: datetime | None = None
) -> Offer:
    """What a code invites the signed-in walker to, so they can decide (nothing changes)."""
    with uow.read():
        walker = _acting_walker(uow, actor)
        link = _offered(uow, walker, code, now or datetime.now(UTC))
        invitation = _stored_invitation(uow, link)
        return Offer(
            invitation,
            _shown(_normalised(code)),
            needs_program=invitation.clinic is not None and walker.person_id is None,
        )


def accept_invitation(
    uow: UnitOfWork, actor: Actor, code: str, now: datetime | None = None
) -> Invitation:
    """The walker accepts the invitation their code opens: the clinic (or the clinician alone)
    may then see and change their program. The code is used up."""
    now = now or datetime.now(UTC)
    with uow:
        walker = _acting_walker(uow, actor)
        link = _offered(uow, walker, code, now)
        if link.clinic_id is not None and walker.person_id is None:
            raise InvalidInputError(
                "a clinic follows a walking program: set yours up first, then use this code "
                f"again (it works until {_day(link.expires_at)})",
                field="code",
            )
        link = uow.links.answer(link.id, status="accepted", patient_user_id=walker.id, now=now)
        if link.clinic_id is not None and walker.person_id is not None:
            uow.clinics.join(link.clinic_id, walker.person_id, now)
            uow.record(
                AuditEvent(
                    at=now,
                    actor_user_id=walker.id,
                    actor=walker.email,
                    role="walker",
                    via=actor.via,
                    client=actor.client,
                    person_id=walker.person_id,
                    clinic_id=link.clinic_id,
                    action="join_clinic",
                )
            )
        invitation = _stored_invitation(uow, link)
        uow.commit()
    return invitation


def decline_invitation(
    uow: UnitOfWork, actor: Actor, invitation_id: int, now: datetime | None = None
) -> Invitation:
    """The walker declines an invitation addressed to them (no code needed to say no)."""
    with uow:
        walker = _acting_walker(uow, actor)
        link = uow.links.get(invitation_id)
        if link is None or link.patient_email != walker.email:
            raise NotFoundError(
                f"no invitation {invitation_id} is addressed to you; "
                "see your invitations for the ones waiting",
                kind="invitation",
            )
        _refuse_if_answered(link)
        link = uow.links.answer(
            link.id, status="declined", patient_user_id=walker.id, now=now or datetime.now(UTC)
        )
        invitation = _stored_invitation(uow, link)
        uow.commit()
    return invitation


def clinicians_of(uow: UnitOfWork, walker_id: int) -> list[User]:
    """The clinicians who may see the walker's program by a link of their own, by name."""
    with uow.read():
        return [public_user(found) for found in uow.links.clinicians(walker_id)]


def revoke_clinician(uow: UnitOfWork, walker_id: int, clinician_id: int) -> None:
    """The walker withdraws the access a clinician has by a link of their own."""
    with uow:
        stored = load_user(uow, walker_id)
        if not uow.links.revoke(clinician_id, stored.id):
            raise NotFoundError(
                f"clinician {clinician_id} has no access to your program; "
                "see your list of clinicians",
                kind="clinician",
            )
        uow.commit()


def patient_ids(uow: UnitOfWork, clinician_id: int) -> list[int]:
    """Person ids of the clinician's own accepted, unrevoked patients who have a program."""
    with uow:
        stored = uow.users.get(clinician_id)
        if stored is None or stored.role != "clinician":
            return []
        return uow.links.patient_person_ids(stored.id)


def sent_links(uow: UnitOfWork, clinician_id: int) -> list[tuple[StoredLink, int | None]]:
    """The clinician's own invitations, newest first, with the patient's person once accepted."""
    with uow:
        return uow.links.sent_by(load_user(uow, clinician_id).id)


# --- helpers for use cases, inside their open unit of work ----------------------------------


def invitations_waiting(
    walker: StoredUser, uow: UnitOfWork, now: datetime | None = None
) -> list[Invitation]:
    """The walker's invitations waiting for an answer (a helper: `uow` is open)."""
    if walker.role != "walker":
        return []
    now = now or datetime.now(UTC)
    links = [
        link
        for link in uow.links.pending_for(walker.email)
        if link.expires_at is None or link.expires_at > now
    ]
    return [_stored_invitation(uow, link) for link in links]


def _acting_walker(uow: UnitOfWork, actor: Actor) -> StoredUser:
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if stored is None:
        raise NotFoundError("only a signed-in walker has invitations", kind="invitation")
    return stored


def _inviting_clinic(uow: UnitOfWork, inviter: StoredUser, clinic_id: int | None) -> Clinic | None:
    if clinic_id is None:
        return None
    clinic = uow.clinics.get(clinic_id)
    if clinic is None or uow.clinics.role_of(clinic_id, inviter.id) is None:
        raise NotFoundError(
            f"no clinic {clinic_id} is yours; invite to one of your clinics or to yourself alone",
            kind="clinic",
        )
    return clinic


def _refuse_if_shared(
    uow: UnitOfWork,
    inviter: StoredUser,
    email: str,
    patient: StoredUser | None,
    clinic: Clinic | None,
) -> None:
    """An invitation to what the walker already shares with is refused, saying so."""
    if clinic is None:
        if any(
            link.clinic_id is None for link in uow.links.between(inviter.id, email, ("accepted",))
        ):
            raise ConflictError(f"{email} is already your patient; see your list of patients")
        return
    person_id = patient.person_id if patient is not None else None
    if person_id is not None and any(c.id == clinic.id for c in uow.clinics.of_patient(person_id)):
        raise ConflictError(f"{email} already shares their program with {clinic.name}")


def _offered(uow: UnitOfWork, walker: StoredUser, code: str, now: datetime) -> StoredLink:
    """The pending, unexpired invitation this code opens for this walker, or the reason not."""
    normalised = _normalised(code)
    link = uow.links.by_code(_digest(normalised)) if _well_formed(normalised) else None
    if link is None or walker.role != "walker" or link.patient_email != walker.email:
        raise NotFoundError(
            "no invitation with this code is waiting for your account: check the code (and "
            "that you signed in with the e-mail address your clinician used), or ask your "
            "clinician for a new one",
            kind="invitation",
        )
    _refuse_if_answered(link)
    if link.expires_at is not None and link.expires_at <= now:
        raise ConflictError(
            f"this invitation code expired on {_day(link.expires_at)}; ask your clinician for a "
            "new one",
        )
    return link


def _refuse_if_answered(link: StoredLink) -> None:
    if link.status != "pending":
        raise ConflictError(
            f"this invitation was already {_STATUS_WORDS.get(link.status, link.status)}; "
            "ask the clinician for a new one if you want to change your answer"
        )


def _stored_invitation(uow: UnitOfWork, link: StoredLink) -> Invitation:
    clinician = uow.users.get(link.clinician_id)
    assert clinician is not None  # links go with their clinician's account (ON DELETE CASCADE)
    clinic = uow.clinics.get(link.clinic_id) if link.clinic_id is not None else None
    return _invitation(link, public_user(clinician), clinic)


def _invitation(link: StoredLink, clinician: User, clinic: Clinic | None) -> Invitation:
    return Invitation(
        id=link.id,
        clinician=clinician,
        patient_email=link.patient_email,
        created_at=link.created_at,
        status=link.status,
        expires_at=link.expires_at,
        clinic=clinic,
        needs_code=not link.has_code,
    )


def _normalised(code: str) -> str:
    """A code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its one form."""
    kept = "".join(ch for ch in code.upper() if ch.isalnum())
    return kept.translate(_LOOK_ALIKE)


def _well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def _shown(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def _day(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%a %-d %b %Y")
