"""Per-walk metrics (program spec section 9). Pure standard library.

The heart-rate band comes from `walkrx.domain.zones` (HRmax estimates, band in bpm, exact
half-up rounding); `analyze` takes it as (lo, hi).

Per-walk metrics (`analyze`)
----------------------------
Samples are (t_i, hr_i, distance_i, position_i). Interval i runs from sample i to sample i+1 and
lasts dt_i = t_{i+1} − t_i. An interval is *moving* when 0 < dt_i ≤ 30 s and it does not overlap a
timer pause (stop_s, start_s) of the file; a longer gap or any overlap with a pause makes the whole
interval a pause (with 1 Hz recording this costs at most a second per pause).

- duration_s: elapsed time, last sample minus first; the file's own elapsed time when the walk has
  fewer than 2 samples; 0 when it has neither.
- moving_s: sum of moving intervals.
- distance_m: the file's total when positive; else the last cumulative distance sample when
  positive; else the haversine sum over consecutive GPS points, leaving out pairs that straddle a
  timer pause (the person may travel while the timer is stopped); else the file's total (0) or None.
- samples: number of samples; hr_samples: samples with a heart rate.
- hr time: a moving interval is *covered* when its starting sample has a heart rate (the sample's
  value holds until the next sample).
- hr_coverage: covered moving time / moving time (None when there is no moving time).
- avg_hr: time-weighted mean over covered moving intervals; when there are none, the plain mean of
  the heart-rate samples. max_hr: the largest heart-rate sample of the walk.
- below_s / in_s / above_s: covered moving time with hr < lo, lo ≤ hr ≤ hi, hr > hi (None without a
  band). Hence below + in + above = covered time ≤ moving_s ≤ duration_s.
- spikes_share: share of covered moving time whose heart rate exceeds by more than 10 bpm the
  rolling median of the heart-rate samples within ±60 s (a centred 2-minute window).
- drift_pct (Pa:HR decoupling): for walks with at least 30 min of moving time, moving intervals with
  a heart rate and a known distance are split at half their total time; with
  r = (distance / time) / mean hr for each half, drift = (r1 − r2) / r1 × 100. Positive means heart
  rate rose for the same pace in the second half. None for shorter walks or without distance/HR.
- interval distance: difference of cumulative distance samples when both are known (negative
  differences count as 0), else the haversine distance between both positions, else unknown.

Efficiency (pace at the same heart rate)
----------------------------------------
- Steady walking: the moving intervals with a heart rate and a known distance, after trimming the
  first and last 10 % of the walk's moving time (warm-up and cool-down).
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
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from walkrx.domain.activity import Activity

MAX_GAP_S = 30.0
MIN_EFFICIENCY_MOVING_S = 10 * 60
MIN_HR_COVERAGE = 0.9
TRIM_SHARE = 0.10
FIT_WINDOW_S = 60.0
FIT_MIN_WINDOWS = 3
FIT_MAX_EXTRAPOLATION_BPM = 10.0
HILLY_GAIN_M_PER_KM = 20.0
ALTITUDE_HYSTERESIS_M = 3.0
SPIKE_MARGIN_BPM = 10.0
SPIKE_HALF_WINDOW_S = 60.0
DRIFT_MIN_MOVING_S = 30 * 60
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Efficiency:
    """Pace at the same heart rate for one walk (see the module docstring)."""

    speed_per_beat: float | None  # m/min per bpm over steady walking
    speed_at_ref_hr: float | None  # m/min at the band centre, from the speed-vs-HR fit
    ref_hr: float | None  # the band centre used
    eligible: bool
    ineligible_reason: str | None  # indoor | too_short | no_heart_rate | low_hr_coverage | ...


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


def _rolling_median(t: Sequence[float], hr: Sequence[float | None]) -> list[float | None]:
    """Median of heart-rate samples within ±SPIKE_HALF_WINDOW_S of each sample (None if no HR)."""
    points = [(ti, h) for ti, h in zip(t, hr, strict=True) if h is not None]
    medians_by_time: list[float] = []
    window: list[float] = []
    lo = hi = 0
    for ti, _ in points:
        while hi < len(points) and points[hi][0] <= ti + SPIKE_HALF_WINDOW_S:
            insort(window, points[hi][1])
            hi += 1
        while points[lo][0] < ti - SPIKE_HALF_WINDOW_S:
            del window[bisect_left(window, points[lo][1])]
            lo += 1
        m = len(window)
        medians_by_time.append(
            window[m // 2] if m % 2 else (window[m // 2 - 1] + window[m // 2]) / 2
        )
    out: list[float | None] = []
    k = 0
    for h in hr:
        if h is None:
            out.append(None)
        else:
            out.append(medians_by_time[k])
            k += 1
    return out


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

    duration = t[-1] - t[0] if n >= 2 else (activity.duration_s or 0.0)

    # Per-interval facts, one pass.
    moving_s = 0.0
    covered_s = 0.0
    hr_time_sum = 0.0
    below = inside = above = 0.0
    seg_dt: list[float] = []  # moving intervals only, in order
    seg_hr: list[float | None] = []
    seg_dist: list[float | None] = []
    seg_idx: list[int] = []
    gps_sum = 0.0
    gps_pairs = 0
    lo_b, hi_b = band if band is not None else (0, 0)
    # The GPS path length is only the fallback when the file gives no distance of its own, so the
    # haversine (the costliest step per point) runs only where a distance is actually missing.
    need_gps_sum = _distance(activity, dist, None) is None
    for i in range(n - 1):
        a, b = t[i], t[i + 1]
        dt = b - a
        in_pause = bool(pauses) and _overlaps_pause(a, b, pauses)
        d1, d2 = dist[i], dist[i + 1]
        have_step = d1 is not None and d2 is not None
        step_gps: float | None = None
        if need_gps_sum or not have_step:
            la1, lo1, la2, lo2 = lat[i], lon[i], lat[i + 1], lon[i + 1]
            if la1 is not None and lo1 is not None and la2 is not None and lo2 is not None:
                step_gps = haversine_m(la1, lo1, la2, lo2)
                if not in_pause:
                    gps_sum += step_gps
                    gps_pairs += 1
        if dt <= 0 or dt > MAX_GAP_S or in_pause:
            continue
        moving_s += dt
        step = max(0.0, d2 - d1) if have_step else step_gps  # type: ignore[operator]
        h = hr[i]
        seg_dt.append(dt)
        seg_hr.append(h)
        seg_dist.append(step)
        seg_idx.append(i)
        if h is None:
            continue
        covered_s += dt
        hr_time_sum += h * dt
        if h < lo_b:
            below += dt
        elif h > hi_b:
            above += dt
        else:
            inside += dt

    hr_values = [h for h in hr if h is not None]
    if covered_s > 0:
        avg_hr: float | None = hr_time_sum / covered_s
    elif hr_values:
        avg_hr = sum(hr_values) / len(hr_values)
    else:
        avg_hr = None
    max_hr = max(hr_values) if hr_values else None
    coverage = covered_s / moving_s if moving_s > 0 else None

    distance = _distance(activity, dist, gps_sum if gps_pairs else None)
    ascent = _ascent(alt)

    # Spikes.
    spikes_share: float | None = None
    if covered_s > 0:
        medians = _rolling_median(t, hr)
        spiky = 0.0
        for dt, h, i in zip(seg_dt, seg_hr, seg_idx, strict=True):
            med = medians[i]
            if h is not None and med is not None and h > med + SPIKE_MARGIN_BPM:
                spiky += dt
        spikes_share = spiky / covered_s

    efficiency = _efficiency(
        activity,
        band=band,
        moving_s=moving_s,
        coverage=coverage,
        distance=distance,
        ascent=ascent,
        seg_dt=seg_dt,
        seg_hr=seg_hr,
        seg_dist=seg_dist,
    )
    drift = _drift(moving_s, seg_dt, seg_hr, seg_dist)

    return WalkMetrics(
        duration_s=duration,
        moving_s=moving_s,
        distance_m=distance,
        avg_hr=avg_hr,
        max_hr=max_hr,
        samples=n,
        hr_samples=len(hr_values),
        hr_coverage=coverage,
        band=band,
        below_s=below if band is not None else None,
        in_s=inside if band is not None else None,
        above_s=above if band is not None else None,
        ascent_m=ascent,
        efficiency=efficiency,
        spikes_share=spikes_share,
        drift_pct=drift,
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


def _steady(
    moving_s: float,
    seg_dt: Sequence[float],
    seg_hr: Sequence[float | None],
    seg_dist: Sequence[float | None],
) -> list[tuple[float, float, float]]:
    """(dt, hr, distance) of moving intervals inside the middle 80 % of moving time."""
    lo, hi = moving_s * TRIM_SHARE, moving_s * (1 - TRIM_SHARE)
    out: list[tuple[float, float, float]] = []
    elapsed = 0.0
    for dt, h, d in zip(seg_dt, seg_hr, seg_dist, strict=True):
        mid = elapsed + dt / 2
        elapsed += dt
        if lo <= mid <= hi and h is not None and d is not None:
            out.append((dt, h, d))
    return out


def _efficiency(
    activity: Activity,
    *,
    band: tuple[int, int] | None,
    moving_s: float,
    coverage: float | None,
    distance: float | None,
    ascent: float | None,
    seg_dt: Sequence[float],
    seg_hr: Sequence[float | None],
    seg_dist: Sequence[float | None],
) -> Efficiency:
    steady = _steady(moving_s, seg_dt, seg_hr, seg_dist)
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


def _drift(
    moving_s: float,
    seg_dt: Sequence[float],
    seg_hr: Sequence[float | None],
    seg_dist: Sequence[float | None],
) -> float | None:
    if moving_s < DRIFT_MIN_MOVING_S:
        return None
    usable = [
        (dt, h, d)
        for dt, h, d in zip(seg_dt, seg_hr, seg_dist, strict=True)
        if h is not None and d is not None
    ]
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
