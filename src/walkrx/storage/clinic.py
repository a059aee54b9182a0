"""Repositories of the clinic (issue 11): clinics with their members and patients, who may see a
program, alerts and their acknowledgement, the audit trail, the panel's status lines and program
pauses. Rows never leave this module: callers get the frozen records below.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, delete, func, insert, select, union
from sqlalchemy.orm import Session

from walkrx.storage.mapping import utc
from walkrx.storage.rows import (
    AlertRow,
    AuditEventRow,
    CareLinkRow,
    ClinicMemberRow,
    ClinicPatientRow,
    ClinicRow,
    UserRow,
)

ROLES = ("clinician", "admin")


@dataclass(frozen=True)
class Clinic:
    id: int
    name: str


@dataclass(frozen=True)
class Member:
    """A clinic member: an account with its role in the clinic."""

    clinic_id: int
    user_id: int
    email: str
    name: str
    role: str  # clinician | admin
    added_at: datetime


@dataclass(frozen=True)
class StoredAlert:
    id: int
    person_id: int
    kind: str
    key: str
    day: date
    walk_id: int | None
    checkin_id: int | None
    codes: tuple[str, ...]
    raised_at: datetime
    acked_by_name: str | None
    acked_at: datetime | None


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor_user_id: int | None
    actor: str  # the account's e-mail address, or "console"
    role: str  # walker | clinician | admin | console
    via: str  # session | token | console
    client: str | None
    person_id: int | None
    clinic_id: int | None
    action: str  # a stable code: view_program, log_walk, adjust_program, ...
    detail: str = ""
    id: int | None = None


def _clinic(row: ClinicRow) -> Clinic:
    return Clinic(row.id, row.name)


class ClinicsRepository:
    """Clinics, their members (clinicians, administrators) and their patients."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, name: str) -> Clinic:
        row = ClinicRow(name=name)
        self._session.add(row)
        self._session.flush()
        return _clinic(row)

    def get(self, clinic_id: int) -> Clinic | None:
        row = self._session.get(ClinicRow, clinic_id)
        return None if row is None else _clinic(row)

    def by_name(self, name: str) -> Clinic | None:
        row = self._session.scalar(select(ClinicRow).where(ClinicRow.name == name))
        return None if row is None else _clinic(row)

    def of_member(self, user_id: int) -> builtins.list[tuple[Clinic, str]]:
        """The clinics an account belongs to now, with its role in each."""
        rows = self._session.execute(
            select(ClinicRow, ClinicMemberRow.role)
            .join(ClinicMemberRow, ClinicMemberRow.clinic_id == ClinicRow.id)
            .where(ClinicMemberRow.user_id == user_id, ClinicMemberRow.removed_at.is_(None))
            .order_by(ClinicRow.name)
        ).all()
        return [(_clinic(row), role) for row, role in rows]

    def role_of(self, clinic_id: int, user_id: int) -> str | None:
        """The account's role in the clinic now (None: not a member, or removed)."""
        return self._session.scalar(
            select(ClinicMemberRow.role).where(
                ClinicMemberRow.clinic_id == clinic_id,
                ClinicMemberRow.user_id == user_id,
                ClinicMemberRow.removed_at.is_(None),
            )
        )

    def members(self, clinic_id: int) -> builtins.list[Member]:
        rows = self._session.execute(
            select(ClinicMemberRow, UserRow.email, UserRow.name)
            .join(UserRow, UserRow.id == ClinicMemberRow.user_id)
            .where(ClinicMemberRow.clinic_id == clinic_id, ClinicMemberRow.removed_at.is_(None))
            .order_by(UserRow.name, UserRow.id)
        ).all()
        return [
            Member(row.clinic_id, row.user_id, email, name, row.role, row.added_at)
            for row, email, name in rows
        ]

    def set_member(self, clinic_id: int, user_id: int, role: str, now: datetime) -> None:
        """Add an account to the clinic (or give it back its membership, with this role)."""
        assert role in ROLES, role
        row = self._session.scalar(
            select(ClinicMemberRow).where(
                ClinicMemberRow.clinic_id == clinic_id, ClinicMemberRow.user_id == user_id
            )
        )
        if row is None:
            self._session.add(
                ClinicMemberRow(
                    clinic_id=clinic_id, user_id=user_id, role=role, added_at=utc(now, "now")
                )
            )
        else:
            if row.removed_at is not None:  # back after a removal: a membership from now
                row.removed_at, row.added_at = None, utc(now, "now")
            row.role = role
        self._session.flush()

    def remove_member(self, clinic_id: int, user_id: int, now: datetime) -> bool:
        """End a membership at once; False when there was none."""
        row = self._session.scalar(
            select(ClinicMemberRow).where(
                ClinicMemberRow.clinic_id == clinic_id,
                ClinicMemberRow.user_id == user_id,
                ClinicMemberRow.removed_at.is_(None),
            )
        )
        if row is None:
            return False
        row.removed_at = utc(now, "now")
        self._session.flush()
        return True

    def join(self, clinic_id: int, person_id: int, now: datetime) -> None:
        """A walker's program is followed by the clinic from now on."""
        row = self._session.scalar(
            select(ClinicPatientRow).where(
                ClinicPatientRow.clinic_id == clinic_id, ClinicPatientRow.person_id == person_id
            )
        )
        if row is None:
            self._session.add(
                ClinicPatientRow(
                    clinic_id=clinic_id, person_id=person_id, joined_at=utc(now, "now")
                )
            )
        else:
            row.left_at = None
        self._session.flush()

    def leave(self, clinic_id: int, person_id: int, now: datetime) -> bool:
        """The walker stops sharing with the clinic; False when they were not sharing."""
        row = self._session.scalar(
            select(ClinicPatientRow).where(
                ClinicPatientRow.clinic_id == clinic_id,
                ClinicPatientRow.person_id == person_id,
                ClinicPatientRow.left_at.is_(None),
            )
        )
        if row is None:
            return False
        row.left_at = utc(now, "now")
        self._session.flush()
        return True

    def of_patient(self, person_id: int) -> builtins.list[Clinic]:
        """The clinics a program is shared with now."""
        rows = self._session.scalars(
            select(ClinicRow)
            .join(ClinicPatientRow, ClinicPatientRow.clinic_id == ClinicRow.id)
            .where(ClinicPatientRow.person_id == person_id, ClinicPatientRow.left_at.is_(None))
            .order_by(ClinicRow.name)
        )
        return [_clinic(row) for row in rows]

    def patient_count(self, clinic_id: int) -> int:
        return int(
            self._session.scalar(
                select(func.count()).where(
                    ClinicPatientRow.clinic_id == clinic_id, ClinicPatientRow.left_at.is_(None)
                )
            )
            or 0
        )

    def clinic_of_shared(self, user_id: int, person_id: int) -> int | None:
        """A clinic through which this member sees this program now (None: no such clinic)."""
        return self._session.scalar(
            select(ClinicPatientRow.clinic_id)
            .join(
                ClinicMemberRow,
                and_(
                    ClinicMemberRow.clinic_id == ClinicPatientRow.clinic_id,
                    ClinicMemberRow.user_id == user_id,
                    ClinicMemberRow.removed_at.is_(None),
                ),
            )
            .where(ClinicPatientRow.person_id == person_id, ClinicPatientRow.left_at.is_(None))
            .order_by(ClinicPatientRow.clinic_id)
            .limit(1)
        )


def visible_people(user_id: int) -> Select[tuple[int]]:
    """The person ids a clinician may see: accepted links of their own, and the patients of
    every clinic they belong to now (one subquery, whatever the caseload)."""
    linked = (
        select(UserRow.person_id.label("person_id"))
        .join(CareLinkRow, CareLinkRow.patient_user_id == UserRow.id)
        .where(
            CareLinkRow.clinician_id == user_id,
            CareLinkRow.status == "accepted",
            CareLinkRow.clinic_id.is_(None),
            UserRow.person_id.is_not(None),
        )
    )
    shared = (
        select(ClinicPatientRow.person_id.label("person_id"))
        .join(ClinicMemberRow, ClinicMemberRow.clinic_id == ClinicPatientRow.clinic_id)
        .where(
            ClinicMemberRow.user_id == user_id,
            ClinicMemberRow.removed_at.is_(None),
            ClinicPatientRow.left_at.is_(None),
        )
    )
    both = union(linked, shared).subquery()
    return select(both.c.person_id)


def _alert(row: AlertRow) -> StoredAlert:
    return StoredAlert(
        row.id,
        row.person_id,
        row.kind,
        row.key,
        row.day,
        row.walk_id,
        row.checkin_id,
        tuple(json.loads(row.codes or "[]")),
        row.raised_at,
        row.acked_by_name,
        row.acked_at,
    )


class AlertsRepository:
    """Alerts raised once per event (their `key`), open until a clinician acknowledges them."""

    def __init__(self, session: Session) -> None:
        self._session = session

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
        codes: Sequence[str] = (),
    ) -> bool:
        """Store an alert unless the same event (`key`) was raised before; True if it is new."""
        known = self._session.scalar(
            select(AlertRow.id).where(AlertRow.person_id == person_id, AlertRow.key == key)
        )
        if known is not None:
            return False
        self._session.add(
            AlertRow(
                person_id=person_id,
                kind=kind,
                key=key,
                day=day,
                walk_id=walk_id,
                checkin_id=checkin_id,
                codes=json.dumps(list(codes)),
                raised_at=utc(now, "now"),
            )
        )
        self._session.flush()
        return True

    def of_person(self, person_id: int, *, open_only: bool = False) -> builtins.list[StoredAlert]:
        """A person's alerts, newest first."""
        query = select(AlertRow).where(AlertRow.person_id == person_id)
        if open_only:
            query = query.where(AlertRow.acked_at.is_(None))
        rows = self._session.scalars(query.order_by(AlertRow.day.desc(), AlertRow.id.desc()))
        return [_alert(row) for row in rows]

    def open_of(self, person_ids: Sequence[int]) -> builtins.list[StoredAlert]:
        """The open alerts of several people at once (a panel page), newest first."""
        if not person_ids:
            return []
        rows = self._session.scalars(
            select(AlertRow)
            .where(AlertRow.person_id.in_(list(person_ids)), AlertRow.acked_at.is_(None))
            .order_by(AlertRow.day.desc(), AlertRow.id.desc())
        )
        return [_alert(row) for row in rows]

    def open_count(self, person_id: int) -> int:
        return int(
            self._session.scalar(
                select(func.count()).where(
                    AlertRow.person_id == person_id, AlertRow.acked_at.is_(None)
                )
            )
            or 0
        )

    def close_stale(self, person_id: int, kind: str, *, keep: str | None, now: datetime) -> int:
        """Close the person's open alerts of `kind` except the one keyed `keep` (the event is
        over: a person who stopped logging logged again); closed by walkrx, so no one's name."""
        rows = self._session.scalars(
            select(AlertRow).where(
                AlertRow.person_id == person_id,
                AlertRow.kind == kind,
                AlertRow.acked_at.is_(None),
                AlertRow.key != (keep or ""),
            )
        ).all()
        for row in rows:
            row.acked_at = utc(now, "now")
        self._session.flush()
        return len(rows)

    def acknowledge(
        self, person_id: int, alert_id: int, *, user_id: int, name: str, now: datetime
    ) -> StoredAlert | None:
        """Record who acknowledged an alert and when (None: no such alert for this person)."""
        row = self._session.get(AlertRow, alert_id)
        if row is None or row.person_id != person_id:
            return None
        if row.acked_at is None:
            row.acked_by, row.acked_by_name, row.acked_at = user_id, name, utc(now, "now")
            self._session.flush()
        return _alert(row)


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        row.at,
        row.actor_user_id,
        row.actor,
        row.role,
        row.via,
        row.client,
        row.person_id,
        row.clinic_id,
        row.action,
        row.detail,
        row.id,
    )


class AuditRepository:
    """The audit trail: added to, read, and swept past its retention; never changed."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, event: AuditEvent) -> None:
        self.add_all([event])

    def add_all(self, events: Sequence[AuditEvent]) -> None:
        """Append events in one statement (a panel page records one per patient shown)."""
        if not events:
            return
        self._session.execute(
            insert(AuditEventRow),
            [
                {
                    "at": utc(e.at, "at"),
                    "actor_user_id": e.actor_user_id,
                    "actor": e.actor,
                    "role": e.role,
                    "via": e.via,
                    "client": e.client,
                    "person_id": e.person_id,
                    "clinic_id": e.clinic_id,
                    "action": e.action,
                    "detail": e.detail,
                }
                for e in events
            ],
        )

    def of_person(
        self, person_id: int, *, limit: int = 100, offset: int = 0
    ) -> builtins.list[AuditEvent]:
        rows = self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.person_id == person_id)
            .order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_event(row) for row in rows]

    def of_clinic(
        self, clinic_id: int, *, limit: int = 100, offset: int = 0
    ) -> builtins.list[AuditEvent]:
        rows = self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.clinic_id == clinic_id)
            .order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_event(row) for row in rows]

    def delete_before(self, moment: datetime) -> int:
        """The retention sweep: events older than `moment` go (the one delete there is)."""
        result = self._session.execute(
            delete(AuditEventRow).where(AuditEventRow.at < utc(moment, "moment"))
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
