"""After the program (issue 13): finishing a program, the follow-up answers, and a return to
the program after a recurrence.

Each use case is one function over one unopened unit of work, authorised inside it by
`person_for` (the walker, their clinicians, the console; decision 0006), and keeps the program's
panel line and alerts up to date (`status.refresh`: a recurrence raises an alert). The rules are
the domain's (`walkrx.domain.followup`, `walkrx.domain.stages`); docs/rules.md says how we read
the places the specification leaves room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from walkrx.domain.codes import RedFlag, RedFlagTier
from walkrx.domain.followup import AfterProgram, Outcome
from walkrx.domain.model import FollowUp, Person, ProgramStage
from walkrx.domain.redflags import advice, highest_tier
from walkrx.domain.review import daily_morning_pain
from walkrx.domain.stages import FINISHED, RETURNED, off_program, ordered
from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services import diary, status
from walkrx.services.access import Actor, person_for
from walkrx.services.context import local_today
from walkrx.services.entries import CheckInEntry
from walkrx.services.program import EARLIEST_START, Program, read_program
from walkrx.storage import UnitOfWork

MAX_USUAL_MINUTES = 7 * 24 * 60  # minutes in a week
RETURN_AHEAD = timedelta(days=28)  # a return may be booked up to four weeks ahead


def said(day: date) -> str:
    """A date in a message, as people read it: Mon 2 Mar 2026."""
    return day.strftime("%a %-d %b %Y")


def after_json(after: AfterProgram) -> dict[str, Any]:
    """Where a program stands after it ended (`walkrx followup` and `today --json`; docs/json.md):
    dates as YYYY-MM-DD."""
    phase, plan = after.current, after.schedule

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day is not None else None

    return {
        "ended": iso(phase.end.day) if phase else None,
        "ended_by": phase.end.how if phase else None,
        "due": [d.isoformat() for d in plan.unanswered] if plan else [],
        "next_due": iso(plan.next_due) if plan else None,
        "recurrence": iso(phase.recurrence.day) if phase and phase.recurrence else None,
        "return_position": after.return_position,
        "return_on": iso(after.return_on),
    }


def _who(uow: UnitOfWork, actor: Actor) -> str:
    """Who acts, as stored with what they recorded: an e-mail address, or "console"."""
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    return stored.email if stored is not None else "console"


@dataclass(frozen=True)
class FollowUpEntry:
    """An answer to the follow-up, as given (the service checks it)."""

    recurrence: bool
    day: date | None = None  # default: the person's today
    episode_start: date | None = None
    sought_care: bool | None = None
    usual_minutes: int | None = None


@dataclass(frozen=True)
class RecordedFollowUp:
    """What was stored, and what follows from it."""

    answer: FollowUp
    after: AfterProgram  # the program after it ended, with this answer

    @property
    def ask_red_flags(self) -> bool:
        """A recurrence is screened like any flare: the warning-sign questions come first."""
        return self.answer.recurrence


@dataclass(frozen=True)
class Returned:
    """A return to the program: from `day` at protocol week `position`, and the warning signs
    answered yes on the way (they pause the program until cleared)."""

    stage: ProgramStage
    red_flags: tuple[RedFlag, ...]

    @property
    def tier(self) -> RedFlagTier | None:
        return highest_tier(self.red_flags)

    @property
    def advice(self) -> str | None:
        tier = self.tier
        return advice(tier) if tier else None


def finish_program(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    day: date | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> ProgramStage:
    """End a program on `day` (default: the person's today): no walk is planned from then on,
    and the follow-ups after the program begin (spec 13). The walker, their clinicians or the
    console may finish it; refused before the start, after today, or when already finished."""
    with uow:
        person = person_for(uow, actor, person_id, write=True, action="finish_program")
        assert person.id is not None
        today = today or local_today(person, now)
        on = day or today
        if not person.start <= on <= today:
            raise InvalidInputError(
                f"a program can be finished from its start ({said(person.start)}) to today "
                f"({said(today)}), not on {said(on)}",
                field="date",
            )
        stages = ordered(uow.stages.of_person(person.id))
        if off_program(stages, on) or any(s.kind == FINISHED and s.day >= on for s in stages):
            raise ConflictError("the program is already finished: nothing to do")
        if stages and on < stages[-1].day:
            raise InvalidInputError(
                f"the program was taken up again on {said(stages[-1].day)}: finish it on that "
                "day or later",
                field="date",
            )
        stored = uow.stages.add(person.id, FINISHED, on, _who(uow, actor))
        status.refresh(uow, person, today, now)
        uow.commit()
    return stored


def _check_answer(person: Person, entry: FollowUpEntry, day: date, today: date) -> None:
    if day > today:
        raise InvalidInputError(
            f"a follow-up answer cannot be dated after today ({said(today)})", field="date"
        )
    if entry.usual_minutes is not None and not 0 <= entry.usual_minutes <= MAX_USUAL_MINUTES:
        raise InvalidInputError(
            f"minutes walked in a usual week run from 0 to {MAX_USUAL_MINUTES:,}",
            field="usual_minutes",
        )
    if not entry.recurrence:
        if entry.episode_start is not None or entry.sought_care is not None:
            raise InvalidInputError(
                "when it began and whether care was sought go with an episode of back pain: "
                "answer yes to the episode, or leave them out",
                field="episode_start" if entry.episode_start is not None else "sought_care",
            )
        return
    start = entry.episode_start
    if start is not None and start > day:
        raise InvalidInputError(
            f"the episode cannot have begun after the answer's date ({said(day)})",
            field="episode_start",
        )
    if start is not None and start < max(EARLIEST_START, person.start - timedelta(days=366)):
        raise InvalidInputError(
            f"{said(start)} is long before the program: give when this episode began",
            field="episode_start",
        )


def record_followup(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    entry: FollowUpEntry,
    today: date | None = None,
    now: datetime | None = None,
) -> RecordedFollowUp:
    """Store an answer to the follow-up after the program. Late answers are welcome (an answer
    covers every due date before it); refused when dated before the program ended, after today,
    on or before an answer already given, or while the program was running again. A recurrence
    alerts the person's clinicians and offers a return to the program."""
    with uow:
        person = person_for(uow, actor, person_id, write=True, action="record_followup")
        assert person.id is not None
        today = today or local_today(person, now)
        day = entry.day or today
        _check_answer(person, entry, day, today)
        after = read_program(uow, person, today).after()
        if not after.phases:
            raise InvalidInputError(
                "the program has not ended yet: follow-ups begin once it reaches maintenance or "
                "is finished",
                field="date",
            )
        if day < after.phases[0].end.day:
            raise InvalidInputError(
                f"the program ended on {said(after.phases[0].end.day)}: date the answer on that "
                "day or later",
                field="date",
            )
        if not any(phase.holds(day) for phase in after.phases):
            raise InvalidInputError(
                f"the program was running again on {said(day)}: follow-ups are about the time "
                "after it",
                field="date",
            )
        given = uow.followups.of_person(person.id)
        if given and day == given[-1].day:
            raise ConflictError(f"a follow-up was already answered on {said(day)}: one a day")
        if given and day < given[-1].day:
            raise InvalidInputError(
                f"the latest follow-up answer is dated {said(given[-1].day)}: answers go forward "
                "in time, so give a later date",
                field="date",
            )
        stored = uow.followups.add(
            person.id,
            FollowUp(
                None,
                day,
                entry.recurrence,
                entry.episode_start if entry.recurrence else None,
                entry.sought_care if entry.recurrence else None,
                entry.usual_minutes,
                _who(uow, actor),
            ),
        )
        status.refresh(uow, person, today, now)
        after = read_program(uow, person, today).after()
        uow.commit()
    return RecordedFollowUp(stored, after)


def return_to_program(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    red_flags: tuple[str, ...] = (),
    day: date | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Returned:
    """Take the program up again after it ended (offered after a recurrence), at the protocol's
    return position (never above where it ended), from the first day of a program week on or
    after `day` (default: today). The warning-sign questions are answered first, as at the
    start: a yes is stored as a check-in, which pauses the program until it is cleared."""
    flags = diary.parse_red_flags(red_flags)
    with uow:
        person = person_for(uow, actor, person_id, write=True, action="return_to_program")
        assert person.id is not None
        today = today or local_today(person, now)
        asked = day or today
        if not today <= asked <= today + RETURN_AHEAD:
            raise InvalidInputError(
                f"a return can start from today to {said(today + RETURN_AHEAD)}, not on "
                f"{said(asked)}",
                field="date",
            )
        after = read_program(uow, person, today).after()
        phase, position = after.current, after.return_position
        if phase is None or position is None:
            raise ConflictError("the program is running: there is nothing to return to")
        if phase.returned is not None:
            raise ConflictError(
                f"a return is already booked for {said(phase.returned.day)}: nothing to do"
            )
        on = _week_start_from(person, max(asked, phase.end.day + timedelta(days=1)))
        if flags:
            diary.store_checkin(
                uow, person, CheckInEntry(day=today, red_flags=tuple(f.value for f in flags)), now
            )
        stage = uow.stages.add(person.id, RETURNED, on, _who(uow, actor), position)
        status.refresh(uow, person, today, now)
        uow.commit()
    return Returned(stage, flags)


def _week_start_from(person: Person, day: date) -> date:
    """The first day of a program week on or after `day`."""
    offset = (day - person.start).days % 7
    return day if offset == 0 else day + timedelta(days=7 - offset)


@dataclass(frozen=True)
class ScorePoint:
    """A day's everyday-activity rating (the functional scale's mean) and morning pain."""

    day: date
    psfs_mean: float | None
    morning_pain: int | None


@dataclass(frozen=True)
class AfterView:
    """A person's outcomes after the program, for the progress page (pure: from a `Program`)."""

    after: AfterProgram
    answers: tuple[FollowUp, ...]  # every answer, by day
    scores: tuple[ScorePoint, ...]  # the whole program's, before and after the end
    ended: date  # the first end of the program

    @property
    def outcome(self) -> Outcome | None:
        return self.after.outcome


def after_view(prog: Program) -> AfterView | None:
    """What happened after the program, or None while it has never ended."""
    after = prog.after()
    if not after.phases:
        return None
    pains = daily_morning_pain(prog.diary.checkins)
    psfs: dict[date, float] = {}
    for checkin in sorted(prog.diary.checkins, key=lambda c: c.seq):
        if checkin.psfs:
            psfs[checkin.day] = sum(checkin.psfs) / len(checkin.psfs)
    days = sorted(d for d in set(pains) | set(psfs) if d <= prog.today)
    scores = tuple(ScorePoint(d, psfs.get(d), pains.get(d)) for d in days)
    answers = tuple(sorted(prog.diary.followups, key=lambda a: a.day))
    return AfterView(after, answers, scores, after.phases[0].end.day)
