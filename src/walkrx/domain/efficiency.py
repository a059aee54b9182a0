"""Pace at the same heart rate, and heart-rate drift, for one walk (spec section 9).

The figures and their edge cases are defined in the docstring of `walkrx.domain.metrics`, which
computes the walk's segments (moving steps with the heart rate in force) and calls these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from walkrx.domain.activity import Activity

MIN_EFFICIENCY_MOVING_S = 10 * 60
MIN_HR_COVERAGE = 0.9
TRIM_SHARE = 0.10
FIT_WINDOW_S = 60.0
FIT_MIN_WINDOWS = 3
FIT_MAX_EXTRAPOLATION_BPM = 10.0
HILLY_GAIN_M_PER_KM = 20.0
DRIFT_MIN_MOVING_S = 30 * 60

Segment = tuple[float, float | None, float]  # (dt, heart rate in force, distance) of a step


@dataclass(frozen=True)
class Efficiency:
    """Pace at the same heart rate for one walk (see the module docstring)."""

    speed_per_beat: float | None  # m/min per bpm over steady walking
    speed_at_ref_hr: float | None  # m/min at the band centre, from the speed-vs-HR fit
    ref_hr: float | None  # the band centre used
    eligible: bool
    ineligible_reason: str | None  # indoor | too_short | no_heart_rate | low_hr_coverage | ...


def _fit_speed_at(windows: Sequence[tuple[float, float]], ref_hr: float) -> float | None:
    """Least-squares speed = a + b·hr through (hr, speed) windows, evaluated at ref_hr."""
    if len(windows) < FIT_MIN_WINDOWS:
        return None
    hrs = [w[0] for w in windows]
    margin = FIT_MAX_EXTRAPOLATION_BPM
    if ref_hr < min(hrs) - margin or ref_hr > max(hrs) + margin:
        return None
    n = len(windows)
    mean_h = sum(hrs) / n
    mean_s = sum(w[1] for w in windows) / n
    sxx = sum((h - mean_h) ** 2 for h in hrs)
    if sxx <= 1e-9:
        return None
    sxy = sum((h - mean_h) * (s - mean_s) for h, s in windows)
    slope = sxy / sxx
    return mean_s + slope * (ref_hr - mean_h)


def _steady(segments: Sequence[Segment]) -> list[tuple[float, float, float]]:
    """(dt, hr, distance) of segments with a heart rate inside the middle 80 % of their time."""
    total = sum(seg[0] for seg in segments)
    lo, hi = total * TRIM_SHARE, total * (1 - TRIM_SHARE)
    out: list[tuple[float, float, float]] = []
    elapsed = 0.0
    for dt, h, d in segments:
        mid = elapsed + dt / 2
        elapsed += dt
        if lo <= mid <= hi and h is not None:
            out.append((dt, h, d))
    return out


def efficiency(
    activity: Activity,
    *,
    band: tuple[int, int] | None,
    moving_s: float,
    coverage: float | None,
    distance: float | None,
    ascent: float | None,
    segments: Sequence[Segment],
) -> Efficiency:
    steady = _steady(segments)
    speed_per_beat: float | None = None
    steady_t = sum(s[0] for s in steady)
    steady_d = sum(s[2] for s in steady)
    if steady_t > 0 and steady_d > 0:
        speed = steady_d / steady_t * 60.0
        mean_hr = sum(s[0] * s[1] for s in steady) / steady_t
        speed_per_beat = speed / mean_hr if mean_hr > 0 else None

    ref_hr = (band[0] + band[1]) / 2 if band is not None else None
    speed_at_ref: float | None = None
    if ref_hr is not None and steady:
        windows: list[tuple[float, float]] = []
        acc_t = acc_d = acc_h = 0.0
        for dt, h, d in steady:
            acc_t += dt
            acc_d += d
            acc_h += h * dt
            if acc_t >= FIT_WINDOW_S:
                windows.append((acc_h / acc_t, acc_d / acc_t * 60.0))
                acc_t = acc_d = acc_h = 0.0
        speed_at_ref = _fit_speed_at(windows, ref_hr)

    reason: str | None = None
    if not activity.is_walk:
        reason = "not_a_walk"
    elif activity.indoor or activity.sport == "treadmill_walking":
        reason = "indoor"
    elif moving_s < MIN_EFFICIENCY_MOVING_S:
        reason = "too_short"
    elif coverage is None or coverage == 0:
        reason = "no_heart_rate"
    elif coverage < MIN_HR_COVERAGE:
        reason = "low_hr_coverage"
    elif not distance or speed_per_beat is None:
        reason = "no_distance"
    elif ascent is not None and ascent / (distance / 1000.0) >= HILLY_GAIN_M_PER_KM:
        reason = "hilly"
    return Efficiency(
        speed_per_beat=speed_per_beat,
        speed_at_ref_hr=speed_at_ref,
        ref_hr=ref_hr,
        eligible=reason is None,
        ineligible_reason=reason,
    )


def drift_pct(moving_s: float, segments: Sequence[Segment]) -> float | None:
    if moving_s < DRIFT_MIN_MOVING_S:
        return None
    usable = [(dt, h, d) for dt, h, d in segments if h is not None]
    total = sum(u[0] for u in usable)
    if total <= 0:
        return None
    halves = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]  # time, distance, hr·time
    elapsed = 0.0
    for dt, h, d in usable:
        half = halves[0] if elapsed + dt / 2 <= total / 2 else halves[1]
        elapsed += dt
        half[0] += dt
        half[1] += d
        half[2] += h * dt
    ratios: list[float] = []
    for time_s, dist_m, hr_t in halves:
        if time_s <= 0 or hr_t <= 0:
            return None
        ratios.append((dist_m / time_s) / (hr_t / time_s))
    if ratios[0] <= 0:
        return None
    return (ratios[0] - ratios[1]) / ratios[0] * 100.0
