"""Is an imported record a walk? The plausibility rules (issue 8) at their edges, and as properties.

The thresholds and their sources are in the docstring of `walkrx.domain.plausibility` and in
docs/rules.md ("Is it a walk?").
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.domain.plausibility import (
    FAST_STRETCHES,
    MAX_WALK_DURATION_S,
    NO_DURATION,
    RUNNING_CADENCE,
    SPORT_ASSUMED,
    TOO_FAST,
    TOO_LONG,
    assess,
    check_reason,
    duration_problem,
    judge,
)


def _steady(speed_kmh: float, minutes: int, step_s: float = 1.0) -> tuple[list[float], list[float]]:
    """Times and cumulative distances of a record at one steady speed."""
    n = int(minutes * 60 / step_s) + 1
    t = [i * step_s for i in range(n)]
    return t, [x * speed_kmh / 3.6 for x in t]


@pytest.mark.parametrize(
    ("speed", "share", "cadence", "reason"),
    [
        (5.0, 0.0, None, None),  # an ordinary walk
        (8.5, 0.0, None, None),  # the limit itself is still walking
        (8.51, 0.0, None, TOO_FAST),
        (24.0, 0.9, None, TOO_FAST),  # a ride
        (6.0, 0.25, None, FAST_STRETCHES),  # a walk with a bus ride in it
        (6.0, 0.24, None, None),
        (9.5, 0.3, 120.0, None),  # a fast walker whose step rate is plainly walking
        (10.5, 0.0, 120.0, TOO_FAST),  # no walking cadence makes 10.5 km/h a walk
        (5.0, 0.0, 150.0, RUNNING_CADENCE),  # a treadmill run: walking speed, running steps
        (5.0, 0.0, 149.0, None),
        (None, None, None, None),  # nothing to judge by
    ],
)
def test_judge_at_its_edges(
    speed: float | None, share: float | None, cadence: float | None, reason: str | None
) -> None:
    verdict = judge(speed, share, cadence)
    assert verdict.reason == reason
    assert verdict.plausible is (reason is None)


@pytest.mark.parametrize(
    ("duration", "problem"),
    [
        (0.0, NO_DURATION),
        (0.5, NO_DURATION),
        (float("nan"), NO_DURATION),
        (1.0, None),
        (MAX_WALK_DURATION_S, None),  # a long hiking day still fits
        (MAX_WALK_DURATION_S + 1, TOO_LONG),
        (2.3 * 365 * 86400, TOO_LONG),  # a logger left on for two years is never one walk
    ],
)
def test_duration_problem(duration: float, problem: str | None) -> None:
    assert duration_problem(duration) == problem


def test_assess_a_steady_walk_and_a_ride() -> None:
    """From samples: 5 km/h for 30 minutes is a walk; 24 km/h is not, and every window is fast."""
    t, d = _steady(5.0, 30)
    walk = assess(t, d, moving_s=t[-1], total_distance_m=d[-1])
    assert walk.plausible and walk.moving_speed_kmh == pytest.approx(5.0)
    assert walk.fast_share == 0.0
    t, d = _steady(24.0, 30)
    ride = assess(t, d, moving_s=t[-1], total_distance_m=d[-1])
    assert ride.reason == TOO_FAST and ride.fast_share == 1.0


def test_assess_finds_a_ride_inside_a_walk() -> None:
    """40 minutes at 5 km/h, then 15 minutes at 30 km/h: the average (about 11 km/h) already
    says too fast; with 45 minutes at 4 km/h and 15 at 12 km/h (6 km/h on average) it is the
    share of fast minutes that says so."""
    t1, d1 = _steady(4.0, 45)
    t2, d2 = _steady(12.0, 15)
    t = t1 + [t1[-1] + x for x in t2[1:]]
    d = d1 + [d1[-1] + x for x in d2[1:]]
    verdict = assess(t, d, moving_s=t[-1], total_distance_m=d[-1])
    assert verdict.moving_speed_kmh == pytest.approx(6.0, abs=0.01)
    assert verdict.reason == FAST_STRETCHES
    assert verdict.fast_share == pytest.approx(0.25, abs=0.02)


def test_assess_with_positions_instead_of_a_distance_column() -> None:
    """GPS files give the distance of each interval: the same verdict as the cumulative column."""
    t, d = _steady(24.0, 10)
    steps = [b - a for a, b in pairwise(d)]
    verdict = assess(t, [None] * len(t), t[-1], d[-1], interval_m=steps)
    assert verdict.reason == TOO_FAST and verdict.fast_share == 1.0


def test_assess_reads_the_running_cadence() -> None:
    """A treadmill run without distance: the median step rate of 165 says running."""
    t = [float(i) for i in range(600)]
    verdict = assess(t, [None] * 600, 599.0, None, cadence_spm=[165.0] * 600)
    assert verdict.reason == RUNNING_CADENCE and verdict.moving_speed_kmh is None


def test_short_or_distanceless_records_are_not_judged_by_speed() -> None:
    """Under two minutes of moving time, speed says nothing (GPS jitter at the start)."""
    t, d = _steady(30.0, 1)
    assert assess(t, d, t[-1], d[-1]).plausible


@pytest.mark.parametrize(
    ("by_hand", "assumed", "speed", "reason"),
    [
        (True, True, 30.0, None),  # a walk the person logged always counts
        (False, False, 5.0, None),
        (False, True, 5.0, SPORT_ASSUMED),
        (False, True, 30.0, TOO_FAST),  # what the speed says comes first
        (False, False, 30.0, TOO_FAST),  # even when the file calls it a walk
    ],
)
def test_check_reason(by_hand: bool, assumed: bool, speed: float, reason: str | None) -> None:
    verdict = judge(speed, 0.0, None)
    assert check_reason(logged_by_hand=by_hand, sport_assumed=assumed, verdict=verdict) == reason


@given(st.floats(0.5, 8.5), st.integers(3, 90))
def test_every_steady_walking_speed_is_plausible(speed: float, minutes: int) -> None:
    t, d = _steady(speed, minutes, step_s=5.0)
    assert assess(t, d, t[-1], d[-1]).plausible


@given(st.floats(9.1, 60.0), st.integers(3, 90))
def test_every_steady_speed_over_the_window_limit_is_refused(speed: float, minutes: int) -> None:
    t, d = _steady(speed, minutes, step_s=5.0)
    verdict = assess(t, d, t[-1], d[-1])
    assert not verdict.plausible and verdict.fast_share == 1.0
