"""The dated plan (spec sections 1 and 6): which walks fall on which days, and what today holds.

Completed weeks use the position their review gave; weeks still to come are projected as if every
review progressed, and are marked as projected. Walks go on the person's preferred weekdays; when
there are fewer preferred days than the minimum number of walks, other days are filled in, spread
through the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from walkrx.domain.protocol import Prescription, Protocol
from walkrx.domain.review import WeekReview
from walkrx.domain.zones import round_half_up


@dataclass(frozen=True)
class PlannedWalk:
    day: date
    week: int
    position: int
    phase: int
    minutes: int
    long_walk: bool
    tempo: bool  # the optional tempo intervals are suggested on this walk
    cues: tuple[str, ...]


@dataclass(frozen=True)
class PlannedWeek:
    week: int
    start: date
    position: int
    prescription: Prescription
    projected: bool  # no review has decided this week's position yet beyond the current one
    walks: tuple[PlannedWalk, ...]


def _spread_days(preferred: tuple[int, ...], count: int) -> list[int]:
    """Pick `count` weekdays: preferred ones first, then the days furthest from any chosen day."""
    chosen = sorted(set(preferred))[:count]
    while len(chosen) < count:
        free = [d for d in range(7) if d not in chosen]
        chosen.append(max(free, key=lambda d: (_gap(d, chosen), -d)))
        chosen.sort()
    return chosen


def _gap(day: int, chosen: list[int]) -> int:
    return min((min(abs(day - c), 7 - abs(day - c)) for c in chosen), default=7)


def plan_week(
    protocol: Protocol,
    week: int,
    week_start: date,
    position: int,
    days: tuple[int, ...],
    projected: bool,
) -> PlannedWeek:
    rx = protocol.prescription(position)
    phase = protocol.phase_at(position)
    # within a phase, walks and minutes climb from the phase's minimum to its maximum
    if position <= 0 or phase.last_week is None or phase.last_week == phase.first_week:
        fraction = 0.0 if position <= 0 or phase.last_week is not None else 1.0
    else:
        fraction = (position - phase.first_week) / (phase.last_week - phase.first_week)
    count = max(rx.walks_min, min(rx.walks_max, len(set(days))))
    minutes = rx.minutes_min + round_half_up(fraction * (rx.minutes_max - rx.minutes_min))
    # weekday of each date in this program week, so walks land on the preferred weekdays
    dates = {
        (week_start + timedelta(days=i)).weekday(): week_start + timedelta(days=i) for i in range(7)
    }
    chosen = sorted(dates[d] for d in _spread_days(days, count))
    long_day = chosen[-1] if rx.long_walk_minutes else None
    tempo_day = chosen[len(chosen) // 2] if rx.tempo and len(chosen) > 1 else None
    walks = tuple(
        PlannedWalk(
            day=day,
            week=week,
            position=position,
            phase=rx.phase,
            minutes=max(minutes, rx.long_walk_minutes or 0) if day == long_day else minutes,
            long_walk=day == long_day,
            tempo=day == tempo_day,
            cues=phase.cues,
        )
        for day in chosen
    )
    return PlannedWeek(week, week_start, position, rx, projected, walks)


def build_plan(
    protocol: Protocol,
    start: date,
    days: tuple[int, ...],
    reviews: list[WeekReview],
    start_position: int = 1,
    extra_weeks: int = 1,
    next_position: int | None = None,
) -> list[PlannedWeek]:
    """Every program week from 1 until the protocol's table is done (plus `extra_weeks`).

    Reviewed weeks keep the position they were reviewed at; the week after the last review has the
    position that review decided (or `next_position`, a return's); later weeks are projected one
    position further each.
    """
    weeks: list[PlannedWeek] = []
    for review in reviews:
        weeks.append(
            plan_week(
                protocol, review.week, review.summary.start, review.position, days, projected=False
            )
        )
    position = reviews[-1].next_position if reviews else start_position
    position = position if next_position is None else next_position  # a return (issue 13)
    week = len(reviews) + 1
    first_future = True
    while position <= protocol.last_week + extra_weeks or first_future:
        weeks.append(
            plan_week(
                protocol,
                week,
                start + timedelta(days=7 * (week - 1)),
                position,
                days,
                projected=not first_future,
            )
        )
        first_future = False
        week += 1
        position += 1
    return weeks


def walk_on(plan: list[PlannedWeek], day: date) -> PlannedWalk | None:
    for week in plan:
        for walk in week.walks:
            if walk.day == day:
                return walk
    return None


def next_walk_after(plan: list[PlannedWeek], day: date) -> PlannedWalk | None:
    """The first planned walk after `day` (None when the plan holds none)."""
    return min(
        (walk for week in plan for walk in week.walks if walk.day > day),
        key=lambda walk: walk.day,
        default=None,
    )
