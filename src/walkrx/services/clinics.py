"""Clinics (issue 11): a clinic has members, clinicians and at least one administrator; the
patients who joined it (by accepting an invitation to it, `services.care`) are followed by all its
members while they are members. An administrator adds and removes members and reads the clinic's
log; a member who leaves, or is removed, loses access at once (`access.person_for` reads the
membership inside every use case). A clinician without a clinic keeps working with the patients
who invited them alone.

The audit trail is kept for `AUDIT_RETENTION_YEARS`; reading a log (here, or the walker's own in
`services.sharing`) first sweeps the events past it (decision 0007). Changes to a clinic's
members go on its log as well as every access to a patient through the clinic.

Each public function is one use case over one unit of work handed in unopened (decision 0006).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services.access import Actor
from walkrx.services.accounts import check_email
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser
from walkrx.storage.clinic import ROLES, AuditEvent, Clinic, Member

AUDIT_RETENTION_YEARS = 6  # health records' audit trails: HIPAA keeps its records six years
LOG_PAGE = 50
NAME_MAX = 200  # the clinics.name column


@dataclass(frozen=True)
class ClinicSummary:
    """One of the clinician's clinics, with their role in it."""

    id: int
    name: str
    role: str  # clinician | admin
    members: int
    patients: int


@dataclass(frozen=True)
class ClinicView:
    """A clinic's page: its members, how many patients it follows, and the reader's role."""

    clinic: Clinic
    role: str  # the reader's: clinician | admin
    you: int  # the reader's user id
    members: list[Member]
    patients: int

    @property
    def admins(self) -> int:
        return sum(1 for m in self.members if m.role == "admin")


@dataclass(frozen=True)
class LogEntry:
    """One event of an audit log, with names in place of ids."""

    at: datetime
    who: str  # the account's name now, else the e-mail address recorded
    email: str
    role: str  # walker | clinician | admin | console
    via: str  # session | token | console
    action: str  # a stable code, worded by each interface
    clinic: str | None  # the clinic it went through, if any
    patient: str | None  # whose program, by the name clinicians see (None: not about one)
    detail: str
    mine: bool  # the reader's own doing


@dataclass(frozen=True)
class AuditLog:
    entries: list[LogEntry]
    page: int
    more: bool  # older events on the next page
    retention_years: int


@dataclass(frozen=True)
class ClinicLog:
    clinic: Clinic
    log: AuditLog


def my_clinics(uow: UnitOfWork, actor: Actor) -> list[ClinicSummary]:
    """The clinics the clinician belongs to, by name, with their role in each."""
    with uow.read():
        clinician = _clinician(uow, actor)
        return [
            ClinicSummary(
                clinic.id,
                clinic.name,
                role,
                len(uow.clinics.members(clinic.id)),
                uow.clinics.patient_count(clinic.id),
            )
            for clinic, role in uow.clinics.of_member(clinician.id)
        ]


def create_clinic(uow: UnitOfWork, actor: Actor, name: str, now: datetime | None = None) -> Clinic:
    """A clinician creates a clinic and becomes its administrator."""
    now = now or datetime.now(UTC)
    wanted = " ".join(name.split())
    if not wanted:
        raise InvalidInputError("give the clinic a name", field="name")
    if len(wanted) > NAME_MAX:
        raise InvalidInputError(f"a clinic's name has at most {NAME_MAX} characters", field="name")
    with uow:
        clinician = _clinician(uow, actor)
        if uow.clinics.by_name(wanted) is not None:
            raise ConflictError(
                f"a clinic called {wanted} exists already; choose another name, or ask its "
                "administrator to add you",
            )
        clinic = uow.clinics.add(wanted)
        uow.clinics.set_member(clinic.id, clinician.id, "admin", now)
        _record(uow, actor, clinician, "admin", clinic.id, "create_clinic", now)
        uow.commit()
    return clinic


def clinic_page(uow: UnitOfWork, actor: Actor, clinic_id: int) -> ClinicView:
    """A clinic as its members see it."""
    with uow.read():
        clinician, clinic, role = _membership(uow, actor, clinic_id)
        return ClinicView(
            clinic,
            role,
            clinician.id,
            uow.clinics.members(clinic.id),
            uow.clinics.patient_count(clinic.id),
        )


def add_member(
    uow: UnitOfWork,
    actor: Actor,
    clinic_id: int,
    email: str,
    role: str,
    now: datetime | None = None,
) -> Member:
    """An administrator adds a clinician's account to the clinic (or changes a member's role)."""
    now = now or datetime.now(UTC)
    with uow:
        admin, clinic = _administrator(uow, actor, clinic_id)
        address = check_email(email, field="email")
        if role not in ROLES:
            raise InvalidInputError("choose clinician or administrator", field="role")
        account = uow.users.by_email(address)
        if account is None or account.role != "clinician":
            raise InvalidInputError(
                f"no clinician's account uses {address}; they sign up as a clinician first, "
                "then you can add them",
                field="email",
            )
        current = uow.clinics.role_of(clinic.id, account.id)
        if current == role:
            raise ConflictError(f"{address} is already {_ROLE_WORDS[role]} of {clinic.name}")
        if current == "admin":
            _keep_an_administrator(uow, clinic)
        uow.clinics.set_member(clinic.id, account.id, role, now)
        action = f"{'add' if current is None else 'make'}_{role}"
        _record(uow, actor, admin, "admin", clinic.id, action, now, _named(account))
        member = next(m for m in uow.clinics.members(clinic.id) if m.user_id == account.id)
        uow.commit()
    return member


def remove_member(
    uow: UnitOfWork, actor: Actor, clinic_id: int, user_id: int, now: datetime | None = None
) -> None:
    """An administrator removes a member, or a member leaves: their access ends at once. The
    clinic keeps at least one administrator."""
    now = now or datetime.now(UTC)
    with uow:
        me, clinic, role = _membership(uow, actor, clinic_id)
        leaving = user_id == me.id
        if not leaving and role != "admin":
            raise _not_admin()
        target = next((m for m in uow.clinics.members(clinic.id) if m.user_id == user_id), None)
        if target is None:
            raise NotFoundError(
                f"no member {user_id} is in {clinic.name}; see the clinic's members",
                kind="member",
            )
        if target.role == "admin":
            _keep_an_administrator(uow, clinic)
        uow.clinics.remove_member(clinic.id, user_id, now)
        if leaving:
            _record(uow, actor, me, role, clinic.id, "leave_member", now)
        else:
            detail = f"{target.name} ({target.email})"
            _record(uow, actor, me, role, clinic.id, "remove_member", now, detail)
        uow.commit()


def clinic_log(
    uow: UnitOfWork, actor: Actor, clinic_id: int, page: int = 0, now: datetime | None = None
) -> ClinicLog:
    """The clinic's log for its administrators, newest first, a page at a time; events past the
    retention are swept first."""
    now = now or datetime.now(UTC)
    page = max(0, page)
    with uow:
        admin, clinic = _administrator(uow, actor, clinic_id)
        uow.audit.delete_before(retention_cutoff(now))
        events = uow.audit.of_clinic(clinic.id, limit=LOG_PAGE + 1, offset=page * LOG_PAGE)
        log = audit_log(events, page, uow, reader=admin.id)
        uow.commit()
    return ClinicLog(clinic, log)


# --- helpers for use cases, inside their open unit of work ----------------------------------

_ROLE_WORDS = {"clinician": "a clinician", "admin": "an administrator"}


def retention_cutoff(now: datetime) -> datetime:
    """The moment before which audit events are swept: `AUDIT_RETENTION_YEARS` ago."""
    year = now.year - AUDIT_RETENTION_YEARS
    try:
        return now.replace(year=year)
    except ValueError:  # 29 February
        return now.replace(year=year, day=28)


def audit_log(events: list[AuditEvent], page: int, uow: UnitOfWork, *, reader: int) -> AuditLog:
    """A page of events (`LOG_PAGE`, and one more to tell whether there are older ones) with
    names: the accounts as they are called now, the clinics, the patients."""
    users: dict[int, str] = {}
    clinics: dict[int, str] = {}
    people: dict[int, str] = {}
    entries = []
    for event in events[:LOG_PAGE]:
        uid, cid, pid = event.actor_user_id, event.clinic_id, event.person_id
        if uid is not None and uid not in users:
            account = uow.users.get(uid)
            users[uid] = account.name if account is not None else event.actor
        if cid is not None and cid not in clinics:
            clinic = uow.clinics.get(cid)
            clinics[cid] = clinic.name if clinic is not None else "a clinic since closed"
        if pid is not None and pid not in people:
            person = uow.people.get(pid)
            people[pid] = person.shown_name if person is not None else "a program since deleted"
        entries.append(
            LogEntry(
                at=event.at,
                who=users[uid] if uid is not None else event.actor,
                email=event.actor,
                role=event.role,
                via=event.via,
                action=event.action,
                clinic=clinics[cid] if cid is not None else None,
                patient=people[pid] if pid is not None else None,
                detail=event.detail,
                mine=uid is not None and uid == reader,
            )
        )
    return AuditLog(entries, page, len(events) > LOG_PAGE, AUDIT_RETENTION_YEARS)


def _clinician(uow: UnitOfWork, actor: Actor) -> StoredUser:
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if stored is None or stored.role != "clinician":
        raise NotFoundError(
            "only a clinician's account belongs to clinics; this one is not a clinician's",
            kind="clinic",
        )
    return stored


def _membership(uow: UnitOfWork, actor: Actor, clinic_id: int) -> tuple[StoredUser, Clinic, str]:
    """The acting member, the clinic and their role in it; anyone else: as if it did not exist."""
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    clinic = uow.clinics.get(clinic_id)
    role = (
        uow.clinics.role_of(clinic_id, stored.id)
        if stored is not None and stored.role == "clinician" and clinic is not None
        else None
    )
    if stored is None or clinic is None or role is None:
        raise NotFoundError(
            f"no clinic {clinic_id} is yours to see; choose one of your clinics", kind="clinic"
        )
    return stored, clinic, role


def _administrator(uow: UnitOfWork, actor: Actor, clinic_id: int) -> tuple[StoredUser, Clinic]:
    stored, clinic, role = _membership(uow, actor, clinic_id)
    if role != "admin":
        raise _not_admin()
    return stored, clinic


def _not_admin() -> ForbiddenError:
    return ForbiddenError(
        "only the clinic's administrators change its members and read its log; ask one of them"
    )


def _keep_an_administrator(uow: UnitOfWork, clinic: Clinic) -> None:
    """Refuse a change that would leave the clinic without an administrator."""
    if sum(1 for m in uow.clinics.members(clinic.id) if m.role == "admin") <= 1:
        raise ConflictError(
            f"{clinic.name} keeps at least one administrator: make another member an "
            "administrator first"
        )


def _named(account: StoredUser) -> str:
    return f"{account.name} ({account.email})"


def _record(
    uow: UnitOfWork,
    actor: Actor,
    account: StoredUser,
    role: str,
    clinic_id: int,
    action: str,
    now: datetime,
    detail: str = "",
) -> None:
    uow.record(
        AuditEvent(
            at=now,
            actor_user_id=account.id,
            actor=account.email,
            role=role,
            via=actor.via,
            client=actor.client,
            person_id=None,
            clinic_id=clinic_id,
            action=action,
            detail=detail,
        )
    )
