"""Accounts and access: sign-up and sign-in, sessions, API tokens, care links, and `authorise`.

Every web route asks `authorise` whether the signed-in user may read or change a person's data
(docs/decisions/0004-web-accounts.md is the contract). Choices worth knowing:

- Passwords are hashed with argon2id (argon2-cffi's defaults); a hash made with older parameters
  is replaced on the next successful sign-in. An unknown e-mail address costs the same hashing work
  as a wrong password and gets the same error, so sign-in does not reveal who has an account.
- Sign-in is rate limited from the `login_attempts` table: 5 failures for one e-mail address, or 20
  from one client, within 15 minutes refuse further attempts (`SignInLimitedError`, a
  `ForbiddenError`) until the oldest counted failure is 15 minutes old. Refused attempts are not
  recorded, so the wait does not grow while someone keeps knocking. Attempts are kept as a record
  for LOGIN_ATTEMPT_RETENTION (90 days: long enough to look into a break-in attempt) and deleted
  at the next sign-in after that, as they name e-mail addresses and network addresses; a
  successful sign-in only stops the failures *before it* counting against that e-mail address.
  Failures from a client keep counting after a success there, or one could sign in to one's own
  account between guesses at others.
- Session and API tokens are `secrets.token_urlsafe(32)`, stored only as SHA-256 hex digests.
  A session lasts 14 days from its last use; uses are written at most once a minute.
- `authorise` re-reads the user from the database (a stale or forged `User` grants nothing) and
  answers every refusal with the same `NotFoundError`, so another person's existence is hidden.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from walkrx.domain.codes import RedFlag
from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.accounts import StoredLink, StoredUser

ROLES = ("walker", "clinician")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can cause
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200
MAX_LABEL_LENGTH = 200
MAX_CLIENT_LENGTH = 200

SESSION_LIFETIME = timedelta(days=14)
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
SIGN_IN_WINDOW = timedelta(minutes=15)
LOGIN_ATTEMPT_RETENTION = timedelta(days=90)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20

WRONG_CREDENTIALS = (
    "the e-mail address or password is wrong; check both and try again "
    "(or sign up if you have no account yet)"
)

# Module state holds no connection and reads nothing: constructing the hasher is pure.
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str  # "walker" | "clinician"
    person_id: int | None  # a walker's own program, once onboarded


@dataclass(frozen=True)
class Invitation:
    id: int
    clinician: User
    patient_email: str
    created_at: datetime
    status: str  # "pending" | "accepted" | "declined" | "revoked"


class SignInLimitedError(ForbiddenError):
    """Too many failed sign-ins; `retry_after_s` says how long until the next attempt counts."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


# --- accounts and sign-in -----------------------------------------------------------------------


def sign_up(db: Database, *, email: str, password: str, name: str, role: str) -> User:
    """Create an account. The e-mail address is kept stripped and lower-cased."""
    email = _check_email(email)
    name = _check_name(name)
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}: choose 'walker' or 'clinician'")
    _check_password(password)
    password_hash = _hasher.hash(password)
    with UnitOfWork(db) as uow:
        if uow.users.by_email(email) is not None:
            raise ConflictError(
                f"an account for {email} already exists: sign in, or reset its password"
            )
        stored = uow.users.add(email=email, name=name, role=role, password_hash=password_hash)
        uow.commit()
    return _public(stored)


def sign_in(
    db: Database, *, email: str, password: str, client: str, now: datetime | None = None
) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the session token.

    A wrong password and an unknown address raise the same `ForbiddenError`; too many recent
    failures raise `SignInLimitedError` (see the module docstring).
    """
    now = _now(now)
    email = _normalise_email(email)[:MAX_EMAIL_LENGTH]
    client = (client or "unknown").strip()[:MAX_CLIENT_LENGTH] or "unknown"
    with UnitOfWork(db) as uow:
        uow.login_attempts.delete_before(now - LOGIN_ATTEMPT_RETENTION)
        _refuse_if_limited(uow, email, client, now)
        stored = uow.users.by_email(email)
        valid = _verify(stored.password_hash if stored else None, password)
        uow.login_attempts.add(
            email=email, client=client, succeeded=stored is not None and valid, at=now
        )
        if stored is None or not valid:
            uow.commit()  # the failure must count, even though the attempt is refused
            raise ForbiddenError(WRONG_CREDENTIALS)
        if _hasher.check_needs_rehash(stored.password_hash):
            uow.users.set_password_hash(stored.id, _hasher.hash(password))
        token = _new_token()
        uow.sessions.add(
            user_id=stored.id,
            token_sha256=_digest(token),
            csrf_secret=secrets.token_urlsafe(32),
            now=now,
            expires_at=now + SESSION_LIFETIME,
        )
        uow.commit()
    return _public(stored), token


def session_user(db: Database, token: str, now: datetime | None = None) -> User | None:
    """The user a session token belongs to, or None if it is unknown or has expired.

    Each use moves the expiry to 14 days on, written at most once a minute.
    """
    if not token:
        return None
    now = _now(now)
    with UnitOfWork(db) as uow:
        session = uow.sessions.by_token(_digest(token))
        if session is None:
            return None
        if session.expires_at <= now:
            uow.sessions.delete(_digest(token))
            uow.commit()
            return None
        stored = uow.users.get(session.user_id)
        if stored is None:  # pragma: no cover - the foreign key cascades
            return None
        if now - session.last_seen_at >= SESSION_TOUCH_INTERVAL:
            uow.sessions.touch(session.id, now, now + SESSION_LIFETIME)
            uow.commit()
    return _public(stored)


def session_csrf(db: Database, token: str) -> str | None:
    """The CSRF secret bound to a live session (None for an unknown or expired one)."""
    if not token:
        return None
    with UnitOfWork(db) as uow:
        session = uow.sessions.by_token(_digest(token))
    if session is None or session.expires_at <= _now(None):
        return None
    return session.csrf_secret


def sign_out(db: Database, token: str) -> None:
    """End the session (signing out of an unknown or ended session does nothing)."""
    if not token:
        return
    with UnitOfWork(db) as uow:
        uow.sessions.delete(_digest(token))
        uow.commit()


# --- API tokens ---------------------------------------------------------------------------------


def create_api_token(db: Database, user: User, label: str) -> str:
    """A new API token for the user: returned once, stored only as its SHA-256 digest."""
    label = " ".join(label.split())
    if not label:
        raise InvalidInputError("give the token a label, such as the name of the device using it")
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInputError(f"the token label is too long: keep it to {MAX_LABEL_LENGTH}")
    token = _new_token()
    with UnitOfWork(db) as uow:
        stored = _current(uow, user)
        uow.api_tokens.add(
            user_id=stored.id, label=label, token_sha256=_digest(token), now=_now(None)
        )
        uow.commit()
    return token


def api_token_user(db: Database, token: str) -> User | None:
    """The user an unrevoked API token belongs to, or None."""
    if not token:
        return None
    with UnitOfWork(db) as uow:
        found = uow.api_tokens.active_by_token(_digest(token))
        stored = None if found is None else uow.users.get(found.user_id)
    return None if stored is None else _public(stored)


def list_api_tokens(db: Database, user: User) -> list[tuple[int, str, datetime]]:
    """The user's unrevoked tokens as (id, label, created_at), oldest first."""
    with UnitOfWork(db) as uow:
        tokens = uow.api_tokens.list_active(user.id)
    return [(token.id, token.label, token.created_at) for token in tokens]


def revoke_api_token(db: Database, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens; it stops working at once."""
    with UnitOfWork(db) as uow:
        if not uow.api_tokens.revoke(user.id, token_id, _now(None)):
            raise NotFoundError(
                f"you have no active API token {token_id}; list your tokens to find its id"
            )
        uow.commit()


# --- a walker's own program ---------------------------------------------------------------------


def attach_person(db: Database, user: User, person_id: int) -> User:
    """Make a person (the program onboarding just created) the walker's own."""
    with UnitOfWork(db) as uow:
        stored = _current(uow, user)
        if stored.role != "walker":
            raise InvalidInputError(
                "only a walker has a program of their own; clinicians see their patients' programs"
            )
        if stored.person_id == person_id:
            return _public(stored)
        if stored.person_id is not None:
            raise ConflictError(
                f"your account already has a program (person {stored.person_id}); "
                "carry on with that one"
            )
        owner = uow.users.by_person(person_id)
        if owner is not None or uow.people.get(person_id) is None:
            raise NotFoundError(_hidden(person_id))
        stored = uow.users.set_person(stored.id, person_id)
        uow.commit()
    return _public(stored)


def sent_links(db: Database, clinician: User) -> list[tuple[StoredLink, int | None]]:
    """The clinician's own invitations, newest first, with the patient's person once accepted."""
    with UnitOfWork(db) as uow:
        return uow.links.sent_by(_current(uow, clinician).id)


# --- onboarding red flags -----------------------------------------------------------------------


def hold_onboarding_flags(db: Database, user: User, flags: tuple[RedFlag, ...], day: date) -> None:
    """Store red-flag answers given before the program exists (spec 7: never silently lost).

    They accumulate (a later "no" never erases an earlier "yes": only a recorded clearing does) and
    become a check-in dated the first day one was given when onboarding creates the program.
    """
    with UnitOfWork(db) as uow:
        stored = _current(uow, user)
        held, held_on = uow.users.pending_flags(stored.id)
        codes = tuple(dict.fromkeys((*held, *(f.value for f in flags))))
        first = held_on or (day if codes else None)
        uow.users.set_pending_flags(stored.id, codes, first)
        uow.commit()


def onboarding_flags(db: Database, user: User) -> tuple[tuple[RedFlag, ...], date | None]:
    """Red-flag answers held from onboarding, and the day they were given."""
    with UnitOfWork(db) as uow:
        codes, day = uow.users.pending_flags(_current(uow, user).id)
    return tuple(RedFlag(c) for c in codes), day


def release_onboarding_flags(db: Database, user: User) -> None:
    """Forget the held answers once they are stored as a check-in of the program."""
    with UnitOfWork(db) as uow:
        uow.users.set_pending_flags(_current(uow, user).id, (), None)
        uow.commit()


# --- care links ---------------------------------------------------------------------------------


def invite(db: Database, clinician: User, patient_email: str) -> Invitation:
    """A clinician invites a walker, by e-mail address, to share their program."""
    email = _check_email(patient_email)
    with UnitOfWork(db) as uow:
        inviter = _current(uow, clinician)
        if inviter.role != "clinician":
            raise ForbiddenError(
                "only clinicians can invite patients; to share your program, ask your clinician "
                "to invite your e-mail address"
            )
        if email == inviter.email:
            raise InvalidInputError(
                "you cannot invite yourself; give your patient's e-mail address"
            )
        patient = uow.users.by_email(email)
        if patient is not None and patient.role != "walker":
            raise InvalidInputError(
                f"{email} belongs to a clinician's account, not a walker's; "
                "invite the e-mail address your patient signed up with"
            )
        existing = uow.links.between(inviter.id, email, ("pending", "accepted"))
        if existing:
            state = (
                "is already your patient"
                if existing[0].status == "accepted"
                else ("has an invitation from you waiting")
            )
            raise ConflictError(
                f"{email} {state}; wait for their answer, or see your list of patients"
            )
        link = uow.links.add(clinician_id=inviter.id, patient_email=email, now=_now(None))
        uow.commit()
    return _invitation(link, _public(inviter))


def invitations_for(db: Database, walker: User) -> list[Invitation]:
    """The pending invitations addressed to the walker's e-mail address, oldest first."""
    with UnitOfWork(db) as uow:
        stored = _current(uow, walker)
        if stored.role != "walker":
            return []
        links = uow.links.pending_for(stored.email)
        clinicians = {link.clinician_id: uow.users.get(link.clinician_id) for link in links}
    return [
        _invitation(link, _public(found))
        for link in links
        if (found := clinicians[link.clinician_id]) is not None
    ]


def answer_invitation(db: Database, walker: User, invitation_id: int, accept: bool) -> Invitation:
    """Accept (the clinician may then see and change the program) or decline an invitation."""
    with UnitOfWork(db) as uow:
        stored = _current(uow, walker)
        link = uow.links.get(invitation_id)
        if link is None or stored.role != "walker" or link.patient_email != stored.email:
            raise NotFoundError(
                f"no invitation {invitation_id} is addressed to you; "
                "see your invitations for the ones waiting"
            )
        if link.status != "pending":
            raise ConflictError(
                f"invitation {invitation_id} was already {link.status}; "
                "ask the clinician for a new one if you want to change your answer"
            )
        link = uow.links.answer(
            link.id,
            status="accepted" if accept else "declined",
            patient_user_id=stored.id,
            now=_now(None),
        )
        clinician = uow.users.get(link.clinician_id)
        assert clinician is not None
        uow.commit()
    return _invitation(link, _public(clinician))


def revoke_clinician(db: Database, walker: User, clinician_id: int) -> None:
    """The walker withdraws a clinician's access to their program."""
    with UnitOfWork(db) as uow:
        stored = _current(uow, walker)
        if not uow.links.revoke(clinician_id, stored.id):
            raise NotFoundError(
                f"clinician {clinician_id} has no access to your program; "
                "see your list of clinicians"
            )
        uow.commit()


def clinicians_of(db: Database, walker: User) -> list[User]:
    """The clinicians who may currently see the walker's program, by name."""
    with UnitOfWork(db) as uow:
        return [_public(found) for found in uow.links.clinicians(walker.id)]


def patient_ids(db: Database, clinician: User) -> list[int]:
    """Person ids of the clinician's accepted, unrevoked patients who have a program."""
    with UnitOfWork(db) as uow:
        stored = uow.users.get(clinician.id)
        if stored is None or stored.role != "clinician":
            return []
        return uow.links.patient_person_ids(stored.id)


def authorise(db: Database, user: User, person_id: int, *, write: bool) -> str:
    """The person_ref (str(person_id)) to pass to other services, if the user may act on them.

    A walker may read and write their own program; a clinician the programs of their accepted,
    unrevoked patients (adjusting, clearing flags, adding check-ins). `write` is checked against
    the same rule today; it is part of the signature so a read-only role needs no new interface.
    Everything else raises the same `NotFoundError`.
    """
    del write  # both roles may write whatever they may read (see the docstring)
    with UnitOfWork(db) as uow:
        stored = uow.users.get(user.id)
        allowed = stored is not None and (
            (stored.role == "walker" and stored.person_id == person_id)
            or (stored.role == "clinician" and uow.links.links_person(stored.id, person_id))
        )
    if not allowed:
        raise NotFoundError(_hidden(person_id))
    return str(person_id)


# --- helpers ------------------------------------------------------------------------------------


def _hidden(person_id: int) -> str:
    return (
        f"no program {person_id} is yours to see; choose one from your own program or your "
        "list of patients"
    )


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInputError(f"now {now.isoformat()} has no time zone; pass an aware datetime")
    return now.astimezone(UTC)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = _normalise_email(email)
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in email):
        raise InvalidInputError(
            f"{email!r} is not an e-mail address: give one such as name@example.org"
        )
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInputError(f"the e-mail address is too long: at most {MAX_EMAIL_LENGTH}")
    return email


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("give your name, as you would like it shown")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(f"the name is too long: keep it to {MAX_NAME_LENGTH} characters")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few unrelated words make a good one)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters"
        )
    if len(set(password)) == 1:
        raise InvalidInputError(
            "the password repeats one character: use at least two different characters, "
            "such as a few unrelated words"
        )


@cache
def _dummy_hash() -> str:
    # Made on first use (not at import): verifying against it costs what a real check costs.
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and (
            password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _refuse_if_limited(uow: UnitOfWork, email: str, client: str, now: datetime) -> None:
    since = now - SIGN_IN_WINDOW
    last_success = uow.login_attempts.last_success_for_email(email, since)
    email_failures = uow.login_attempts.failures_for_email(email, last_success or since)
    client_failures = uow.login_attempts.failures_for_client(client, since)
    # Attempts open again when enough of the counted failures have left the window.
    reopen: list[datetime] = []
    if len(email_failures) >= MAX_FAILURES_PER_EMAIL:
        reopen.append(email_failures[-MAX_FAILURES_PER_EMAIL] + SIGN_IN_WINDOW)
    if len(client_failures) >= MAX_FAILURES_PER_CLIENT:
        reopen.append(client_failures[-MAX_FAILURES_PER_CLIENT] + SIGN_IN_WINDOW)
    if not reopen:
        return
    wait_s = max(1, math.ceil((max(reopen) - now).total_seconds()))
    minutes = math.ceil(wait_s / 60)
    unit = "minute" if minutes == 1 else "minutes"
    raise SignInLimitedError(
        f"too many failed sign-ins: wait {minutes} {unit} and try again "
        "(if you have forgotten your password, ask for it to be reset)",
        retry_after_s=wait_s,
    )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _current(uow: UnitOfWork, user: User) -> StoredUser:
    stored = uow.users.get(user.id)
    if stored is None:
        raise NotFoundError("your account no longer exists; sign up again")
    return stored


def _public(stored: StoredUser) -> User:
    return User(
        id=stored.id,
        email=stored.email,
        name=stored.name,
        role=stored.role,
        person_id=stored.person_id,
    )


def _invitation(link: StoredLink, clinician: User) -> Invitation:
    return Invitation(
        id=link.id,
        clinician=clinician,
        patient_email=link.patient_email,
        created_at=link.created_at,
        status=link.status,
    )
