"""Erasure (issue 12): a person's program, account and everything about them, gone for good.

Who may erase: the walker themselves (their own account and program, from a session or an API
token) and the console (whoever can open the database file owns it, decision 0006). Nobody else:
a clinician or a clinic's administrator gets the same `NotFoundError` as for a program they
cannot see, even for a patient they follow. A clinician's care is no reason to erase a patient's
record, and the answer tells a stranger nothing about whether the program exists.

What goes, in one transaction (`storage.erasure` lists the tables): the program (person, zone
settings, walks, check-ins, clearings, the original device files), the account (e-mail, name,
password hash, sessions, API tokens, care links and invitations to its address, sign-in attempts
with its address), clinic sharing, alerts, the panel's status line, pauses, and the audit events
about the person or by their account. What stays: one audit event saying that an erasure
happened, with a random erasure id and the date only (no name, e-mail address, person or account
id, network address or time of day), so the trail shows that records went and why, and the
person can quote the id (it is shown to them once) without the database linking it to them.

After the commit the freed space is scrubbed (SQLite: VACUUM and an emptied write-ahead log;
PostgreSQL: VACUUM of the tables); `Erased.scrubbed` says whether that worked. docs/privacy.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from walkrx.domain.model import Person
from walkrx.errors import ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services.access import Actor, hidden, person_for
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser
from walkrx.storage.clinic import AuditEvent
from walkrx.storage.erasure import Scrubbed, Whose

ACTION = "erased"

# What each table holds, in words for the people who read a preview or a receipt.
TABLE_WORDS = {
    "people": "the walking program",
    "zone_settings": "heart-rate zone settings",
    "source_files": "original device files",
    "walks": "walks",
    "checkins": "morning check-ins",
    "flag_clearings": "red-flag clearings",
    "users": "the account (e-mail address, name, password hash)",
    "sessions": "signed-in sessions",
    "api_tokens": "API tokens",
    "care_links": "sharing with clinicians and invitations",
    "login_attempts": "sign-in attempts",
    "clinic_members": "clinic memberships",
    "clinic_patients": "sharing with clinics",
    "alerts": "alerts for clinicians",
    "person_status": "the clinicians' panel line",
    "program_pauses": "pauses by a clinician",
    "program_stages": "the program finished and taken up again",
    "followups": "follow-up answers after the program",
    "audit_events": "records of who looked at or changed the program",
}


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure would remove, and what the confirmation must be."""

    person_id: int | None
    name: str | None  # the program's name (None: no program yet)
    email: str | None  # the account's address (None: a program made at the console)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows that would go
    confirm_with: str = "email"  # "email" (a walker) or "name" (the console: name or id)


@dataclass(frozen=True)
class Erased:
    """An erasure done: its id and date (all that the audit trail keeps), what went, and
    whether the freed space could be scrubbed."""

    erasure_id: str
    on: date
    rows: dict[str, int]
    scrubbed: Scrubbed


def erasure_preview(uow: UnitOfWork, actor: Actor, person_id: int | None) -> ErasurePreview:
    """What erasing this program (or, for a walker, `None`: their account without one) would
    remove; nothing is changed."""
    with uow.read():
        person, account = own_data_of(uow, actor, person_id, "erased")
        rows = uow.erasure.count(_whose(person, account))
    return ErasurePreview(
        person_id=None if person is None else person.id,
        name=None if person is None else person.name,
        email=None if account is None else account.email,
        rows=rows,
        confirm_with="name" if actor.user_id is None else "email",
    )


def erase(
    uow: UnitOfWork, actor: Actor, person_id: int | None, confirm: str, now: datetime | None = None
) -> Erased:
    """Erase a program with its account and everything about them, once `confirm` matches: the
    account's e-mail address for a walker; the program's name or id (or the account's address)
    at the console. A wrong confirmation erases nothing."""
    now = now or datetime.now(UTC)
    on = now.astimezone(UTC).date()
    erasure_id = secrets.token_hex(16)
    with uow:
        person, account = own_data_of(uow, actor, person_id, "erased")
        _check_confirmation(actor, person, account, confirm)
        rows = uow.erasure.erase(_whose(person, account))
        uow.record(
            AuditEvent(
                at=datetime.combine(on, time(0), tzinfo=UTC),  # the date, not the moment
                actor_user_id=None,
                actor="console" if actor.user_id is None else "the person themselves",
                role="console" if actor.user_id is None else "walker",
                via=actor.via,
                client=None,
                person_id=None,
                clinic_id=None,
                action=ACTION,
                detail=erasure_id,
            )
        )
        uow.commit()
    scrubbed = uow.scrub_freed_space(sorted(rows))
    return Erased(erasure_id, on, rows, scrubbed)


def own_data_of(
    uow: UnitOfWork, actor: Actor, person_id: int | None, doing: str
) -> tuple[Person | None, StoredUser | None]:
    """The program and the account that an erasure or the person's own export ("erased",
    "exported") is about, once the actor may do it; for the use cases, in their open unit of
    work. The walker: their own (`person_id` None or theirs); the console: any program, by id;
    anyone else: the not-found of a program they cannot see."""
    if actor.user_id is None:  # the console: any program of its database, by id
        if person_id is None:
            raise InvalidInputError(f"say whose program is to be {doing}", field="person")
        person = person_for(uow, actor, person_id, write=True)
        return person, uow.users.by_person(person_id)
    account = uow.users.get(actor.user_id)
    if account is None or account.role != "walker":
        if person_id is not None:  # a clinician, linked or not: as if there were no program
            raise hidden(person_id)
        if account is None:
            raise NotFoundError("this account no longer exists", kind="account")
        raise ForbiddenError(
            f"only a walker's own account and program can be {doing} here; a clinician's "
            "account is looked after by whoever runs this walkrx"
        )
    if person_id is not None and person_id != account.person_id:
        raise hidden(person_id)
    if account.person_id is None:  # signed up, no program yet: the account alone
        return None, account
    return person_for(uow, actor, account.person_id, write=True), account


def _whose(person: Person | None, account: StoredUser | None) -> Whose:
    return Whose(
        person_id=None if person is None else person.id,
        user_id=None if account is None else account.id,
        email=None if account is None else account.email,
    )


def _check_confirmation(
    actor: Actor, person: Person | None, account: StoredUser | None, confirm: str
) -> None:
    given = confirm.strip()
    if actor.user_id is not None:
        if account is None or given.lower() != account.email:
            raise InvalidInputError(
                "to confirm, type your account's e-mail address exactly; nothing was erased",
                field="confirm",
            )
        return
    accepted = set()
    if person is not None:
        accepted |= {person.name, str(person.id)}
    if account is not None:
        accepted.add(account.email)
    if given not in accepted and given.lower() not in accepted:
        raise InvalidInputError(
            "to confirm, give the program's name or id exactly; nothing was erased",
            field="confirm",
        )
