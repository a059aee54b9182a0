"""A clinician pausing and resuming a patient's program, with a reason (issue 11).

A pause runs from the date it begins to the date walking resumes (`ProgramPause`); the walker
sees it on Today with the reason, no walk is planned while it lasts, and a week that overlaps it
keeps its position (`Reason.PAUSED_BY_CLINICIAN`, decided in `walkrx.domain.review`). Each use
case is one function over one unopened unit of work, authorised inside it (decision 0006), and
keeps the program's panel line up to date.
"""

from __future__ import annotations

from datetime import date, timedelta

from walkrx.domain.model import Person, ProgramPause
from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services import status
from walkrx.services.access import Actor
from walkrx.services.adjusting import patient_of, said
from walkrx.services.context import local_today
from walkrx.services.diary import DAYS_AHEAD, MAX_NOTE_LENGTH
from walkrx.storage import UnitOfWork


def _pause_day(person: Person, day: date | None, today: date, what: str, field: str) -> date:
    chosen = day or today
    earliest, latest = min(person.start, today), today + timedelta(days=DAYS_AHEAD)
    if not earliest <= chosen <= latest:
        raise InvalidInputError(
            f"{what} on {said(chosen)} is outside the program: give a date from "
            f"{said(earliest)} to {said(latest)}",
            field=field,
        )
    return chosen


def pause_program(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    reason: str,
    day: date | None = None,
    today: date | None = None,
) -> ProgramPause:
    """Pause a linked patient's program from `day` (default: their today), with a reason the
    walker sees; recorded with the clinician's e-mail address. While paused no walk is planned,
    and a week that overlaps the pause keeps its position (`Reason.PAUSED_BY_CLINICIAN`)."""
    with uow:
        clinician, person = patient_of(uow, actor, person_id, write=True, action="pause_program")
        assert person.id is not None
        why = " ".join(reason.split())
        if not why:
            raise InvalidInputError(
                "say why the program is paused (the patient sees it)", field="pause_reason"
            )
        if len(why) > MAX_NOTE_LENGTH:
            raise InvalidInputError(
                f"the reason is too long ({len(why):,} characters): keep it to {MAX_NOTE_LENGTH:,}",
                field="pause_reason",
            )
        start = _pause_day(person, day, today or local_today(person), "a pause", "pause_from")
        current = next((p for p in uow.pauses.of_person(person.id) if p.end is None), None)
        if current is not None:
            raise ConflictError(
                f"the program is already paused (since {said(current.start)}): resume it first"
            )
        stored = uow.pauses.add(person.id, start, why, clinician.email)
        status.refresh(uow, person, today)
        uow.commit()
    return ProgramPause(stored.start, stored.end, stored.reason, stored.by, stored.id)


def resume_program(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    day: date | None = None,
    today: date | None = None,
) -> ProgramPause:
    """Resume a paused program: walking is planned again from `day` (default: the patient's
    today), at the position it was paused at. Refused when the program is not paused."""
    with uow:
        _, person = patient_of(uow, actor, person_id, write=True, action="resume_program")
        assert person.id is not None
        on = _pause_day(person, day, today or local_today(person), "resuming", "resume_on")
        current = next((p for p in uow.pauses.of_person(person.id) if p.end is None), None)
        if current is None:
            raise InvalidInputError("the program is not paused", field="resume_on")
        if on < current.start:
            raise InvalidInputError(
                f"the pause began on {said(current.start)}: resume on that day or later, "
                f"not {said(on)}",
                field="resume_on",
            )
        ended = uow.pauses.end_open(person.id, on)
        assert ended is not None
        status.refresh(uow, person, today)
        uow.commit()
    return ProgramPause(ended.start, ended.end, ended.reason, ended.by, ended.id)
