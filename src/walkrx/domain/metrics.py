"""Per-walk metrics (program spec section 9). Pure standard library.

The heart-rate band comes from `walkrx.domain.zones` (HRmax estimates, band in bpm, exact
half-up rounding); `analyze` takes it as (lo, hi).

Per-walk metrics (`analyze`)
----------------------------
Samples are (t_i, hr_i, distance_i, position_i), in the file's order. A device may sample heart
rate apart from position (an Apple Watch: heart rate every ~5 s, a route point every second; phone
apps: heart rate every 2-9 s), and may write points a few seconds out of time order. So three
series are read from the samples, each on its own terms:

- The timeline: every sample's time, in time order. Interval i runs from one time to the next and
  lasts dt_i; it is *moving* when 0 < dt_i <= 30 s and it does not overlap a timer pause
  (stop_s, start_s) of the file; a longer gap or any overlap with a pause makes it a pause.
- The heart-rate series: the samples that carry a heart rate, in time order. Each counts the time
  to the next heart-rate sample (spec section 9) when that comes within 30 s and no pause lies
  between; otherwise, and for the last one, it counts nothing. Position-only samples between two
  heart-rate samples change none of the heart-rate figures.
- The motion series: the samples with a position or a cumulative distance, in the file's order
  (sorting would zig-zag the path). A step between two consecutive ones has a distance (difference
  of cumulative distances when both are known, negative ones counting 0, else the haversine
  distance) and, when it is moving time (0 < dt <= 30 s, no pause), is a *segment* carrying the
  heart rate in force at its start (that of the heart-rate sample whose counted time covers it).

- duration_s: the file's own elapsed time (a FIT session's total_elapsed_time, an Apple
  workout's start to end) when it gives one and it differs from the samples' span by at most an
  hour (else a note says the two disagree); otherwise the latest sample minus the earliest; 0 with
  neither.
- moving_s: sum of the timeline's moving intervals, at most duration_s.
- distance_m: the file's total when positive; else the last cumulative distance sample when
  positive; else the haversine sum over consecutive GPS points of the motion series, leaving out
  steps that straddle a timer pause (the person may travel while the timer is stopped); else the
  file's total (0) or None.
- samples: number of samples; hr_samples: samples with a heart rate.
- hr_coverage: heart-rate time (the sum of the samples' counted time) / moving time (None when
  there is no moving time).
- avg_hr: mean of the heart-rate samples weighted by their counted time; None when no sample
  counts (heart rate only once, or minutes apart: an Apple Watch outside a workout), and a note
  says so. max_hr: the largest heart-rate sample of the walk.
- notes: what the figures cannot say, as plain sentences (shown with the importer's own notes).
- below_s / in_s / above_s: counted heart-rate time with hr < lo, lo <= hr <= hi, hr > hi (None
  without a band). Hence below + in + above = heart-rate time <= moving_s <= duration_s.
- spikes_share: share of heart-rate time whose heart rate exceeds by more than 10 bpm the rolling
  median of the heart-rate samples within ±60 s (a centred 2-minute window).
- drift_pct (Pa:HR decoupling): for walks with at least 30 min of moving time, the segments with a
  heart rate are split at half their total time; with r = (distance / time) / mean hr for each
  half, drift = (r1 - r2) / r1 × 100. Positive means heart rate rose for the same pace in the
  second half. None for shorter walks or without distance/HR.

Efficiency (pace at the same heart rate)
----------------------------------------
- Steady walking: the segments with a heart rate, after trimming the first and last 10 % of the
  segments' time (warm-up and cool-down).
- speed_per_beat: steady speed in m/min (steady distance / steady time) ÷ steady time-weighted
  mean heart rate: metres per minute per bpm. None when the steady distance is 0 or unknown.
- speed_at_ref_hr: steady intervals are grouped, in time order, into consecutive 60-s windows; a
  least-squares line speed(hr) = a + b·hr through the windows (m/min, bpm) is evaluated at the
  centre of the band. None without a band, with fewer than 3 windows, when all windows share one
  heart rate, or when the centre lies more than 10 bpm outside the windows' heart-rate range
  (extrapolating a line that far says nothing).
- eligible / ineligible_reason: the first that applies of
  `not_a_walk` (sport other than walking or hiking), `indoor` (treadmill or indoor: the speed is
  not the walker's), `too_short` (under 10 min of
  moving time), `no_heart_rate`, `low_hr_coverage` (under 90 %), `no_distance`, `hilly` (ascent
  of 20 m or more per km: ascent sums rises of the altitude samples, counting a rise only once the
  altitude has climbed 3 m above its last low, to ignore barometric noise; 20 m/km is a 2 % mean
  grade, where walking speed at a given heart rate starts to fall noticeably). Ineligible walks
  still carry their figures; the trend leaves them out.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any, cast

from walkrx.domain.activity import Activity
from walkrx.domain.efficiency import (
    Efficiency,
    Segment,
    drift_pct,
    efficiency,
)

MAX_GAP_S = 30.0
ALTITUDE_HYSTERESIS_M = 3.0
SPIKE_MARGIN_BPM = 10.0
SPIKE_HALF_WINDOW_S = 60.0
EARTH_RADIUS_M = 6_371_008.8

# The file's own elapsed time (FIT session, Apple workout) is the walk's duration unless it differs
# from the span of the samples by more than this: then the samples' clock is believed instead.
MAX_OWN_EXCESS_S = 3600.0


@dataclass(frozen=True)
class WalkMetrics:
    """Everything section 9 derives from one walk's samples (see the module docstring)."""

    duration_s: float
    moving_s: float
    distance_m: float | None
    avg_hr: float | None
    max_hr: float | None
    samples: int
    hr_samples: int
    hr_coverage: float | None
    band: tuple[int, int] | None
    below_s: float | None
    in_s: float | None
    above_s: float | None
    ascent_m: float | None
    efficiency: Efficiency
    spikes_share: float | None
    drift_pct: float | None
    notes: tuple[str, ...] = ()  # what the figures cannot say, in plain words

    def to_json(self) -> dict[str, Any]:
        """A dict of plain JSON types (lists for tuples, floats rounded to 0.001)."""

        def clean(value: Any) -> Any:
            if isinstance(value, float):
                return round(value, 3)
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [clean(v) for v in value]
            return value

        return {k: clean(v) for k, v in asdict(self).items()}


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _column(values: Sequence[float | None], n: int) -> list[float | None]:
    """A sample column padded (or cut) to n values, so short columns read as missing."""
    out = list(values[:n])
    out.extend([None] * (n - len(out)))
    return out


def _overlaps_pause(a: float, b: float, pauses: Sequence[tuple[float, float]]) -> bool:
    return any(a < resume and b > stop for stop, resume in pauses)


def _ascent(altitude: Sequence[float | None]) -> float | None:
    """Total climb with hysteresis: count a rise once it exceeds ALTITUDE_HYSTERESIS_M."""
    known = [a for a in altitude if a is not None]
    if len(known) < 2:
        return None
    gain = 0.0
    low = known[0]
    for a in known[1:]:
        if a < low:
            low = a
        elif a - low >= ALTITUDE_HYSTERESIS_M:
            gain += a - low
            low = a
    return gain


def _rolling_median(t: Sequence[float], hr: Sequence[float]) -> list[float]:
    """Median of the heart-rate samples within ±SPIKE_HALF_WINDOW_S of each one (time order)."""
    medians: list[float] = []
    window: list[float] = []
    lo = hi = 0
    n = len(t)
    for ti in t:
        while hi < n and t[hi] <= ti + SPIKE_HALF_WINDOW_S:
            insort(window, hr[hi])
            hi += 1
        while t[lo] < ti - SPIKE_HALF_WINDOW_S:
            del window[bisect_left(window, hr[lo])]
            lo += 1
        m = len(window)
        medians.append(window[m // 2] if m % 2 else (window[m // 2 - 1] + window[m // 2]) / 2)
    return medians


def _sorted_times(t: Sequence[float]) -> Sequence[float]:
    """The sample times in time order (the file's own order when it is already sorted)."""
    if all(a <= b for a, b in pairwise(t)):
        return t
    return sorted(t)


def _moving_time(times: Sequence[float], pauses: Sequence[tuple[float, float]]) -> float:
    """Time between consecutive samples (time order) that is neither a gap over 30 s nor paused."""
    total = 0.0
    for a, b in pairwise(times):
        dt = b - a
        if 0 < dt <= MAX_GAP_S and not (pauses and _overlaps_pause(a, b, pauses)):
            total += dt
    return total


@dataclass(frozen=True)
class _HeartRate:
    """The heart-rate samples on their own timeline, in time order.

    `dt[k]` is the time sample k counts: up to the next heart-rate sample when that comes within
    30 s and the interval overlaps no timer pause, else 0 (the last sample counts nothing).
    """

    t: list[float]
    bpm: list[float]
    dt: list[float]

    @classmethod
    def of(
        cls,
        t: Sequence[float],
        hr: Sequence[float | None],
        pauses: Sequence[tuple[float, float]],
    ) -> _HeartRate:
        if len(hr) == len(t) and None not in hr:  # the common case: every sample has one
            times, bpm = list(t), cast("list[float]", list(hr))
            if any(a > b for a, b in pairwise(times)):
                order = sorted(range(len(times)), key=times.__getitem__)  # stable
                times, bpm = [times[i] for i in order], [bpm[i] for i in order]
        else:
            pairs = [(ti, h) for ti, h in zip(t, hr, strict=True) if h is not None]
            if any(a[0] > b[0] for a, b in pairwise(pairs)):
                pairs.sort(key=lambda p: p[0])  # stable: equal times keep the file's order
            times = [p[0] for p in pairs]
            bpm = [p[1] for p in pairs]
        if pauses:
            dt = [
                b - a if 0 < b - a <= MAX_GAP_S and not _overlaps_pause(a, b, pauses) else 0.0
                for a, b in pairwise(times)
            ]
        else:
            dt = [b - a if 0 < b - a <= MAX_GAP_S else 0.0 for a, b in pairwise(times)]
        dt.append(0.0)  # the last sample counts nothing
        return cls(times, bpm, dt[: len(times)])


def analyze(activity: Activity, band: tuple[int, int] | None) -> WalkMetrics:
    """The metrics of section 9 for one walk, with the person's band (lo, hi) when known."""
    t = [float(x) for x in activity.t_s]
    n = len(t)
    hr = _column(activity.hr_bpm, n)
    dist = _column(activity.distance_m, n)
    lat = _column(activity.lat, n)
    lon = _column(activity.lon, n)
    alt = _column(activity.altitude_m, n)
    pauses = activity.pauses

    times = _sorted_times(t)
    span = times[-1] - times[0] if n >= 2 else 0.0
    own = activity.duration_s
    fits = own is not None and own > 0 and (n < 2 or abs(own - span) <= MAX_OWN_EXCESS_S)
    duration = own if fits and own is not None else span
    # moving time cannot exceed the device's own elapsed time (samples outside its session)
    moving_s = min(_moving_time(times, pauses), duration)

    # Heart rate on its own timeline (spec section 9), whatever the position sampling.
    heart = _HeartRate.of(t, hr, pauses)
    covered_s = 0.0
    hr_time_sum = 0.0
    below = inside = above = 0.0
    lo_b, hi_b = band if band is not None else (0, 0)
    for h, dt in zip(heart.bpm, heart.dt, strict=True):
        if dt <= 0:
            continue
        covered_s += dt
        hr_time_sum += h * dt
        if h < lo_b:
            below += dt
        elif h > hi_b:
            above += dt
        else:
            inside += dt
    notes: list[str] = []
    avg_hr: float | None = None
    if covered_s > 0:
        # clamped to the samples' range: with sub-normal time steps the division can round past it
        avg_hr = min(max(hr_time_sum / covered_s, min(heart.bpm)), max(heart.bpm))
    elif heart.bpm:
        notes.append(
            f"Heart rate was recorded only {_times(len(heart.bpm))}, never twice within 30 "
            "seconds, so the walk's average heart rate and its minutes in the target zone "
            "cannot be measured."
        )
    max_hr = max(heart.bpm) if heart.bpm else None
    coverage = min(1.0, covered_s / moving_s) if moving_s > 0 else None
    if own is not None and n >= 2 and abs(own - span) > MAX_OWN_EXCESS_S:
        notes.append(
            f"The file's own duration ({own / 60:.0f} min) does not fit the times of its samples "
            f"({span / 60:.0f} min); the samples' times were used."
        )

    # Motion: the samples with a position or a cumulative distance, in the file's order (sorting
    # points a few seconds out of order would zig-zag the path). Each step between two of them is
    # a segment (dt, heart rate in force at its start, distance) when it is moving time.
    segments: list[Segment] = []
    gps_sum = 0.0
    gps_pairs = 0
    # The GPS path length is only the fallback when the file gives no distance of its own, so the
    # haversine (the costliest step per point) runs only where a distance is actually missing.
    need_gps_sum = _distance(activity, dist, None) is None
    h_t, h_bpm, h_dt = heart.t, heart.bpm, heart.dt
    n_heart = len(h_t)
    last_heart = n_heart - 1
    k = -1  # the heart-rate sample found last: samples in time order cost one step each
    prev = -1
    for i in range(n):
        la2, lo2, d2 = lat[i], lon[i], dist[i]
        has_fix = la2 is not None and lo2 is not None
        if not has_fix and d2 is None:
            continue
        if prev < 0:
            prev = i
            continue
        a, b = t[prev], t[i]
        la1, lo1, d1 = lat[prev], lon[prev], dist[prev]
        prev = i
        dt = b - a
        in_pause = bool(pauses) and _overlaps_pause(min(a, b), max(a, b), pauses)
        step: float | None = None
        if d1 is not None and d2 is not None:
            step = max(0.0, d2 - d1)
        if has_fix and la1 is not None and lo1 is not None and (need_gps_sum or step is None):
            step_gps = haversine_m(la1, lo1, la2, lo2)  # type: ignore[arg-type]
            if not in_pause:
                gps_sum += step_gps
                gps_pairs += 1
            if step is None:
                step = step_gps
        if step is None or dt <= 0 or dt > MAX_GAP_S or in_pause:
            continue
        # the heart rate in force at `a` (heart.at, inlined: this loop runs once per sample)
        hr_now: float | None = None
        if n_heart:
            if k < 0 or h_t[k] > a:
                k = bisect_right(h_t, a) - 1
            else:
                while k < last_heart and h_t[k + 1] <= a:
                    k += 1
            if k >= 0 and h_dt[k] > 0 and a < h_t[k] + h_dt[k]:
                hr_now = h_bpm[k]
        segments.append((dt, hr_now, step))

    distance = _distance(activity, dist, gps_sum if gps_pairs else None)
    ascent = _ascent(alt)

    # Spikes: heart-rate time more than 10 bpm above the centred 2-minute median.
    spikes_share: float | None = None
    if covered_s > 0:
        medians = _rolling_median(heart.t, heart.bpm)
        spiky = sum(
            dt
            for h, dt, med in zip(heart.bpm, heart.dt, medians, strict=True)
            if dt > 0 and h > med + SPIKE_MARGIN_BPM
        )
        spikes_share = spiky / covered_s

    walk_efficiency = efficiency(
        activity,
        band=band,
        moving_s=moving_s,
        coverage=coverage,
        distance=distance,
        ascent=ascent,
        segments=segments,
    )
    drift = drift_pct(moving_s, segments)

    return WalkMetrics(
        duration_s=duration,
        moving_s=moving_s,
        distance_m=distance,
        avg_hr=avg_hr,
        max_hr=max_hr,
        samples=n,
        hr_samples=len(heart.bpm),
        hr_coverage=coverage,
        band=band,
        below_s=below if band is not None else None,
        in_s=inside if band is not None else None,
        above_s=above if band is not None else None,
        ascent_m=ascent,
        efficiency=walk_efficiency,
        spikes_share=spikes_share,
        drift_pct=drift,
        notes=tuple(notes),
    )


def _distance(
    activity: Activity, dist: Sequence[float | None], gps_sum: float | None
) -> float | None:
    total = activity.total_distance_m
    if total is not None and total > 0:
        return float(total)
    last = next((d for d in reversed(dist) if d is not None), None)
    if last is not None and last > 0:
        return float(last)
    if gps_sum is not None:
        return gps_sum
    if total is not None:
        return float(total)
    return last
