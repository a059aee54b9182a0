"""Is an imported record a walk? Plausibility rules for what a device file says was walked.

Pure standard library. The service layer asks these questions of every record it imports:

- `duration_problem`: a record of 0 s (a single moment) is nothing to count, and one longer than
  `MAX_WALK_DURATION_S` cannot be one walk (the file's clock jumped, or tracks of different days
  were joined); neither is stored, and neither takes part in duplicate matching.
- `judge`: from the moving speed (distance / moving time), the share of fast 1-minute windows and,
  when the record has one, the cadence, is this plausibly walking? A record that is not is stored
  but not counted (weekly figures, reviews, the pace trend) until the person confirms it.
- `check_reason`: the stable code a stored walk carries while it waits for that confirmation
  (`sport_assumed`, `too_fast`, `fast_stretches`, `running_cadence`), or None when it counts.

Thresholds and their reasons (docs/rules.md, "Is it a walk?"):

- `MAX_WALKING_SPEED_KMH` 8.5 km/h: brisk walking tops out around 6.5-7 km/h; people change from
  walking to running at about 7.2-7.6 km/h (2.0-2.1 m/s: Thorstensson & Roberthson 1987, Hreljac
  1993). A whole walk whose moving speed is above 8.5 km/h is therefore running, riding or a
  vehicle, with about 1 km/h of margin for GPS error and a fast, tall walker.
- `FAST_WINDOW_KMH` 9 km/h and `MAX_FAST_WINDOW_SHARE` 0.25: one-minute windows of moving time
  above 9 km/h are not walking (a minute smooths out GPS jitter); when a quarter or more of the
  windows are that fast, part of the record was a run or a ride (a walk with a bus ride in it),
  even when the average stays under 8.5 km/h.
- `RUNNING_CADENCE_SPM` 150 steps/min: walking cadence is about 90-130 steps/min, running 150-190
  (Tudor-Locke 2018 puts brisk walking at 100-130). A median cadence of 150 or more is running,
  whatever the speed (a treadmill run has no distance).
- `WALKING_CADENCE_SPM` (100, 140) and `MAX_CADENCE_CONFIRMED_KMH` 10 km/h: a record whose
  cadence is plainly walking may be up to 10 km/h fast (a fast walker, or a GPS that
  over-measures); above that no walking cadence makes it a walk. Cycling cadence (crank turns,
  60-100 rpm) mostly falls below that walking range, so it does not rescue a ride.
- `MAX_WALK_DURATION_S` 16 hours: a waking day. Even a long hiking day fits in it; a longer
  single "walk" means the file's clock or its tracks are wrong. Diary walks (logged by hand) keep
  their own limit of 24 hours and are always counted.
- `MIN_JUDGED_MOVING_S` 2 minutes: with less moving time, or no distance, speed is not judged.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from walkrx.domain.metrics import MAX_GAP_S  # a longer gap between samples is a pause
from walkrx.domain.units import speed_text

MAX_WALKING_SPEED_KMH = 8.5
FAST_WINDOW_KMH = 9.0
MAX_FAST_WINDOW_SHARE = 0.25
WINDOW_S = 60.0
RUNNING_CADENCE_SPM = 150.0
WALKING_CADENCE_SPM = (100.0, 140.0)
MAX_CADENCE_CONFIRMED_KMH = 10.0
MAX_WALK_DURATION_S = 16 * 3600
MIN_JUDGED_MOVING_S = 120.0

SPORT_ASSUMED = "sport_assumed"
TOO_FAST = "too_fast"
FAST_STRETCHES = "fast_stretches"
RUNNING_CADENCE = "running_cadence"
CHECK_REASONS = (SPORT_ASSUMED, TOO_FAST, FAST_STRETCHES, RUNNING_CADENCE)

TOO_LONG = "too_long"
NO_DURATION = "no_duration"

# What each code means, in plain words, for the person (pages and the command line).
CHECK_TEXT = {
    SPORT_ASSUMED: "The file does not say which sport this was.",
    TOO_FAST: (
        f"It was faster than walking: its moving speed was over {MAX_WALKING_SPEED_KMH:g} km/h, "
        "and brisk walking tops out around 7 km/h."
    ),
    FAST_STRETCHES: (
        f"A quarter or more of it was faster than walking (over {FAST_WINDOW_KMH:g} km/h), as in "
        "a run or a ride."
    ),
    RUNNING_CADENCE: (
        f"Its step rate was {RUNNING_CADENCE_SPM:g} steps a minute or more, which is running."
    ),
}
NOT_COUNTED_TEXT = (
    "It is kept but not counted in your weeks, reviews or pace trend until you confirm it was a "
    "walk."
)


def check_text(reason: str | None, units: str = "metric") -> str:
    """`CHECK_TEXT` of a code with its speeds in the person's units (issue 15: miles or km)."""
    if reason == TOO_FAST:
        return (
            "It was faster than walking: its moving speed was over "
            f"{speed_text(MAX_WALKING_SPEED_KMH, units)}, and brisk walking tops out around "
            f"{speed_text(7, units, 0 if units == 'metric' else 1)}."
        )
    if reason == FAST_STRETCHES:
        return (
            "A quarter or more of it was faster than walking (over "
            f"{speed_text(FAST_WINDOW_KMH, units)}), as in a run or a ride."
        )
    return CHECK_TEXT.get(reason or "", "")


@dataclass(frozen=True)
class Verdict:
    """What the speed (and cadence) of a record say."""

    plausible: bool
    reason: str | None  # too_fast | fast_stretches | running_cadence, when not plausible
    moving_speed_kmh: float | None  # None when it could not be judged
    fast_share: float | None  # share of 1-minute windows over FAST_WINDOW_KMH
    cadence_spm: float | None  # median cadence over moving samples, when known


def duration_problem(duration_s: float) -> str | None:
    """`no_duration` for a record of a single moment, `too_long` past a plausible walk."""
    if not duration_s >= 1:  # also NaN
        return NO_DURATION
    if duration_s > MAX_WALK_DURATION_S:
        return TOO_LONG
    return None


def judge(
    moving_speed_kmh: float | None, fast_share: float | None, cadence_spm: float | None
) -> Verdict:
    """Is this walking? Running cadence first, then the average, then the fast stretches."""

    def verdict(reason: str | None) -> Verdict:
        return Verdict(reason is None, reason, moving_speed_kmh, fast_share, cadence_spm)

    if cadence_spm is not None and cadence_spm >= RUNNING_CADENCE_SPM:
        return verdict(RUNNING_CADENCE)
    walking_cadence = (
        cadence_spm is not None and WALKING_CADENCE_SPM[0] <= cadence_spm <= WALKING_CADENCE_SPM[1]
    )
    limit = MAX_CADENCE_CONFIRMED_KMH if walking_cadence else MAX_WALKING_SPEED_KMH
    if moving_speed_kmh is not None and moving_speed_kmh > limit:
        return verdict(TOO_FAST)
    if not walking_cadence and fast_share is not None and fast_share >= MAX_FAST_WINDOW_SHARE:
        return verdict(FAST_STRETCHES)
    return verdict(None)


def assess(
    t_s: Sequence[float],
    distance_m: Sequence[float | None],
    moving_s: float,
    total_distance_m: float | None,
    cadence_spm: Sequence[float | None] = (),
    interval_m: Sequence[float | None] | None = None,
) -> Verdict:
    """Judge a record from its samples: moving speed = total distance / moving time; windows of
    60 s of moving time (intervals of 0 < dt <= 30 s) with a known distance; cadence the median of
    the positive cadence samples of moving intervals.

    `distance_m` is the cumulative distance column; `interval_m`, when given instead, the distance
    of each interval (i to i+1) worked out from positions.
    """
    speed = None
    if total_distance_m is not None and total_distance_m > 0 and moving_s >= MIN_JUDGED_MOVING_S:
        speed = total_distance_m / moving_s * 3.6
    windows: list[float] = []
    window_s = window_m = 0.0
    cadences: list[float] = []
    for i in range(len(t_s) - 1):
        dt = t_s[i + 1] - t_s[i]
        if not 0 < dt <= MAX_GAP_S:
            continue
        if i < len(cadence_spm):
            value = cadence_spm[i]
            if value is not None and value > 0 and math.isfinite(value):
                cadences.append(value)
        step = _interval(i, distance_m, interval_m)
        if step is None:
            continue
        window_s += dt
        window_m += step
        if window_s >= WINDOW_S:
            windows.append(window_m / window_s * 3.6)
            window_s = window_m = 0.0
    share = None
    if windows and moving_s >= MIN_JUDGED_MOVING_S:
        share = sum(1 for w in windows if w > FAST_WINDOW_KMH) / len(windows)
    cadence = statistics.median(cadences) if cadences else None
    return judge(speed, share, cadence)


def _interval(
    i: int, distance_m: Sequence[float | None], interval_m: Sequence[float | None] | None
) -> float | None:
    if i + 1 < len(distance_m):
        a, b = distance_m[i], distance_m[i + 1]
        if a is not None and b is not None:
            return max(0.0, b - a)
    if interval_m is not None and i < len(interval_m):
        return interval_m[i]
    return None


def check_reason(*, logged_by_hand: bool, sport_assumed: bool, verdict: Verdict) -> str | None:
    """Why a walk waits for the person's confirmation before it counts, or None when it counts.

    A walk the person logged by hand always counts. An imported record that is not plausibly
    walking waits, whatever sport its file names; one whose file names no sport waits too.
    """
    if logged_by_hand:
        return None
    if not verdict.plausible:
        return verdict.reason
    return SPORT_ASSUMED if sport_assumed else None
