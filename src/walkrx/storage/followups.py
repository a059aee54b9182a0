"""Repositories of the time after the program (issue 13): the program finished or taken up
again (`program_stages`), and the answers to the follow-up (`followups`). Rows never leave this
module: callers get `walkrx.domain.model` records.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from walkrx.domain.model import FollowUp, ProgramStage
from walkrx.storage.clinic import visible_people
from walkrx.storage.rows import ClinicPatientRow, FollowUpRow, ProgramStageRow


def _stage(row: ProgramStageRow) -> ProgramStage:
    return ProgramStage(row.kind, row.day, row.position, row.by, row.id)


def _answer(row: FollowUpRow) -> FollowUp:
    return FollowUp(
        row.id,
        row.day,
        row.recurrence,
        row.episode_start,
        row.sought_care,
        row.usual_minutes,
        row.by,
    )


class StagesRepository:
    """A program finished, or taken up again after it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, person_id: int, kind: str, day: date, by: str, position: int | None = None
    ) -> ProgramStage:
        row = ProgramStageRow(person_id=person_id, kind=kind, day=day, position=position, by=by)
        self._session.add(row)
        self._session.flush()
        return _stage(row)

    def of_person(self, person_id: int) -> builtins.list[ProgramStage]:
        """By day, then in the order recorded."""
        return self.of_people([person_id]).get(person_id, [])

    def of_people(self, person_ids: Sequence[int]) -> dict[int, builtins.list[ProgramStage]]:
        found: dict[int, list[ProgramStage]] = {}
        if not person_ids:
            return found
        rows = self._session.scalars(
            select(ProgramStageRow)
            .where(ProgramStageRow.person_id.in_(list(person_ids)))
            .order_by(ProgramStageRow.person_id, ProgramStageRow.day, ProgramStageRow.id)
        )
        for row in rows:
            found.setdefault(row.person_id, []).append(_stage(row))
        return found


class FollowUpsRepository:
    """The answers to the follow-up after the program, one a day at most per person."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, person_id: int, answer: FollowUp) -> FollowUp:
        row = FollowUpRow(
            person_id=person_id,
            day=answer.day,
            recurrence=answer.recurrence,
            episode_start=answer.episode_start,
            sought_care=answer.sought_care,
            usual_minutes=answer.usual_minutes,
            by=answer.by,
        )
        self._session.add(row)
        self._session.flush()
        return _answer(row)

    def of_person(self, person_id: int) -> builtins.list[FollowUp]:
        """By day."""
        return self.of_people([person_id]).get(person_id, [])

    def of_people(self, person_ids: Sequence[int]) -> dict[int, builtins.list[FollowUp]]:
        found: dict[int, list[FollowUp]] = {}
        if not person_ids:
            return found
        rows = self._session.scalars(
            select(FollowUpRow)
            .where(FollowUpRow.person_id.in_(list(person_ids)))
            .order_by(FollowUpRow.person_id, FollowUpRow.day, FollowUpRow.id)
        )
        for row in rows:
            found.setdefault(row.person_id, []).append(_answer(row))
        return found

    def people(
        self, *, visible_to: int | None = None, clinic_id: int | None = None
    ) -> builtins.list[int]:
        """Everyone with at least one answer, by id: of the whole database, only those a
        clinician may see (`visible_to`), or only a clinic's current patients (`clinic_id`)."""
        query = select(FollowUpRow.person_id).distinct().order_by(FollowUpRow.person_id)
        if visible_to is not None:
            query = query.where(FollowUpRow.person_id.in_(visible_people(visible_to)))
        if clinic_id is not None:
            query = query.where(
                FollowUpRow.person_id.in_(
                    select(ClinicPatientRow.person_id).where(
                        ClinicPatientRow.clinic_id == clinic_id, ClinicPatientRow.left_at.is_(None)
                    )
                )
            )
        return list(self._session.scalars(query))
