"""How a person walks, not only how much (issue 15): pace verdicts by walk and by week, the
posture checklist over the weeks, and the week's lesson.

Pure functions of a `Program` (which holds the diary, the protocol with a clinician's adjustments
and the reviews): no unit of work, no clock. The pages, the command line and the reports word
what these return in the person's units (`walkrx.domain.units`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from walkrx.domain.lessons import Lesson, lesson_at
from walkrx.domain.pace import PaceVerdict, WeekPace, walk_pace, week_pace
from walkrx.domain.posture import PostureTally, posture_tally
from walkrx.domain.review import walks_in
from walkrx.errors import NotFoundError
from walkrx.services.program import Program

__all__ = [
    "PaceWalk",
    "lesson_of_week",
    "pace_walks",
    "posture_of",
    "week_pace_of",
    "week_paces",
]


@dataclass(frozen=True)
class PaceWalk:
    """One walk with a moving pace, for the pace chart (km/h; the chart converts for display)."""

    day: date
    kmh: float
    verdict: PaceVerdict
    walk_id: int | None = None


def week_pace_of(prog: Program, week: int) -> WeekPace:
    """The pace verdicts of a program week's walks (those the review counts), up to today."""
    start = prog.person.week_start(week)
    end = min(start + timedelta(days=6), prog.today)
    return week_pace(walks_in(prog.diary, start, end), prog.protocol.pace)


def week_paces(prog: Program) -> dict[int, WeekPace]:
    """Every program week from the first to this one, by number."""
    last = max(0, prog.current_week)
    return {week: week_pace_of(prog, week) for week in range(1, last + 1)}


def pace_walks(prog: Program) -> list[PaceWalk]:
    """Walks up to today with a moving pace and its verdict, in date order."""
    band = prog.protocol.pace
    points: list[PaceWalk] = []
    for walk in sorted(prog.diary.walks, key=lambda w: w.start):
        if walk.local_date > prog.today:
            continue
        pace = walk_pace(walk, band)
        if pace.moving_kmh is not None and pace.verdict is not None:
            points.append(PaceWalk(walk.local_date, pace.moving_kmh, pace.verdict, walk.id))
    return points


def posture_of(prog: Program, recent_weeks: int = 6) -> PostureTally:
    """The posture checklist's cues over the walks up to today (`walkrx.domain.posture`)."""
    walks = [w for w in prog.diary.walks if w.local_date <= prog.today]
    return posture_tally(walks, prog.protocol.posture, prog.person.week_of, recent_weeks)


def lesson_of_week(prog: Program) -> Lesson | None:
    """The lesson of the week in progress: that of its protocol week (position)."""
    return lesson_at(prog.protocol.lessons, prog.position)


def numbered_lesson(prog: Program, number: int) -> Lesson:
    """Lesson `number` (from 1) of the library of the person's protocol."""
    lessons = prog.protocol.lessons
    if not 1 <= number <= len(lessons):
        raise NotFoundError(f"there is no lesson {number}: the library lists them", kind="lesson")
    return lessons[number - 1]
