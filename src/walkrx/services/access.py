"""Who is acting, and whether they may act on a person: decided inside the use case's transaction.

Every use case that reads or changes a person's data takes an `Actor` and a `person_id` and calls
`person_for(uow, actor, person_id, write=...)` first, in the same unit of work as the rest of the
use case, so a link revoked a moment ago is seen and nothing is read or written for someone who
may not (decision 0006). The command line acts as `Actor.console()`: whoever can open the database
file owns every program in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from walkrx.domain.model import Person
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.storage import UnitOfWork
from walkrx.storage.clinic import AuditEvent

CONSOLE = "console"
SESSION = "session"
API_TOKEN = "token"  # noqa: S105 (a kind of access, not a secret)


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user (by session or API token) or the console's owner."""

    user_id: int | None  # None for the console
    via: str  # CONSOLE | SESSION | API_TOKEN
    client: str | None = None  # the client's address, when known

    @classmethod
    def console(cls) -> Actor:
        return cls(None, CONSOLE)

    @classmethod
    def user(cls, user_id: int, *, via: str = SESSION, client: str | None = None) -> Actor:
        return cls(user_id, via, client)


def hidden(person_id: int) -> NotFoundError:
    """The one answer for a program that does not exist and one that is not the actor's."""
    return NotFoundError(
        f"no program {person_id} is yours to see; choose your own program or one of your patients",
        kind="program",
    )


def person_for(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    *,
    write: bool,
    action: str | None = None,
    now: datetime | None = None,
) -> Person:
    """The person `actor` may act on, loaded in the caller's unit of work.

    The console may act on anyone in its database. A walker may read and write their own program;
    a clinician the programs of their accepted, unrevoked patients and of the patients of every
    clinic they belong to now (adjusting, clearing flags, adding check-ins). `write` is checked
    against the same rule today; it is part of the signature so that a read-only role needs no
    new interface. Anything else raises the same `NotFoundError` as a program that does not exist.

    Every access by someone other than the person goes on the audit trail (issue 11): who, in
    which role, by which way (session or API token), from which client, what (`action`, a stable
    code; by default `read` or `change`), and through which clinic, if any. The console's own
    commands are not recorded: whoever runs them owns the database file.
    """
    clinic_id: int | None = None
    role = ""
    email = ""
    if actor.user_id is not None:
        stored = uow.users.get(actor.user_id)
        allowed = False
        if stored is not None and stored.role == "walker":
            allowed = stored.person_id == person_id
        elif stored is not None and stored.role == "clinician":
            clinic_id = uow.clinics.clinic_of_shared(stored.id, person_id)
            allowed = clinic_id is not None or uow.links.links_person(stored.id, person_id)
        if not allowed or stored is None:
            raise hidden(person_id)
        role, email = stored.role, stored.email
    person = uow.people.get(person_id)
    if person is None:
        raise hidden(person_id)
    if actor.user_id is not None and role != "walker":
        uow.record(
            AuditEvent(
                at=now or datetime.now(UTC),
                actor_user_id=actor.user_id,
                actor=email,
                role=role,
                via=actor.via,
                client=actor.client,
                person_id=person_id,
                clinic_id=clinic_id,
                action=action or ("change" if write else "read"),
            )
        )
    return person


def resolve_person_id(uow: UnitOfWork, ref: str | None) -> int:
    """The id of the person named by `ref` (a name or an id), or of the only person there is.

    For the command line's `--person` (names can never be all digits, so digits are an id).
    """
    with uow:
        if ref is not None:
            found = uow.people.get(int(ref)) if ref.isdigit() else uow.people.by_name(ref)
            if found is not None and found.id is not None:
                return found.id
        people = uow.people.list()
        if ref is None:
            if len(people) == 1 and people[0].id is not None:
                return people[0].id
            if not people:
                raise NotFoundError("this database has no program yet", kind="any_program")
            names = ", ".join(p.name for p in people)
            raise InvalidInputError(
                f"this database holds {len(people)} people ({names}): say whose program",
                field="person",
            )
        known = ", ".join(p.name for p in people) or "none yet"
        raise NotFoundError(
            f"no person called '{ref}' in this database (people: {known})", kind="person"
        )
