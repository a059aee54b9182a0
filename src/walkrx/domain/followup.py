"""After the program (spec section 13): when it ended, the follow-ups it asks, the first
recurrence and the time to it. Pure: `today` is a parameter.

The program ends on the first day of the first week at a maintenance position (as the weekly
reviews put it), or on the day it was finished (`ProgramStage` "finished"), whichever comes first.
From then on it is *after the program* (a quiet phase) until a return (`walkrx.domain.stages`);
after a return the program can end again, and a new quiet phase begins.

Readings (docs/rules.md, "After the program"):
- a follow-up is due every `interval_days` after the end (the first one interval after it); an
  answer covers every due date up to its own day, so a late answer answers the ones before it;
  due dates passed with no answer on or after them are unanswered ("missed"); an answer may be
  given at any time, due or not (a recurrence should never wait for a due date);
- a recurrence ends the quiet phase: nothing more is due after the first answer that tells one,
  and a return to the program is offered;
- the first recurrence is the one told in the earliest answer, so a later answer never moves it;
  its start is the date the walker gave, or, when they gave none, the day after the previous
  answer (the earliest it can have begun: the reading that never flatters walking); a start
  before the end counts from the end (day 0), so such an episode is still a recurrence;
- time to recurrence (the outcome) is counted in the first quiet phase only: days from its end to
  the first recurrence's start, or, without a recurrence, to its last answer (censored there);
  a quiet phase without any answer has no outcome yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from walkrx.domain.model import Diary, FollowUp, ProgramStage
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview, current_position
from walkrx.domain.stages import FINISHED, RETURNED, ordered, return_between

MAINTENANCE = "maintenance"


@dataclass(frozen=True)
class ProgramEnd:
    """How a stretch of the program ended: on `day`, by reaching maintenance or by a finish."""

    day: date
    how: str  # maintenance | finished
    position: int  # the protocol week the program was at when it ended
    by: str = ""  # who finished it ("" when it reached maintenance)


@dataclass(frozen=True)
class QuietPhase:
    """The time after one end of the program: its answers, until a return (if any)."""

    end: ProgramEnd
    returned: ProgramStage | None  # the return that ended it (None: it goes on)
    answers: tuple[FollowUp, ...]  # answers dated in it, by day

    def holds(self, day: date) -> bool:
        return self.end.day <= day and (self.returned is None or day < self.returned.day)

    @property
    def recurrence(self) -> FollowUp | None:
        """The first answer that told a recurrence."""
        return next((a for a in self.answers if a.recurrence), None)


@dataclass(frozen=True)
class Schedule:
    """The follow-ups of a quiet phase as of a day."""

    due_dates: tuple[date, ...]  # every due date up to the day
    unanswered: tuple[date, ...]  # due dates up to the day with no answer on or after them
    next_due: date | None  # the first due date after the last answer (None after a recurrence)

    @property
    def due(self) -> bool:
        return bool(self.unanswered)

    def missed(self, today: date) -> tuple[date, ...]:
        """Unanswered due dates before `today` (today's is only due)."""
        return tuple(d for d in self.unanswered if d < today)


@dataclass(frozen=True)
class Outcome:
    """Time from the end of the program to the first recurrence, or to the last answer."""

    end: ProgramEnd
    days: int
    event: bool  # a recurrence (True), or censored at the last answer (False)
    episode_start: date | None  # the recurrence's start as counted (None: no recurrence)
    last_answer: date
    answers: int


def week_positions(
    diary: Diary, reviews: Sequence[WeekReview], today: date
) -> list[tuple[date, int]]:
    """(first day, protocol week) of every program week begun by `today`: reviewed weeks at the
    position they were reviewed at, the week in progress at the one the last review decided (or
    a return's)."""
    person = diary.person
    found = [(r.summary.start, r.position) for r in reviews]
    week = len(reviews) + 1
    first = person.week_start(week)
    if first <= today:
        back = return_between(diary.stages, first, first + timedelta(days=6))
        here = current_position(reviews, person.start_position) if back is None else back
        found.append((first, here))
    return found


def _position_on(positions: Sequence[tuple[date, int]], day: date, default: int) -> int:
    found = default
    for first, position in positions:
        if first <= day:
            found = position
    return found


def quiet_phases(
    diary: Diary, protocol: Protocol, reviews: Sequence[WeekReview], today: date
) -> list[QuietPhase]:
    """Every end of the program up to `today`, each with the time after it, oldest first."""
    positions = week_positions(diary, reviews, today)
    start = diary.person.start_position
    stages = ordered(diary.stages)  # a return may be booked for a later day
    answers = sorted(diary.followups, key=lambda a: (a.day, a.id or 0))
    phases: list[QuietPhase] = []
    since = diary.person.start
    while True:
        ends: list[ProgramEnd] = []
        finish = next((s for s in stages if s.kind == FINISHED and s.day >= since), None)
        if finish is not None:
            at = _position_on(positions, finish.day, start)
            ends.append(ProgramEnd(finish.day, FINISHED, at, finish.by))
        reached = next(
            ((d, p) for d, p in positions if d >= since and p > protocol.last_week), None
        )
        if reached is not None:
            ends.append(ProgramEnd(reached[0], MAINTENANCE, reached[1]))
        if not ends:
            return phases
        end = min(ends, key=lambda e: e.day)  # a finish on the same day comes first
        back = next((s for s in stages if s.kind == RETURNED and s.day > end.day), None)
        phase = QuietPhase(end, back, ())
        phase = QuietPhase(end, back, tuple(a for a in answers if phase.holds(a.day)))
        phases.append(phase)
        if back is None:
            return phases
        since = back.day


def due_dates(end: date, interval_days: int, until: date) -> tuple[date, ...]:
    """Every due date after `end` up to `until`: one interval after it, then every interval."""
    step = timedelta(days=interval_days)
    found = []
    day = end + step
    while day <= until:
        found.append(day)
        day += step
    return tuple(found)


def schedule(phase: QuietPhase, interval_days: int, today: date) -> Schedule:
    """The follow-ups of a quiet phase as of `today`."""
    dates = due_dates(phase.end.day, interval_days, today)
    if phase.recurrence is not None:  # a recurrence ends the quiet phase: nothing more is due
        return Schedule(dates, (), None)
    last = phase.answers[-1].day if phase.answers else None
    unanswered = tuple(d for d in dates if last is None or d > last)
    step = timedelta(days=interval_days)
    if unanswered:
        next_due = unanswered[0]
    else:
        covered = (((last - phase.end.day) // step) + 1) if last is not None else 1
        next_due = phase.end.day + step * max(1, covered)
    return Schedule(dates, unanswered, next_due)


def episode_start(phase: QuietPhase, answer: FollowUp) -> date:
    """When a recurrence told in `answer` is taken to have begun (see the module's readings)."""
    earlier = [a.day for a in phase.answers if a.day < answer.day]
    if answer.episode_start is not None:
        start = answer.episode_start
    else:
        start = earlier[-1] + timedelta(days=1) if earlier else phase.end.day
    return min(max(start, phase.end.day), answer.day)


def outcome(phases: Sequence[QuietPhase]) -> Outcome | None:
    """The time to the first recurrence after the first end of the program (None: no answer
    yet)."""
    if not phases or not phases[0].answers:
        return None
    phase = phases[0]
    first = phase.recurrence
    last = phase.answers[-1].day
    if first is not None:
        start = episode_start(phase, first)
        told = [a for a in phase.answers if a.day <= first.day]
        return Outcome(phase.end, (start - phase.end.day).days, True, start, first.day, len(told))
    return Outcome(phase.end, (last - phase.end.day).days, False, None, last, len(phase.answers))


@dataclass(frozen=True)
class AfterProgram:
    """A person's program after it ended, as of `today`: every quiet phase, the one going on,
    its follow-ups and where a return would put the program."""

    phases: tuple[QuietPhase, ...]
    today: date
    interval_days: int
    protocol: Protocol

    @property
    def current(self) -> QuietPhase | None:
        """The quiet phase going on today (its return may be booked for a later day)."""
        last = self.phases[-1] if self.phases else None
        return last if last is not None and last.holds(self.today) else None

    @property
    def schedule(self) -> Schedule | None:
        phase = self.current
        return None if phase is None else schedule(phase, self.interval_days, self.today)

    @property
    def return_position(self) -> int | None:
        """Where a return now would put the program (None: not after the program)."""
        phase = self.current
        return None if phase is None else self.protocol.return_position(phase.end.position)

    @property
    def return_on(self) -> date | None:
        """The day a booked return takes effect (None: none booked)."""
        phase = self.current
        return phase.returned.day if phase is not None and phase.returned is not None else None

    @property
    def outcome(self) -> Outcome | None:
        return outcome(self.phases)


def after_program(
    diary: Diary, protocol: Protocol, reviews: Sequence[WeekReview], today: date
) -> AfterProgram:
    phases = tuple(quiet_phases(diary, protocol, reviews, today))
    return AfterProgram(phases, today, protocol.followup.interval_days, protocol)
