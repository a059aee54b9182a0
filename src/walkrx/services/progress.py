"""A person's progress as plain data series for charts: zone minutes, pain, pace, prescription.

Pure functions of a `Program` (which already holds the diary and the reviews): no I/O, no clock.
The charts in `walkrx.reports.charts` draw these series; the web app passes them straight through.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from walkrx.domain.pain import pain_status, peak_pain
from walkrx.domain.review import WeekSummary, daily_morning_pain, summarise_week
from walkrx.services.program import Program

PACE_WINDOW_DAYS = 21  # spec section 9: the pace trend is a rolling 2-3-week median


@dataclass(frozen=True)
class WeekPoint:
    """Target-zone minutes of one program week, with the phase's weekly goal when it has one."""

    week: int
    start: date
    measured_min: float  # from heart rate
    by_effort_min: float  # walks without heart rate, counted by effort or the talk test
    goal_min: int | None  # the phase's weekly target-zone goal (e.g. 150-300), if any
    goal_max: int | None
    complete: bool  # False for the week in progress (its minutes are "so far")

    @property
    def total_min(self) -> float:
        return self.measured_min + self.by_effort_min


@dataclass(frozen=True)
class PainPoint:
    """One pain record: a walk's before/peak/after/next-morning, or a day's morning pain."""

    day: date
    kind: Literal["walk", "morning"]
    before: int | None = None
    peak: int | None = None  # the larger of pain during and pain after
    after: int | None = None
    next_morning: int | None = None
    morning: int | None = None  # morning pain from the day's check-ins (kind "morning")
    status: str = "unknown"  # the walk's traffic light (spec section 5): green/amber/red/unknown
    walk_id: int | None = None
    note: str = ""  # the walk's note, free text from the person


@dataclass(frozen=True)
class PacePoint:
    """Pace at the same heart rate for one walk, and the rolling median up to that walk's day."""

    day: date
    pace_hr: float  # metres per minute per bpm
    rolling_median: float  # median of pace_hr over the walks in the window ending on `day`
    window_walks: int  # how many walks that median is taken over
    walk_id: int | None = None


@dataclass(frozen=True)
class RxPoint:
    """A completed week's prescription (as a min-max range) against what was done."""

    week: int
    start: date
    prescribed_min_total: int  # walks_min x minutes_min
    prescribed_max_total: int  # walks_max x minutes_max
    minutes_done: float
    walks_min: int
    walks_max: int
    walks_counted: int
    decision: str  # the review's decision code (spec section 11)


def _goal(prog: Program, summary: WeekSummary) -> tuple[int, int] | None:
    return prog.protocol.phase_at(summary.prescription.position).weekly_zone_minutes


def weekly_zone_minutes(prog: Program) -> list[WeekPoint]:
    """Every reviewed week, then the week in progress (if the program has started)."""
    summaries = [(r.summary, True) for r in prog.reviews]
    current = prog.current_week
    if current >= 1 and current > len(prog.reviews):
        # the week so far: walks dated after `today` (a diary viewed as of a past day) wait
        so_far = replace(
            prog.diary, walks=tuple(w for w in prog.diary.walks if w.local_date <= prog.today)
        )
        summaries.append((summarise_week(so_far, prog.protocol, current, prog.position), False))
    points: list[WeekPoint] = []
    for summary, complete in summaries:
        goal = _goal(prog, summary)
        points.append(
            WeekPoint(
                week=summary.week,
                start=summary.start,
                measured_min=float(summary.zone_measured_min),
                by_effort_min=float(summary.zone_by_effort_min),
                goal_min=goal[0] if goal else None,
                goal_max=goal[1] if goal else None,
                complete=complete,
            )
        )
    return points


def pain_series(prog: Program) -> list[PainPoint]:
    """Walks (in start order) and mornings up to `today`, by day; a day's morning comes first."""
    thresholds = prog.protocol.pain
    walks = sorted(
        (w for w in prog.diary.walks if w.local_date <= prog.today),
        key=lambda w: (w.local_date, w.start, w.duration_s),
    )
    mornings = daily_morning_pain(c for c in prog.diary.checkins if c.day <= prog.today)
    keyed: list[tuple[date, int, int, PainPoint]] = [
        (day, 0, 0, PainPoint(day=day, kind="morning", morning=pain))
        for day, pain in mornings.items()
    ]
    for order, walk in enumerate(walks):
        point = PainPoint(
            day=walk.local_date,
            kind="walk",
            before=walk.pain_before,
            peak=peak_pain(walk),
            after=walk.pain_after,
            next_morning=walk.pain_next_morning,
            status=str(pain_status(walk, thresholds)),
            walk_id=walk.id,
            note=walk.notes,
        )
        keyed.append((walk.local_date, 1, order, point))
    return [point for *_, point in sorted(keyed, key=lambda k: k[:3])]


def pace_series(prog: Program, window_days: int = PACE_WINDOW_DAYS) -> list[PacePoint]:
    """Walks with a pace-at-heart-rate figure, each with the median over the last `window_days`.

    The window ends on the walk's local date and includes it: with 21 days, a walk on day D is
    compared with the walks from D - 20 to D (every walk of that day included).
    """
    walks = sorted(
        (
            w
            for w in prog.diary.walks
            if w.pace_hr is not None and math.isfinite(w.pace_hr) and w.local_date <= prog.today
        ),
        key=lambda w: (w.local_date, w.start, w.duration_s),
    )
    points: list[PacePoint] = []
    for walk in walks:
        assert walk.pace_hr is not None
        first = walk.local_date - timedelta(days=window_days - 1)
        window = [
            w.pace_hr
            for w in walks
            if w.pace_hr is not None and first <= w.local_date and w.local_date <= walk.local_date
        ]
        points.append(
            PacePoint(
                day=walk.local_date,
                pace_hr=walk.pace_hr,
                rolling_median=statistics.median(window),
                window_walks=len(window),
                walk_id=walk.id,
            )
        )
    return points


def prescription_vs_done(prog: Program) -> list[RxPoint]:
    """Each reviewed (completed) week: the prescribed ranges and what was done."""
    points: list[RxPoint] = []
    for review in prog.reviews:
        s = review.summary
        rx = s.prescription
        points.append(
            RxPoint(
                week=s.week,
                start=s.start,
                prescribed_min_total=rx.total_min,
                prescribed_max_total=rx.total_max,
                minutes_done=float(s.minutes),
                walks_min=rx.walks_min,
                walks_max=rx.walks_max,
                walks_counted=s.walks_counted,
                decision=str(review.decision),
            )
        )
    return points
