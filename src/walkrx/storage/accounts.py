"""Repositories for accounts: users, sessions, API tokens, care links and sign-in attempts.

Rows never leave this module: callers get the frozen records below. Tokens are only ever seen
here as their SHA-256 hex digests; hashing passwords and tokens is the service's job. E-mail
addresses arrive already normalised (stripped, lower-cased) from the service.
"""

from __future__ import annotations

import builtins
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from walkrx.storage.repositories import _utc, _write
from walkrx.storage.rows import (
    ApiTokenRow,
    CareLinkRow,
    LoginAttemptRow,
    SessionRow,
    UserRow,
)


@dataclass(frozen=True)
class StoredUser:
    """An account as stored, password hash included (the service never hands that out)."""

    id: int
    email: str
    name: str
    role: str
    password_hash: str
    person_id: int | None
    created_at: datetime
    units: str | None = None  # the units of the account's own program (issue 15), if any


@dataclass(frozen=True)
class StoredSession:
    id: int
    user_id: int
    csrf_secret: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class StoredApiToken:
    id: int
    user_id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class RecentFailures:
    """Failed sign-in attempts in some window: how many, and when the most recent was."""

    count: int
    last_at: datetime | None


@dataclass(frozen=True)
class StoredLink:
    """A care link: a clinician's invitation to a patient e-mail address, and its answer."""

    id: int
    clinician_id: int
    patient_email: str
    patient_user_id: int | None
    status: str
    created_at: datetime
    answered_at: datetime | None
    # migration 0007: whether it carries a single-use code, until when, and the clinic it
    # invites to (None: the clinician alone; a clinic's link gives no access of its own)
    has_code: bool = False
    expires_at: datetime | None = None
    clinic_id: int | None = None


class UsersRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, email: str, name: str, role: str, password_hash: str) -> StoredUser:
        """Store a new account; an e-mail address already in use raises `ConflictError`."""
        row = UserRow(email=email, name=name, role=role, password_hash=password_hash)
        _write(self._session, f"an account for {email}", lambda: self._session.add(row))
        self._session.refresh(row)  # created_at comes from the database
        return _user(row)

    def get(self, user_id: int) -> StoredUser | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def by_email(self, email: str) -> StoredUser | None:
        row = self._session.scalars(select(UserRow).where(UserRow.email == email)).first()
        return None if row is None else _user(row)

    def by_person(self, person_id: int) -> StoredUser | None:
        """The account whose own program is this person, if any."""
        row = self._session.scalars(select(UserRow).where(UserRow.person_id == person_id)).first()
        return None if row is None else _user(row)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_pending_flags(self, user_id: int, codes: tuple[str, ...], day: date | None) -> None:
        """Hold onboarding red-flag answers until the account has a program."""
        self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(pending_red_flags=",".join(codes), pending_flags_on=day)
        )

    def pending_flags(self, user_id: int) -> tuple[tuple[str, ...], date | None]:
        row = self._session.get(UserRow, user_id)
        if row is None or not row.pending_red_flags:
            return (), None
        return tuple(row.pending_red_flags.split(",")), row.pending_flags_on

    def set_person(self, user_id: int, person_id: int | None) -> StoredUser:
        """Make `person_id` the account's own program (a missing person raises NotFoundError)."""
        row = self._session.get(UserRow, user_id)
        assert row is not None, f"no user {user_id}"

        def change() -> None:
            row.person_id = person_id

        _write(self._session, f"the program of {row.email}", change)
        return _user(row)


class SessionsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        user_id: int,
        token_sha256: str,
        csrf_secret: str,
        now: datetime,
        expires_at: datetime,
    ) -> StoredSession:
        row = SessionRow(
            user_id=user_id,
            token_sha256=token_sha256,
            csrf_secret=csrf_secret,
            created_at=_utc(now, "now"),
            last_seen_at=_utc(now, "now"),
            expires_at=_utc(expires_at, "expires_at"),
        )
        _write(self._session, "a session", lambda: self._session.add(row))
        return _session_record(row)

    def by_token(self, token_sha256: str) -> StoredSession | None:
        row = self._by_token(token_sha256)
        return None if row is None else _session_record(row)

    def touch(self, session_id: int, now: datetime, expires_at: datetime) -> None:
        """Record a use of the session, which moves its expiry on."""
        self._session.execute(
            update(SessionRow)
            .where(SessionRow.id == session_id)
            .values(last_seen_at=_utc(now, "now"), expires_at=_utc(expires_at, "expires_at"))
        )

    def delete(self, token_sha256: str) -> None:
        self._session.execute(delete(SessionRow).where(SessionRow.token_sha256 == token_sha256))

    def _by_token(self, token_sha256: str) -> SessionRow | None:
        return self._session.scalars(
            select(SessionRow).where(SessionRow.token_sha256 == token_sha256)
        ).first()


class ApiTokensRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, user_id: int, label: str, token_sha256: str, now: datetime) -> StoredApiToken:
        row = ApiTokenRow(
            user_id=user_id, label=label, token_sha256=token_sha256, created_at=_utc(now, "now")
        )
        _write(self._session, f"API token {label!r}", lambda: self._session.add(row))
        return _token(row)

    def active_by_token(self, token_sha256: str) -> StoredApiToken | None:
        """The unrevoked token with this digest, if any."""
        row = self._session.scalars(
            select(ApiTokenRow).where(
                ApiTokenRow.token_sha256 == token_sha256, ApiTokenRow.revoked_at.is_(None)
            )
        ).first()
        return None if row is None else _token(row)

    def list_active(self, user_id: int) -> builtins.list[StoredApiToken]:
        rows = self._session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.user_id == user_id, ApiTokenRow.revoked_at.is_(None))
            .order_by(ApiTokenRow.id)
        )
        return [_token(row) for row in rows]

    def revoke(self, user_id: int, token_id: int, now: datetime) -> bool:
        """Revoke one of the user's active tokens; False when they have no such token."""
        result = self._session.execute(
            update(ApiTokenRow)
            .where(
                ApiTokenRow.id == token_id,
                ApiTokenRow.user_id == user_id,
                ApiTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=_utc(now, "now"))
        )
        return bool(getattr(result, "rowcount", 0))


class CareLinksRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        clinician_id: int,
        patient_email: str,
        now: datetime,
        code_sha256: str | None = None,
        expires_at: datetime | None = None,
        clinic_id: int | None = None,
    ) -> StoredLink:
        """Store a pending invitation (with its code's digest, expiry and clinic, if any)."""
        row = CareLinkRow(
            clinician_id=clinician_id,
            patient_email=patient_email,
            status="pending",
            created_at=_utc(now, "now"),
            code_sha256=code_sha256,
            expires_at=None if expires_at is None else _utc(expires_at, "expires_at"),
            clinic_id=clinic_id,
        )
        _write(self._session, f"an invitation to {patient_email}", lambda: self._session.add(row))
        return _link(row)

    def get(self, link_id: int) -> StoredLink | None:
        row = self._session.get(CareLinkRow, link_id)
        return None if row is None else _link(row)

    def by_code(self, code_sha256: str) -> StoredLink | None:
        """The invitation whose code has this SHA-256 digest, whatever its state."""
        row = self._session.scalar(
            select(CareLinkRow).where(CareLinkRow.code_sha256 == code_sha256)
        )
        return None if row is None else _link(row)

    def between(
        self, clinician_id: int, patient_email: str, statuses: tuple[str, ...]
    ) -> builtins.list[StoredLink]:
        """The clinician's links to this e-mail address in any of these states."""
        rows = self._session.scalars(
            select(CareLinkRow)
            .where(
                CareLinkRow.clinician_id == clinician_id,
                CareLinkRow.patient_email == patient_email,
                CareLinkRow.status.in_(statuses),
            )
            .order_by(CareLinkRow.id)
        )
        return [_link(row) for row in rows]

    def sent_by(self, clinician_id: int) -> builtins.list[tuple[StoredLink, int | None]]:
        """Every link a clinician started, newest first, with the patient's person once accepted."""
        rows = self._session.execute(
            select(CareLinkRow, UserRow.person_id)
            .outerjoin(UserRow, CareLinkRow.patient_user_id == UserRow.id)
            .where(CareLinkRow.clinician_id == clinician_id)
            .order_by(CareLinkRow.created_at.desc(), CareLinkRow.id.desc())
        ).all()
        return [
            (_link(link), person_id if link.status == "accepted" else None)
            for link, person_id in rows
        ]

    def pending_for(self, patient_email: str) -> builtins.list[StoredLink]:
        rows = self._session.scalars(
            select(CareLinkRow)
            .where(CareLinkRow.patient_email == patient_email, CareLinkRow.status == "pending")
            .order_by(CareLinkRow.created_at, CareLinkRow.id)
        )
        return [_link(row) for row in rows]

    def answer(
        self, link_id: int, *, status: str, patient_user_id: int | None, now: datetime
    ) -> StoredLink:
        row = self._session.get(CareLinkRow, link_id)
        assert row is not None, f"no care link {link_id}"

        def change() -> None:
            row.status = status
            row.patient_user_id = patient_user_id
            row.answered_at = _utc(now, "now")

        _write(self._session, f"invitation {link_id}", change)
        return _link(row)

    def revoke(self, clinician_id: int, patient_user_id: int) -> int:
        """Revoke the accepted links between a clinician and a patient; returns how many."""
        result = self._session.execute(
            update(CareLinkRow)
            .where(
                CareLinkRow.clinician_id == clinician_id,
                CareLinkRow.patient_user_id == patient_user_id,
                CareLinkRow.status == "accepted",
            )
            .values(status="revoked")
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def clinician_ids_of(self, patient_user_id: int) -> builtins.list[int]:
        """Clinicians with an accepted, unrevoked link of their own (not a clinic's) to the
        patient."""
        ids = self._session.scalars(
            select(CareLinkRow.clinician_id)
            .where(
                CareLinkRow.patient_user_id == patient_user_id,
                CareLinkRow.status == "accepted",
                CareLinkRow.clinic_id.is_(None),
            )
            .distinct()
        )
        return sorted(ids)

    def clinicians(self, patient_user_id: int) -> builtins.list[StoredUser]:
        rows = self._session.scalars(
            select(UserRow)
            .where(UserRow.id.in_(self.clinician_ids_of(patient_user_id)))
            .order_by(UserRow.name, UserRow.id)
        )
        return [_user(row) for row in rows]

    def patient_person_ids(self, clinician_id: int) -> builtins.list[int]:
        """Person ids of the clinician's own accepted, unrevoked patients who have a program."""
        ids = self._session.scalars(
            select(UserRow.person_id)
            .join(CareLinkRow, CareLinkRow.patient_user_id == UserRow.id)
            .where(
                CareLinkRow.clinician_id == clinician_id,
                CareLinkRow.status == "accepted",
                CareLinkRow.clinic_id.is_(None),
                UserRow.person_id.is_not(None),
            )
            .distinct()
        )
        return sorted(person_id for person_id in ids if person_id is not None)

    def links_person(self, clinician_id: int, person_id: int) -> bool:
        """Whether an accepted, unrevoked link of the clinician's own (an invitation to a clinic
        gives none: access then comes from the clinic) joins them to this person's account."""
        found = self._session.scalar(
            select(CareLinkRow.id)
            .join(UserRow, CareLinkRow.patient_user_id == UserRow.id)
            .where(
                CareLinkRow.clinician_id == clinician_id,
                CareLinkRow.status == "accepted",
                CareLinkRow.clinic_id.is_(None),
                UserRow.person_id == person_id,
                UserRow.role == "walker",
            )
            .limit(1)
        )
        return found is not None


class LoginAttemptsRepository:
    """Every sign-in attempt, kept as a record (successes do not erase failures)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, *, email: str, client: str, succeeded: bool, at: datetime) -> None:
        row = LoginAttemptRow(email=email, client=client, succeeded=succeeded, at=_utc(at, "at"))
        _write(self._session, "a sign-in attempt", lambda: self._session.add(row))

    def delete_before(self, cutoff: datetime) -> int:
        """Delete attempts made before `cutoff`; how many were deleted."""
        result = self._session.execute(
            delete(LoginAttemptRow).where(LoginAttemptRow.at < _utc(cutoff, "cutoff"))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def hold(self, email: str, client: str) -> None:
        """Make concurrent sign-in attempts for this address or from this client wait for this
        transaction to end, so that each sees the failures of the one before (otherwise a burst of
        parallel guesses would all pass the same check). On PostgreSQL: transaction-level
        advisory locks, the address's first, then the client's; SQLite lets one write transaction
        run at a time, which already makes them wait."""
        if self._session.get_bind().dialect.name != "postgresql":
            return
        for key in (f"sign-in email {email}", f"sign-in client {client}"):
            self._session.execute(select(func.pg_advisory_xact_lock(_lock_id(key))))

    def last_success(self, *, email: str, client: str) -> datetime | None:
        """When this client last signed in with this address (among the attempts kept)."""
        return self._session.scalar(
            select(func.max(LoginAttemptRow.at)).where(
                LoginAttemptRow.email == email,
                LoginAttemptRow.client == client,
                LoginAttemptRow.succeeded.is_(True),
            )
        )

    def failures(
        self, *, since: datetime, email: str | None = None, client: str | None = None
    ) -> RecentFailures:
        """How many failed attempts after `since` (for the address, from the client, or both),
        and when the most recent was."""
        conditions = [
            LoginAttemptRow.succeeded.is_(False),
            LoginAttemptRow.at > _utc(since, "since"),
        ]
        if email is not None:
            conditions.append(LoginAttemptRow.email == email)
        if client is not None:
            conditions.append(LoginAttemptRow.client == client)
        count, last_at = self._session.execute(
            select(func.count(), func.max(LoginAttemptRow.at)).where(*conditions)
        ).one()
        return RecentFailures(int(count), last_at)


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id for a key (PostgreSQL's bigint)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


# --- rows -> records --------------------------------------------------------------------------


def _user(row: UserRow) -> StoredUser:
    return StoredUser(
        id=row.id,
        email=row.email,
        name=row.name,
        role=row.role,
        password_hash=row.password_hash,
        person_id=row.person_id,
        created_at=row.created_at,
        units=row.person_units if row.person_id is not None else None,
    )


def _session_record(row: SessionRow) -> StoredSession:
    return StoredSession(
        id=row.id,
        user_id=row.user_id,
        csrf_secret=row.csrf_secret,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
    )


def _token(row: ApiTokenRow) -> StoredApiToken:
    return StoredApiToken(
        id=row.id,
        user_id=row.user_id,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _link(row: CareLinkRow) -> StoredLink:
    return StoredLink(
        id=row.id,
        clinician_id=row.clinician_id,
        patient_email=row.patient_email,
        patient_user_id=row.patient_user_id,
        status=row.status,
        created_at=row.created_at,
        answered_at=row.answered_at,
        has_code=row.code_sha256 is not None,
        expires_at=row.expires_at,
        clinic_id=row.clinic_id,
    )
