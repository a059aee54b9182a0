"""Repositories of the clinician's panel (issue 11): each program's status line, kept up to date
by the use cases that change it, read a page at a time; and a clinician's pauses of a program.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from walkrx.storage.clinic import visible_people
from walkrx.storage.mapping import utc
from walkrx.storage.rows import PersonRow, PersonStatusRow, ProgramPauseRow


@dataclass(frozen=True)
class PersonStatus:
    """A program's line on the panel, as last computed."""

    person_id: int
    urgency: int
    state: str
    detail: dict[str, object]
    open_alerts: int
    last_logged: date | None
    computed_on: date


@dataclass(frozen=True)
class PanelLine:
    """One patient of a panel page: the program's names and its status (None: never computed)."""

    person_id: int
    name: str
    display_name: str | None
    status: PersonStatus | None


@dataclass(frozen=True)
class Pause:
    id: int
    start: date
    end: date | None
    reason: str
    by: str


def _status(row: PersonStatusRow) -> PersonStatus:
    return PersonStatus(
        row.person_id,
        row.urgency,
        row.state,
        json.loads(row.detail or "{}"),
        row.open_alerts,
        row.last_logged,
        row.computed_on,
    )


class StatusRepository:
    """The panel's status line of each program, and the panel's pages."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, status: PersonStatus, now: datetime) -> None:
        row = self._session.get(PersonStatusRow, status.person_id)
        if row is None:
            row = PersonStatusRow(person_id=status.person_id)
            self._session.add(row)
        row.urgency, row.state = status.urgency, status.state
        row.detail = json.dumps(status.detail, sort_keys=True, default=str)
        row.open_alerts, row.last_logged = status.open_alerts, status.last_logged
        row.computed_on, row.updated_at = status.computed_on, utc(now, "now")
        self._session.flush()

    def get(self, person_id: int) -> PersonStatus | None:
        row = self._session.get(PersonStatusRow, person_id)
        return None if row is None else _status(row)

    def panel(
        self,
        user_id: int,
        *,
        states: Sequence[str] = (),
        with_alerts: bool = False,
        search: str = "",
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[builtins.list[PanelLine], int]:
        """One page of a clinician's patients, most urgent first, and how many match in all.

        `states` keeps only those states (stored codes), or (`with_alerts`) those and any line with
        an open alert; `search` matches the names. Two queries whatever the caseload: the page
        and its count.
        """
        name = func.coalesce(PersonRow.display_name, PersonRow.name)
        query = (
            select(PersonRow.id, PersonRow.name, PersonRow.display_name, PersonStatusRow)
            .outerjoin(PersonStatusRow, PersonStatusRow.person_id == PersonRow.id)
            .where(PersonRow.id.in_(visible_people(user_id)))
        )
        if states and with_alerts:
            query = query.where(
                or_(PersonStatusRow.state.in_(list(states)), PersonStatusRow.open_alerts > 0)
            )
        elif states:
            query = query.where(PersonStatusRow.state.in_(list(states)))
        if search.strip():
            pattern = f"%{search.strip().lower()}%"
            query = query.where(
                or_(func.lower(name).like(pattern), func.lower(PersonRow.name).like(pattern))
            )
        total = self._session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self._session.execute(
            query.order_by(
                func.coalesce(PersonStatusRow.urgency, 0).desc(), func.lower(name), PersonRow.id
            )
            .limit(limit)
            .offset(offset)
        ).all()
        lines = [
            PanelLine(pid, pname, display, None if row is None else _status(row))
            for pid, pname, display, row in rows
        ]
        return lines, int(total)

    def stale(self, today: date, person_ids: Sequence[int]) -> builtins.list[int]:
        """Those of `person_ids` whose line was computed before `today` (or never)."""
        if not person_ids:
            return []
        fresh = set(
            self._session.scalars(
                select(PersonStatusRow.person_id).where(
                    PersonStatusRow.person_id.in_(list(person_ids)),
                    PersonStatusRow.computed_on >= today,
                )
            )
        )
        return [p for p in person_ids if p not in fresh]

    def any_stale(self, user_id: int, today: date, limit: int) -> builtins.list[int]:
        """Up to `limit` of the clinician's programs whose line is out of date."""
        stale_line = ~exists().where(
            PersonStatusRow.person_id == PersonRow.id, PersonStatusRow.computed_on >= today
        )
        return list(
            self._session.scalars(
                select(PersonRow.id)
                .where(PersonRow.id.in_(visible_people(user_id)), stale_line)
                .order_by(PersonRow.id)
                .limit(limit)
            )
        )


class PausesRepository:
    """A clinician's pauses of a program, each with its reason."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, person_id: int, start: date, reason: str, by: str) -> Pause:
        row = ProgramPauseRow(person_id=person_id, start=start, reason=reason, by=by)
        self._session.add(row)
        self._session.flush()
        return Pause(row.id, row.start, row.end, row.reason, row.by)

    def end_open(self, person_id: int, end: date) -> Pause | None:
        """Resume: the open pause ends on `end` (None: the program was not paused)."""
        row = self._session.scalar(
            select(ProgramPauseRow).where(
                ProgramPauseRow.person_id == person_id, ProgramPauseRow.end.is_(None)
            )
        )
        if row is None:
            return None
        row.end = end
        self._session.flush()
        return Pause(row.id, row.start, row.end, row.reason, row.by)

    def of_person(self, person_id: int) -> builtins.list[Pause]:
        rows = self._session.scalars(
            select(ProgramPauseRow)
            .where(ProgramPauseRow.person_id == person_id)
            .order_by(ProgramPauseRow.start, ProgramPauseRow.id)
        )
        return [Pause(r.id, r.start, r.end, r.reason, r.by) for r in rows]
