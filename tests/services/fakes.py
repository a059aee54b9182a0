"""A unit of work in memory, for service tests where a database adds nothing (decision 0006).

    uow = FakeUnitOfWork()
    user = accounts.sign_up(uow, email=..., password=..., name=..., role="walker")
    assert uow.committed == 1

It behaves as `walkrx.storage.UnitOfWork` does for the use cases: open it with `with uow:`, call
`commit()` to keep what was done, and leaving the block undoes whatever was not committed. The
same fake may be opened again (a new transaction over what was committed), unlike the real one,
so a test can hand one object to several use cases and read `committed` (how many commits) and
`data` (what is stored) afterwards.

The repositories keep the records the real ones return (people, walks, check-ins, clearings,
users, sessions, API tokens, care links, sign-in attempts) with the same methods and the same
visible rules: ids from 1, one shared sequence for a person's check-ins and clearings, unique
names and e-mail addresses (`ConflictError`), a deleted person takes their records along and
leaves their account without a program. Source files are not kept.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from walkrx.domain.model import CheckIn, Diary, FlagClearing, Person, Walk, ZoneSettings
from walkrx.errors import ConflictError, InvalidInputError, NotFoundError
from walkrx.storage.accounts import (
    RecentFailures,
    StoredApiToken,
    StoredLink,
    StoredSession,
    StoredUser,
)
from walkrx.storage.clinic import AuditEvent, StoredAlert
from walkrx.storage.panel import PersonStatus


@dataclass
class FakeData:
    """Everything stored; records are frozen dataclasses, keyed by id."""

    people: dict[int, Person] = field(default_factory=dict)
    walks: dict[int, tuple[int, Walk]] = field(default_factory=dict)
    superseded: dict[int, int | None] = field(default_factory=dict)
    checkins: dict[int, tuple[int, CheckIn]] = field(default_factory=dict)
    clearings: dict[int, tuple[int, FlagClearing]] = field(default_factory=dict)
    users: dict[int, StoredUser] = field(default_factory=dict)
    pending_flags: dict[int, tuple[tuple[str, ...], date | None]] = field(default_factory=dict)
    sessions: dict[int, tuple[str, StoredSession]] = field(default_factory=dict)
    api_tokens: dict[int, tuple[str, StoredApiToken]] = field(default_factory=dict)
    links: dict[int, StoredLink] = field(default_factory=dict)
    link_codes: dict[str, int] = field(default_factory=dict)  # code digest -> link id
    login_attempts: list[tuple[str, str, bool, datetime]] = field(default_factory=list)
    audit: list[AuditEvent] = field(default_factory=list)
    alerts: dict[int, StoredAlert] = field(default_factory=dict)
    statuses: dict[int, PersonStatus] = field(default_factory=dict)
    entry_keys: dict[tuple[str, int, str], int] = field(default_factory=dict)  # -> record id
    next_id: int = 0

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def next_seq(self, person_id: int) -> int:
        seqs = [c.seq for p, c in self.checkins.values() if p == person_id]
        seqs += [c.seq for p, c in self.clearings.values() if p == person_id]
        return max(seqs, default=0) + 1


class _Repository:
    def __init__(self, data: Callable[[], FakeData]) -> None:
        self._data = data

    @property
    def d(self) -> FakeData:
        return self._data()


class FakePeople(_Repository):
    def add(self, person: Person) -> Person:
        if self.by_name(person.name) is not None:
            raise ConflictError(f"person {person.name!r} already exists")
        stored = dataclasses.replace(person, id=self.d.new_id())
        assert stored.id is not None
        self.d.people[stored.id] = stored
        return stored

    def get(self, person_id: int) -> Person | None:
        return self.d.people.get(person_id)

    def by_name(self, name: str) -> Person | None:
        return next((p for p in self.d.people.values() if p.name == name), None)

    def list(self) -> list[Person]:
        return sorted(self.d.people.values(), key=lambda p: p.name)

    def update(self, person: Person) -> Person:
        self._existing(person.id)
        assert person.id is not None
        self.d.people[person.id] = person
        return person

    def lock(self, person_id: int) -> None:
        self._existing(person_id)

    def delete(self, person_id: int) -> None:
        self._existing(person_id)
        del self.d.people[person_id]
        for table in (self.d.walks, self.d.checkins, self.d.clearings):
            for key in [k for k, row in table.items() if row[0] == person_id]:
                del table[key]
        for walk_id in [k for k in self.d.superseded if k not in self.d.walks]:
            del self.d.superseded[walk_id]
        for user in list(self.d.users.values()):
            if user.person_id == person_id:
                self.d.users[user.id] = dataclasses.replace(user, person_id=None)

    def add_zone_settings(self, person_id: int, settings: ZoneSettings) -> None:
        person = self._existing(person_id)
        zones = [z for z in person.zones if z.effective != settings.effective] + [settings]
        self.d.people[person_id] = dataclasses.replace(
            person, zones=tuple(sorted(zones, key=lambda z: z.effective))
        )

    def _existing(self, person_id: int | None) -> Person:
        found = None if person_id is None else self.d.people.get(person_id)
        if found is None:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        return found


class FakeWalks(_Repository):
    def add(
        self,
        person_id: int,
        walk: Walk,
        source_file_id: int | None = None,
        activity_index: int | None = None,
        entry_key: str | None = None,
    ) -> Walk:
        if person_id not in self.d.people:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        if entry_key is not None and ("walk", person_id, entry_key) in self.d.entry_keys:
            raise ConflictError(f"walk with key {entry_key} already stored")
        stored = dataclasses.replace(walk, id=self.d.new_id())
        assert stored.id is not None
        self.d.walks[stored.id] = (person_id, stored)
        self.d.superseded[stored.id] = None
        if entry_key is not None:
            self.d.entry_keys["walk", person_id, entry_key] = stored.id
        return stored

    def by_entry_key(self, person_id: int, entry_key: str) -> Walk | None:
        walk_id = self.d.entry_keys.get(("walk", person_id, entry_key))
        return None if walk_id is None else self.get(person_id, walk_id)

    def get(self, person_id: int, walk_id: int) -> Walk | None:
        row = self.d.walks.get(walk_id)
        return row[1] if row is not None and row[0] == person_id else None

    def list(
        self, person_id: int, include_superseded: bool = False, include_unconfirmed: bool = False
    ) -> list[Walk]:
        walks = [
            walk
            for owner, walk in self.d.walks.values()
            if owner == person_id
            and (include_superseded or self.d.superseded.get(walk.id or 0) is None)
            and (include_unconfirmed or walk.counted)
        ]
        return sorted(walks, key=lambda w: (w.start, w.id or 0))

    def update(self, person_id: int, walk: Walk) -> Walk:
        self._existing(person_id, walk.id)
        assert walk.id is not None
        self.d.walks[walk.id] = (person_id, walk)
        return walk

    def delete(self, person_id: int, walk_id: int) -> None:
        self._existing(person_id, walk_id)
        del self.d.walks[walk_id]
        for other, by in list(self.d.superseded.items()):
            if by == walk_id:
                self.d.superseded[other] = None

    def mark_superseded(self, person_id: int, walk_id: int, by_walk_id: int | None) -> None:
        self._existing(person_id, walk_id)
        if by_walk_id is not None:
            if by_walk_id == walk_id:
                raise InvalidInputError(f"walk {walk_id} cannot supersede itself")
            self._existing(person_id, by_walk_id)
        self.d.superseded[walk_id] = by_walk_id

    def superseded_by(self, person_id: int, walk_id: int) -> int | None:
        self._existing(person_id, walk_id)
        return self.d.superseded.get(walk_id)

    def _existing(self, person_id: int, walk_id: int | None) -> Walk:
        found = None if walk_id is None else self.get(person_id, walk_id)
        if found is None:
            raise NotFoundError(f"no walk {walk_id} for person {person_id}", kind="walk")
        return found


class FakeCheckIns(_Repository):
    def add(self, person_id: int, checkin: CheckIn, entry_key: str | None = None) -> CheckIn:
        if person_id not in self.d.people:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        if entry_key is not None and ("checkin", person_id, entry_key) in self.d.entry_keys:
            raise ConflictError(f"check-in with key {entry_key} already stored")
        stored = dataclasses.replace(checkin, id=self.d.new_id(), seq=self.d.next_seq(person_id))
        assert stored.id is not None
        self.d.checkins[stored.id] = (person_id, stored)
        if entry_key is not None:
            self.d.entry_keys["checkin", person_id, entry_key] = stored.id
        return stored

    def by_entry_key(self, person_id: int, entry_key: str) -> CheckIn | None:
        checkin_id = self.d.entry_keys.get(("checkin", person_id, entry_key))
        row = None if checkin_id is None else self.d.checkins.get(checkin_id)
        return row[1] if row is not None and row[0] == person_id else None

    def list(self, person_id: int) -> list[CheckIn]:
        found = [c for p, c in self.d.checkins.values() if p == person_id]
        return sorted(found, key=lambda c: c.seq)


class FakeClearings(_Repository):
    def add(self, person_id: int, clearing: FlagClearing) -> FlagClearing:
        if person_id not in self.d.people:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        stored = dataclasses.replace(clearing, id=self.d.new_id(), seq=self.d.next_seq(person_id))
        assert stored.id is not None
        self.d.clearings[stored.id] = (person_id, stored)
        return stored

    def list(self, person_id: int) -> list[FlagClearing]:
        found = [c for p, c in self.d.clearings.values() if p == person_id]
        return sorted(found, key=lambda c: c.seq)


class FakeUsers(_Repository):
    def add(self, *, email: str, name: str, role: str, password_hash: str) -> StoredUser:
        if self.by_email(email) is not None:
            raise ConflictError(f"an account for {email} already exists")
        user = StoredUser(
            id=self.d.new_id(),
            email=email,
            name=name,
            role=role,
            password_hash=password_hash,
            person_id=None,
            created_at=datetime.now(UTC),
        )
        self.d.users[user.id] = user
        return user

    def get(self, user_id: int) -> StoredUser | None:
        return self.d.users.get(user_id)

    def by_email(self, email: str) -> StoredUser | None:
        return next((u for u in self.d.users.values() if u.email == email), None)

    def by_person(self, person_id: int) -> StoredUser | None:
        return next((u for u in self.d.users.values() if u.person_id == person_id), None)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._change(user_id, password_hash=password_hash)

    def set_pending_flags(self, user_id: int, codes: tuple[str, ...], day: date | None) -> None:
        self.d.pending_flags[user_id] = (codes, day)

    def pending_flags(self, user_id: int) -> tuple[tuple[str, ...], date | None]:
        codes, day = self.d.pending_flags.get(user_id, ((), None))
        return (codes, day) if codes else ((), None)

    def set_person(self, user_id: int, person_id: int | None) -> StoredUser:
        if person_id is not None and person_id not in self.d.people:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        if person_id is not None and self.by_person(person_id) not in (None, self.get(user_id)):
            raise ConflictError(f"person {person_id} is another account's program")
        return self._change(user_id, person_id=person_id)

    def _change(self, user_id: int, **changes: Any) -> StoredUser:
        user = dataclasses.replace(self.d.users[user_id], **changes)
        self.d.users[user_id] = user
        return user


class FakeSessions(_Repository):
    def add(
        self,
        *,
        user_id: int,
        token_sha256: str,
        csrf_secret: str,
        now: datetime,
        expires_at: datetime,
    ) -> StoredSession:
        session = StoredSession(self.d.new_id(), user_id, csrf_secret, now, now, expires_at)
        self.d.sessions[session.id] = (token_sha256, session)
        return session

    def by_token(self, token_sha256: str) -> StoredSession | None:
        return next((s for t, s in self.d.sessions.values() if t == token_sha256), None)

    def touch(self, session_id: int, now: datetime, expires_at: datetime) -> None:
        digest, session = self.d.sessions[session_id]
        self.d.sessions[session_id] = (
            digest,
            dataclasses.replace(session, last_seen_at=now, expires_at=expires_at),
        )

    def delete(self, token_sha256: str) -> None:
        for key in [k for k, (t, _) in self.d.sessions.items() if t == token_sha256]:
            del self.d.sessions[key]


class FakeApiTokens(_Repository):
    def add(self, *, user_id: int, label: str, token_sha256: str, now: datetime) -> StoredApiToken:
        token = StoredApiToken(self.d.new_id(), user_id, label, now, None)
        self.d.api_tokens[token.id] = (token_sha256, token)
        return token

    def active_by_token(self, token_sha256: str) -> StoredApiToken | None:
        return next(
            (t for d, t in self.d.api_tokens.values() if d == token_sha256 and not t.revoked_at),
            None,
        )

    def list_active(self, user_id: int) -> list[StoredApiToken]:
        found = [t for _, t in self.d.api_tokens.values() if t.user_id == user_id]
        return sorted((t for t in found if t.revoked_at is None), key=lambda t: t.id)

    def revoke(self, user_id: int, token_id: int, now: datetime) -> bool:
        row = self.d.api_tokens.get(token_id)
        if row is None or row[1].user_id != user_id or row[1].revoked_at is not None:
            return False
        self.d.api_tokens[token_id] = (row[0], dataclasses.replace(row[1], revoked_at=now))
        return True


class FakeLinks(_Repository):
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
        link = StoredLink(
            self.d.new_id(),
            clinician_id,
            patient_email,
            None,
            "pending",
            now,
            None,
            has_code=code_sha256 is not None,
            expires_at=expires_at,
            clinic_id=clinic_id,
        )
        self.d.links[link.id] = link
        if code_sha256 is not None:
            self.d.link_codes[code_sha256] = link.id
        return link

    def get(self, link_id: int) -> StoredLink | None:
        return self.d.links.get(link_id)

    def by_code(self, code_sha256: str) -> StoredLink | None:
        link_id = self.d.link_codes.get(code_sha256)
        return None if link_id is None else self.d.links[link_id]

    def between(
        self, clinician_id: int, patient_email: str, statuses: tuple[str, ...]
    ) -> list[StoredLink]:
        return sorted(
            (
                link
                for link in self.d.links.values()
                if link.clinician_id == clinician_id
                and link.patient_email == patient_email
                and link.status in statuses
            ),
            key=lambda link: link.id,
        )

    def sent_by(self, clinician_id: int) -> list[tuple[StoredLink, int | None]]:
        sent = [link for link in self.d.links.values() if link.clinician_id == clinician_id]
        sent.sort(key=lambda link: (link.created_at, link.id), reverse=True)
        return [
            (link, self._person_of(link) if link.status == "accepted" else None) for link in sent
        ]

    def pending_for(self, patient_email: str) -> list[StoredLink]:
        return sorted(
            (
                link
                for link in self.d.links.values()
                if link.patient_email == patient_email and link.status == "pending"
            ),
            key=lambda link: (link.created_at, link.id),
        )

    def answer(
        self, link_id: int, *, status: str, patient_user_id: int | None, now: datetime
    ) -> StoredLink:
        link = dataclasses.replace(
            self.d.links[link_id], status=status, patient_user_id=patient_user_id, answered_at=now
        )
        self.d.links[link_id] = link
        return link

    def revoke(self, clinician_id: int, patient_user_id: int) -> int:
        revoked = 0
        for link in list(self.d.links.values()):
            if (link.clinician_id, link.patient_user_id, link.status) == (
                clinician_id,
                patient_user_id,
                "accepted",
            ):
                self.d.links[link.id] = dataclasses.replace(link, status="revoked")
                revoked += 1
        return revoked

    def clinician_ids_of(self, patient_user_id: int) -> list[int]:
        return sorted(
            {
                link.clinician_id
                for link in self.d.links.values()
                if link.patient_user_id == patient_user_id
                and link.status == "accepted"
                and link.clinic_id is None
            }
        )

    def clinicians(self, patient_user_id: int) -> list[StoredUser]:
        found = [self.d.users[i] for i in self.clinician_ids_of(patient_user_id)]
        return sorted(found, key=lambda user: (user.name, user.id))

    def patient_person_ids(self, clinician_id: int) -> list[int]:
        ids = {
            self._person_of(link)
            for link in self.d.links.values()
            if link.clinician_id == clinician_id
            and link.status == "accepted"
            and link.clinic_id is None
        }
        return sorted(i for i in ids if i is not None)

    def links_person(self, clinician_id: int, person_id: int) -> bool:
        return any(
            link.clinician_id == clinician_id
            and link.status == "accepted"
            and link.clinic_id is None
            and (patient := self.d.users.get(link.patient_user_id or 0)) is not None
            and patient.role == "walker"
            and patient.person_id == person_id
            for link in self.d.links.values()
        )

    def _person_of(self, link: StoredLink) -> int | None:
        patient = self.d.users.get(link.patient_user_id or 0)
        return None if patient is None else patient.person_id


class FakeLoginAttempts(_Repository):
    def add(self, *, email: str, client: str, succeeded: bool, at: datetime) -> None:
        self.d.login_attempts.append((email, client, succeeded, at))

    def delete_before(self, cutoff: datetime) -> int:
        kept = [a for a in self.d.login_attempts if a[3] >= cutoff]
        deleted = len(self.d.login_attempts) - len(kept)
        self.d.login_attempts[:] = kept
        return deleted

    def hold(self, email: str, client: str) -> None:
        pass  # one thread at a time: nothing to wait for

    def last_success(self, *, email: str, client: str) -> datetime | None:
        times = [a[3] for a in self.d.login_attempts if a[0] == email and a[1] == client and a[2]]
        return max(times, default=None)

    def failures(
        self, *, since: datetime, email: str | None = None, client: str | None = None
    ) -> RecentFailures:
        times = [
            a[3]
            for a in self.d.login_attempts
            if not a[2]
            and a[3] > since
            and (email is None or a[0] == email)
            and (client is None or a[1] == client)
        ]
        return RecentFailures(len(times), max(times, default=None))


class FakeClinics(_Repository):
    """No clinics in memory: access comes from care links alone."""

    def clinic_of_shared(self, user_id: int, person_id: int) -> int | None:
        return None


class FakeAudit(_Repository):
    def add(self, event: AuditEvent) -> None:
        self.d.audit.append(event)

    def of_person(self, person_id: int, *, limit: int = 100, offset: int = 0) -> list[AuditEvent]:
        found = [e for e in reversed(self.d.audit) if e.person_id == person_id]
        return found[offset : offset + limit]


class FakeAlerts(_Repository):
    def raise_once(
        self,
        person_id: int,
        *,
        kind: str,
        key: str,
        day: date,
        now: datetime,
        walk_id: int | None = None,
        checkin_id: int | None = None,
        codes: tuple[str, ...] | list[str] = (),
    ) -> bool:
        if any(a.person_id == person_id and a.key == key for a in self.d.alerts.values()):
            return False
        new = self.d.new_id()
        self.d.alerts[new] = StoredAlert(
            new, person_id, kind, key, day, walk_id, checkin_id, tuple(codes), now, None, None
        )
        return True

    def of_person(self, person_id: int, *, open_only: bool = False) -> list[StoredAlert]:
        found = [
            a
            for a in self.d.alerts.values()
            if a.person_id == person_id and (a.acked_at is None or not open_only)
        ]
        return sorted(found, key=lambda a: (a.day, a.id), reverse=True)

    def open_count(self, person_id: int) -> int:
        return len(self.of_person(person_id, open_only=True))

    def close_stale(self, person_id: int, kind: str, *, keep: str | None, now: datetime) -> int:
        stale = [
            a for a in self.of_person(person_id, open_only=True) if a.kind == kind and a.key != keep
        ]
        for a in stale:
            self.d.alerts[a.id] = replace(a, acked_at=now)
        return len(stale)


class FakeStatuses(_Repository):
    def put(self, status: PersonStatus, now: datetime) -> None:
        self.d.statuses[status.person_id] = status

    def get(self, person_id: int) -> PersonStatus | None:
        return self.d.statuses.get(person_id)


class FakeUnitOfWork:
    """`walkrx.storage.UnitOfWork` in memory: `with uow:`, `commit()`, rollback on leaving."""

    def __init__(self, data: FakeData | None = None) -> None:
        self.data = data or FakeData()  # what is committed
        self.committed = 0  # how many times commit() was called
        self._working: FakeData | None = None
        current = self._current
        self.people = FakePeople(current)
        self.walks = FakeWalks(current)
        self.checkins = FakeCheckIns(current)
        self.clearings = FakeClearings(current)
        self.users = FakeUsers(current)
        self.sessions = FakeSessions(current)
        self.api_tokens = FakeApiTokens(current)
        self.links = FakeLinks(current)
        self.login_attempts = FakeLoginAttempts(current)
        self.clinics = FakeClinics(current)
        self.audit = FakeAudit(current)
        self.alerts = FakeAlerts(current)
        self.statuses = FakeStatuses(current)
        self._pending: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        """As the real one: kept with the commit, or on leaving a read without an error."""
        self._pending.append(event)

    def read(self) -> FakeUnitOfWork:
        """A read-only transaction: the same thing in memory (no locks to spare)."""
        return self

    def __enter__(self) -> FakeUnitOfWork:
        if self._working is not None:
            raise RuntimeError("this unit of work is already open")
        self._working = copy.deepcopy(self.data)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._working = None  # whatever was not committed is forgotten
        if exc is None and self._pending:  # an access by someone else is kept even on a read
            self.data.audit.extend(self._pending)
        self._pending = []

    def commit(self) -> None:
        self._current().audit.extend(self._pending)
        self._pending = []
        self.data = copy.deepcopy(self._current())
        self.committed += 1

    def rollback(self) -> None:
        self._working = copy.deepcopy(self.data)

    def diary(self, person_id: int) -> Diary:
        person = self.people.get(person_id)
        if person is None:
            raise NotFoundError(f"no person with id {person_id}", kind="person")
        return Diary(
            person=person,
            walks=tuple(self.walks.list(person_id)),
            checkins=tuple(self.checkins.list(person_id)),
            clearings=tuple(self.clearings.list(person_id)),
        )

    def _current(self) -> FakeData:
        if self._working is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._working
